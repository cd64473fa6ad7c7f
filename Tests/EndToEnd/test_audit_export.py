# `sealgate audit export` and `audit verify --bundle` on a real run, and the offline recipe from
# docs/audit.md run as written with the real tar, sha256sum and openssl; tampered bundles fail both.
import io
import os
import re
import stat
import tarfile

from harness.bundle import run_recipe
from harness.mail import make_message
from harness.smtp import RawSMTP, queue_id


def _send(g, n):
    for i in range(n):
        msg, _ = make_message(f"export {i}")
        with RawSMTP(*g.addr("relay")) as c:
            c.ehlo()
            r = c.send_mail("sender@example.org", ["rcpt@example.net"], msg)
            assert r.code == 250, str(r)
            g.wait_audit(queue_id(f"{r.code} {r.text}"), "delivered")


def _retar(src: str, dst: str, change):
    """Copies the bundle, passing each member's bytes through change(name, bytes)."""
    with tarfile.open(src) as t, tarfile.open(dst, "w") as out:
        for m in t.getmembers():
            data = change(m.name, t.extractfile(m).read())
            info = tarfile.TarInfo(m.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def test_export_verifies_with_sealgate_and_with_the_documented_recipe(sealgate, tmp_path):
    g = sealgate
    _send(g, 2)
    bundle = str(tmp_path / "audit.tar")
    out = g.cli_ok("audit", "export", "--since", "2000-01-01", "--out", bundle)
    fingerprint = re.search(r"signed by (sha256:[0-9a-f]{64})", out).group(1)
    assert stat.S_IMODE(os.stat(bundle).st_mode) == 0o600
    key = os.path.join(g.dir, "certs", "audit-signing.key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600, "the signing key is made 0600 on first use"

    records = g.audit_query()
    with tarfile.open(bundle) as t:
        names = t.getnames()
        lines = t.extractfile("records.jsonl").read().decode().splitlines()
        pub = t.extractfile("signing-key.pem").read()
    assert names == ["records.jsonl", "SHA256SUMS", "manifest.json", "manifest.json.sig", "signing-key.pem"]
    assert len(lines) == len(records) and len(records) >= 5   # config_loaded, 2 x (accepted, delivered)

    v = g.cli("audit", "verify", "--bundle", bundle)
    assert v.returncode == 0 and v.stdout.startswith(f"intact bundle: {len(records)} record(s)"), (v.stdout, v.stderr)
    pem = tmp_path / "pub.pem"
    pem.write_bytes(pub)
    assert g.cli("audit", "verify", "--bundle", bundle, "--key", str(pem)).returncode == 0

    r = run_recipe(bundle, str(tmp_path / "offline"))
    assert r.returncode == 0, f"recipe failed:\n{r.stdout}\n{r.stderr}"
    assert "records.jsonl: OK" in r.stdout and "Signature Verified Successfully" in r.stdout, r.stdout
    assert f"signing key: {fingerprint}" in r.stdout and f"chain intact: {len(records)} record(s)" in r.stdout, r.stdout
    assert f"all intact: {len(records)} record(s)" in r.stdout, r.stdout

    # A second export is signed by the same key.
    again = g.cli_ok("audit", "export", "--out", str(tmp_path / "again.tar"))
    assert fingerprint in again


def test_tampered_bundles_fail_sealgate_and_the_recipe(sealgate, tmp_path):
    g = sealgate
    _send(g, 1)
    bundle = str(tmp_path / "audit.tar")
    g.cli_ok("audit", "export", "--out", bundle)

    edited = str(tmp_path / "edited.tar")
    _retar(bundle, edited, lambda n, b: b.replace(b"rcpt@example.net", b"rcpt@example.org") if n == "records.jsonl" else b)
    v = g.cli("audit", "verify", "--bundle", edited)
    assert v.returncode == 2 and "records_sha256" in v.stdout, v.stdout
    assert run_recipe(edited, str(tmp_path / "r1")).returncode != 0

    # Records and sums rewritten consistently, but the signed manifest still names the old hash.
    import hashlib

    def rewrite(name, data, state={}):
        if name == "records.jsonl":
            state["new"] = data.replace(b"rcpt@example.net", b"rcpt@example.org")
            return state["new"]
        if name == "SHA256SUMS":
            return f"{hashlib.sha256(state['new']).hexdigest()}  records.jsonl\n".encode()
        return data
    consistent = str(tmp_path / "consistent.tar")
    _retar(bundle, consistent, rewrite)
    assert g.cli("audit", "verify", "--bundle", consistent).returncode == 2
    r = run_recipe(consistent, str(tmp_path / "r2"))
    assert r.returncode != 0 and "BROKEN: manifest names other records" in r.stdout, (r.stdout, r.stderr)

    resigned = str(tmp_path / "sig.tar")
    _retar(bundle, resigned, lambda n, b: bytes(64) if n == "manifest.json.sig" else b)
    v = g.cli("audit", "verify", "--bundle", resigned)
    assert v.returncode == 2 and "signature does not verify" in v.stdout, v.stdout
    assert run_recipe(resigned, str(tmp_path / "r3")).returncode != 0
