# `sealgate policy explain` ladder lines: after `sealgate keys import` of an openssl certificate for one
# recipient and a gpg key for another, each shows its key rung usable; a third has none; tls waits for connect.
import json
import os
import subprocess

from harness.policyfiles import write_policy
from harness.sealgate import sealgate_bin

CONFIG = """\
hostname: gw.example.test
listeners:
  - {name: relay, address: "127.0.0.1:2525", tls: none, auth: none}
spool: var/spool
delivery: {smarthost: "[127.0.0.1]:2526"}
keys: {directory: store/recipients}
"""

RULES = """
    rules:
      - name: all
        deliver: {tls: verify, methods: [smime, pgp, tls, portal], otherwise: defer}
    """

BOB, PAT, CAROL = "bob@example.net", "pat@example.net", "carol@example.net"


def _run(*args, cwd):
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=60)


def _certificate(d, email):
    """A P-256 certificate for `email` from a throwaway CA, and openssl's SHA-256 fingerprint."""
    for args in (["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                  "-subj", "/CN=Test CA"],
                 ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "bob.key",
                  "-out", "bob.csr", "-subj", "/CN=Bob"]):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    with open(os.path.join(d, "bob.ext"), "w") as f:
        f.write(f"keyUsage=critical,keyEncipherment,keyAgreement\nextendedKeyUsage=emailProtection\nsubjectAltName=email:{email}\n")
    subprocess.run(["openssl", "x509", "-req", "-in", "bob.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "77",
                    "-days", "30", "-extfile", "bob.ext", "-out", "bob.pem"], cwd=d, check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-in", "bob.pem", "-noout", "-fingerprint", "-sha256"], cwd=d,
                         check=True, capture_output=True, text=True).stdout
    return os.path.join(d, "bob.pem"), out.strip().split("=", 1)[1].replace(":", "").lower()


def _gpg_key(d, email):
    """An armored OpenPGP public key for `email` made by gpg, and gpg's long key id of the primary key."""
    home = os.path.join(d, "gnupg")
    os.mkdir(home, 0o700)
    env = dict(os.environ, GNUPGHOME=home)
    gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    try:
        subprocess.run(gpg + ["--quick-gen-key", f"Pat <{email}>", "future-default", "default", "1y"],
                       env=env, check=True, capture_output=True)
        listing = subprocess.run(["gpg", "--with-colons", "--list-keys", email], env=env, check=True,
                                 capture_output=True, text=True).stdout
        keyid = next(l.split(":")[4] for l in listing.splitlines() if l.startswith("pub:"))
        key = subprocess.run(["gpg", "--armor", "--export", email], env=env, check=True, capture_output=True).stdout
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=env, capture_output=True)
    path = os.path.join(d, "pat.asc")
    with open(path, "wb") as f:
        f.write(key)
    return path, keyid.upper()


def test_explain_shows_each_recipients_key_rungs_from_the_store(tmp_path):
    d = str(tmp_path)
    write_policy(os.path.join(d, "policies"), "10-all.yaml", RULES)
    config = os.path.join(d, "sealgate.yaml")
    with open(config, "w") as f:
        f.write(CONFIG)
    cert, fingerprint = _certificate(d, BOB)
    pgp, keyid = _gpg_key(d, PAT)
    for key in (cert, pgp):
        r = _run(sealgate_bin(), "keys", "import", key, "--config", config, cwd=d)
        assert r.returncode == 0, r.stderr
    msg = tmp_path / "m.eml"
    msg.write_bytes(b"From: a@example.org\r\nTo: bob@example.net\r\nSubject: notes\r\n\r\nhello\r\n")
    base = [sealgate_bin(), "policy", "explain", "--config", config, "--from", "a@example.org",
            "--to", BOB, "--to", PAT, "--to", CAROL, str(msg)]

    text = _run(*base, cwd=d)
    assert text.returncode == 0, text.stderr
    rest = "tls: decided at connect time; portal: not configured; otherwise: defer\n"
    trace = "  => deliver, by 10-all.yaml:2 all\n     requirement: tls verify\n     methods: smime, pgp, tls, portal; otherwise defer\n"
    assert (f"\nRecipient {BOB}\n  1. 10-all.yaml:2 all: match: no conditions (always matches)\n" + trace +
            f"     ladder: smime: certificate sha256:{fingerprint[:16]} on file; pgp: no key on file; {rest}") in text.stdout, text.stdout
    assert (trace + f"     ladder: smime: no certificate on file; pgp: key 0x{keyid} on file; {rest}") in text.stdout, text.stdout
    assert text.stdout.endswith(trace + f"     ladder: smime: no certificate on file; pgp: no key on file; {rest}"), text.stdout

    js = _run(*base, "--json", cwd=d)
    assert js.returncode == 0, js.stderr
    by = {e["recipient"]: e for e in json.loads(js.stdout)["recipients"]}
    assert by[BOB]["ladder"][0] == f"smime: certificate sha256:{fingerprint[:16]} on file", by[BOB]
    assert by[PAT]["ladder"][:2] == ["smime: no certificate on file", f"pgp: key 0x{keyid} on file"], by[PAT]
    assert by[CAROL]["ladder"][2:] == ["tls: decided at connect time", "portal: not configured", "otherwise: defer"], by[CAROL]
