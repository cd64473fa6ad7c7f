# `sealgate dkim keygen`: the key file is written 0600 (its folder 0700) beside the config, a
# second run refuses to overwrite it, and the printed zone line is a DKIM1 record that dkimpy
# verifies a message signed with that key against (dkimpy signs and verifies; openssl reads the key).
import base64
import os
import re
import stat
import subprocess

import dkim
import pytest
from dkim.util import parse_tag_value

from harness.keymaterial import offline_config
from harness.sealgate import sealgate_bin

ZONE_LINE = re.compile(r'^(?P<owner>\S+) IN TXT (?P<strings>(?:"[^"]*"\s*)+)$')


def _config(tmp_path):
    return offline_config(str(tmp_path))


def _keygen(config, *args, cwd=None):
    return subprocess.run([sealgate_bin(), "dkim", "keygen", "--config", config, *args],
                          capture_output=True, text=True, timeout=60, cwd=cwd)


def _record(stdout):
    """The owner name and the TXT value (its strings joined) of the printed zone line."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    assert len(lines) == 1, stdout
    m = ZONE_LINE.match(lines[0])
    assert m, lines[0]
    strings = re.findall(r'"([^"]*)"', m["strings"])
    assert all(len(s.encode()) <= 255 for s in strings), strings
    return m["owner"], "".join(strings)


def _sign_and_verify(key_path, domain, selector, txt):
    """Signs a message with dkimpy using the generated key; verifies with the printed record."""
    with open(key_path, "rb") as f:
        pem = f.read()
    msg = (b"From: alice@" + domain.encode() + b"\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nHello\r\n")
    algorithm = b"ed25519-sha256" if b"k=ed25519" in txt.encode() else b"rsa-sha256"
    if algorithm == b"ed25519-sha256":
        # dkimpy takes a raw base64 Ed25519 seed, not PEM: the last 32 bytes of the PKCS#8 DER.
        der = subprocess.run(["openssl", "pkey", "-in", key_path, "-outform", "DER"], capture_output=True,
                             check=True).stdout
        pem = base64.b64encode(der[-32:])
    sig = dkim.sign(msg, selector.encode(), domain.encode(), pem, signature_algorithm=algorithm,
                    include_headers=[b"from", b"to", b"subject"])
    records = {f"{selector}._domainkey.{domain}": txt.encode()}

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip("."))
    return dkim.verify(sig + msg, dnsfunc=dnsfunc), dkim.verify(sig + msg.replace(b"Hello", b"Hellp"), dnsfunc=dnsfunc)


@pytest.mark.parametrize("algorithm,k", [("rsa", "rsa"), ("ed25519", "ed25519")])
def test_keygen_writes_a_private_key_and_prints_a_dkim1_record(tmp_path, algorithm, k):
    config = _config(tmp_path)
    p = _keygen(config, "example.org", "s2026", "--algorithm", algorithm)
    assert p.returncode == 0, p.stderr
    key = tmp_path / "certs" / "dkim" / "example.org.s2026.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key.parent).st_mode) == 0o700
    assert str(key) in p.stderr
    owner, txt = _record(p.stdout)
    assert owner == "s2026._domainkey.example.org."
    tags = parse_tag_value(txt.encode())
    assert tags[b"v"] == b"DKIM1" and tags[b"k"] == k.encode() and tags[b"p"], tags
    # openssl reads the key as the algorithm asked for.
    text = subprocess.run(["openssl", "pkey", "-in", str(key), "-noout", "-text"], capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    assert ("Private-Key: (2048 bit" if algorithm == "rsa" else "ED25519 Private-Key") in text.stdout
    good, tampered = _sign_and_verify(str(key), "example.org", "s2026", txt)
    assert good and not tampered


def test_keygen_refuses_to_overwrite_an_existing_key(tmp_path):
    config = _config(tmp_path)
    assert _keygen(config, "example.org", "s1", "--algorithm", "ed25519").returncode == 0
    key = tmp_path / "certs" / "dkim" / "example.org.s1.key"
    before = key.read_bytes()
    p = _keygen(config, "example.org", "s1", "--algorithm", "ed25519")
    assert p.returncode == 1
    assert "refusing to overwrite" in p.stderr and p.stdout == ""
    assert key.read_bytes() == before
    # --out too, relative to the current directory.
    out = tmp_path / "elsewhere.key"
    out.write_text("not a key")
    p = _keygen(config, "example.org", "s2", "--out", "elsewhere.key", cwd=str(tmp_path))
    assert p.returncode == 1 and "refusing to overwrite" in p.stderr
    assert out.read_text() == "not a key"


def test_keygen_out_and_bad_arguments(tmp_path):
    config = _config(tmp_path)
    p = _keygen(config, "example.org", "ed1", "--algorithm", "ed25519", "--out", "ed1.key", cwd=str(tmp_path))
    assert p.returncode == 0, p.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "ed1.key").st_mode) == 0o600
    for args in (["not a domain", "s"], ["example.org", "bad;selector"], ["example.org", "s", "--algorithm", "dsa"]):
        p = _keygen(config, *args)
        assert p.returncode == 64, (args, p.stderr)
        assert p.stdout == ""


def test_check_config_reads_the_generated_key_and_refuses_an_open_one(tmp_path):
    config = _config(tmp_path)
    assert _keygen(config, "example.org", "s2026").returncode == 0
    assert _keygen(config, "example.org", "e2026", "--algorithm", "ed25519").returncode == 0
    with open(config, "a") as f:
        f.write("dkim:\n  domains:\n"
                "    example.org: {selector: s2026, key: certs/dkim/example.org.s2026.key,\n"
                "                  second_selector: e2026, second_key: certs/dkim/example.org.e2026.key}\n")
    p = subprocess.run([sealgate_bin(), "check-config", "--config", config], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and "config OK" in p.stdout + p.stderr, p.stdout + p.stderr
    os.chmod(tmp_path / "certs" / "dkim" / "example.org.e2026.key", 0o644)
    p = subprocess.run([sealgate_bin(), "check-config", "--config", config], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert re.search(r"sealgate\.yaml:9:\d+: error: dkim\.domains\.example\.org\.second_key: .*mode 644", p.stderr), p.stderr
