# Real-tool oracles for what Sealgate encrypted: openssl cms decrypts and prints S/MIME, gpg (in
# the recipient key's own GNUPGHOME) and Sequoia's sq decrypt PGP/MIME; each gives the exact bytes.
import email
import email.policy
import os
import subprocess


def _run(args, what, input=None, env=None) -> bytes:
    p = subprocess.run(args, input=input, capture_output=True, env=env, timeout=60)
    assert p.returncode == 0, f"{what} failed ({p.returncode}): {p.stderr.decode(errors='replace')}"
    return p.stdout


def smime_decrypt(message: bytes, key: str, cert: str) -> bytes:
    """`openssl cms -decrypt -binary` of a whole application/pkcs7-mime message as it arrived
    (headers included, as a mail client has it); the inner entity byte for byte."""
    return _run(["openssl", "cms", "-decrypt", "-binary", "-inkey", key, "-recip", cert],
                "openssl cms -decrypt", input=message)


def cms_structure(message: bytes) -> str:
    """`openssl cms -cmsout -print`: the CMS structure (content type, algorithms) as text."""
    return _run(["openssl", "cms", "-cmsout", "-print"], "openssl cms -cmsout -print",
                input=message).decode(errors="replace")


def pgp_mime_parts(message: bytes):
    """The RFC 3156 parts of a multipart/encrypted message: (parsed message, the control part's
    text, the armored OpenPGP message). Asserts the structure."""
    m = email.message_from_bytes(message, policy=email.policy.default)
    assert m.get_content_type() == "multipart/encrypted", f"not multipart/encrypted: {m.get_content_type()}"
    assert m.get_param("protocol") == "application/pgp-encrypted", m["Content-Type"]
    parts = m.get_payload()
    assert len(parts) == 2, f"multipart/encrypted needs exactly 2 parts (RFC 3156 §4), got {len(parts)}"
    control, data = parts
    assert control.get_content_type() == "application/pgp-encrypted", control.get_content_type()
    assert data.get_content_type() == "application/octet-stream", data.get_content_type()
    armored = data.get_payload(decode=True)
    assert armored.lstrip().startswith(b"-----BEGIN PGP MESSAGE-----"), armored[:100]
    return m, control.get_payload(decode=True).decode(), armored


def _gnupg_env(home: str) -> dict:
    return {"GNUPGHOME": home, "HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


def _stop_agent(home: str):
    """Stops the gpg-agent gpg started for this home (by gpg's own tool, for this home only)."""
    subprocess.run(["gpgconf", "--kill", "all"], env=_gnupg_env(home), capture_output=True, timeout=30)


def gpg_decrypt(home: str, armored: bytes) -> bytes:
    """`gpg --decrypt` with the secret key in `home`."""
    try:
        return _run(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--decrypt"],
                    "gpg --decrypt", input=armored, env=_gnupg_env(home))
    finally:
        _stop_agent(home)


def sq_decrypt(home: str, fingerprint: str, armored: bytes) -> bytes:
    """Sequoia's `sq decrypt --recipient-key`, with the secret key exported from `home` by gpg."""
    secret = os.path.join(home, "sq-secret.asc")
    try:
        key = _run(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--armor",
                    "--export-secret-keys", fingerprint], "gpg --export-secret-keys", env=_gnupg_env(home))
    finally:
        _stop_agent(home)
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return _run(["sq", "decrypt", "--recipient-key", secret], "sq decrypt", input=armored, env=_gnupg_env(home))
