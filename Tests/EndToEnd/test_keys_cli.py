# `sealgate keys`: import/list/show/remove round trip through the real binary, with certificates
# made by openssl and a key made by gpg; --json parses (snake_case); a bad file is one line, exit 1.
import json
import os
import stat
import subprocess

import pytest

from harness.keymaterial import gpg_public_key, offline_config, smime_certificate
from harness.sealgate import sealgate_bin

def _config(tmp_path):
    return offline_config(str(tmp_path), "keys: {directory: store/recipients}\n")


def _keys(config, *args, cwd=None):
    return subprocess.run([sealgate_bin(), "keys", *args, "--config", config],
                          capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.fixture
def gpg_key(tmp_path):
    """An armored OpenPGP public key for pat@example.net made by gpg, and its fingerprint."""
    path, fpr, _ = gpg_public_key(str(tmp_path), "pat", "pat@example.net")
    return path, fpr


def test_import_list_show_remove_round_trip(tmp_path, gpg_key):
    config = _config(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    bob_pem, bob_fp = smime_certificate(str(work), "bob", "Bob@Example.net")

    r = _keys(config, "import", bob_pem, "--cipher", "aes-256-gcm", "--json")
    assert r.returncode == 0, r.stderr
    imported = json.loads(r.stdout)
    assert imported == [{"address": "bob@example.net", "kind": "smime", "fingerprint": bob_fp, "status": "valid",
                         "not_before": imported[0]["not_before"], "not_after": imported[0]["not_after"],
                         "cipher": "aes-256-gcm"}]
    store = tmp_path / "store" / "recipients"
    assert stat.S_IMODE(os.stat(store).st_mode) == 0o700
    der = store / f"{bob_fp}.smime.der"
    assert stat.S_IMODE(os.stat(der).st_mode) == 0o600
    # The stored file is the certificate in DER, byte for byte what openssl converts it to.
    assert der.read_bytes() == subprocess.run(["openssl", "x509", "-in", bob_pem, "-outform", "DER"],
                                              check=True, capture_output=True).stdout

    pat_path, pat_fp = gpg_key
    r = _keys(config, "import", os.path.basename(pat_path), cwd=str(tmp_path))   # relative to the current directory
    assert r.returncode == 0, r.stderr
    assert pat_fp in r.stdout

    listed = json.loads(_keys(config, "list", "--json").stdout)
    assert sorted((e["address"], e["kind"], e["fingerprint"]) for e in listed) == [
        ("bob@example.net", "smime", bob_fp), ("pat@example.net", "pgp", pat_fp)]
    text = _keys(config, "list")
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 2

    shown = _keys(config, "show", "BOB@example.net", "--json")
    assert shown.returncode == 0, shown.stderr
    assert [(e["fingerprint"], e["chosen"]) for e in json.loads(shown.stdout)] == [(bob_fp, True)]

    r = _keys(config, "remove", "bob@example.net")
    assert r.returncode == 0 and bob_fp in r.stdout
    assert not der.exists()
    r = _keys(config, "remove", pat_fp.lower())
    assert r.returncode == 0, r.stderr
    assert json.loads(_keys(config, "list", "--json").stdout) == []

    r = _keys(config, "show", "bob@example.net")
    assert r.returncode == 1
    assert r.stderr.strip() == "sealgate: no key on file for bob@example.net"


def test_bad_files_are_refused_in_one_line(tmp_path):
    config = _config(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    sign_only, fp = smime_certificate(str(work), "sign", "s@example.net", key_usage="digitalSignature")
    garbage = work / "garbage.txt"
    garbage.write_text("hello\n")
    cases = [
        (sign_only, f"certificate {fp} refused: key usage allows neither keyEncipherment nor keyAgreement"),
        (str(garbage), "not a key: neither a certificate (PEM or DER) nor an OpenPGP public key"),
        (str(work / "sign.key"), "not a key: a PEM PRIVATE KEY block"),
        (str(work / "missing.pem"), "no such file"),
    ]
    for path, reason in cases:
        r = _keys(config, "import", path)
        assert r.returncode == 1, (path, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sealgate: ") and reason in lines[0], r.stderr
        assert r.stdout == ""
    assert not (tmp_path / "store").exists(), "a refused import created the store"
    r = _keys(config, "import", sign_only, "--cipher", "des")
    assert r.returncode != 0 and "aes-256-cbc" in r.stderr
