# `sealgate policy explain` ladder lines: after `sealgate keys import` of an openssl certificate for one
# recipient and a gpg key for another, each shows its key rung usable; a third has none; tls waits for connect.
import json
import os
import subprocess

from harness.policyfiles import write_policy
from harness.keymaterial import gpg_public_key, offline_config, smime_certificate
from harness.sealgate import sealgate_bin

RULES = """
    rules:
      - name: all
        deliver: {tls: verify, methods: [smime, pgp, tls, portal], otherwise: defer}
    """

BOB, PAT, CAROL = "bob@example.net", "pat@example.net", "carol@example.net"


def _run(*args, cwd):
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=60)


def test_explain_shows_each_recipients_key_rungs_from_the_store(tmp_path):
    d = str(tmp_path)
    write_policy(os.path.join(d, "policies"), "10-all.yaml", RULES)
    config = offline_config(d, "keys: {directory: store/recipients}\n")
    cert, fingerprint = smime_certificate(d, "bob", BOB)
    pgp, _, keyid = gpg_public_key(d, "pat", PAT)
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
