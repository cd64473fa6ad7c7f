# benchlib.delivery_checks: proof that a crypto benchmark run did all its work: every message
# arrived whole, encrypted or signed as asked, and one sample decrypts or verifies with the real tools.
import base64
import os
import random
import re
import subprocess
from dataclasses import dataclass

import dkim


class CheckFailed(Exception):
    """The run did not do the work it claims: its figures must not be printed."""


@dataclass
class Original:
    """The message the load generator sends (LF line endings, as the sink stores them)."""
    body: bytes           # the body after the empty line
    content_type: bytes   # its Content-Type field line, e.g. b"Content-Type: text/plain; charset=utf-8"
    marker: bytes         # a random line in the body: it must never appear in an encrypted copy


@dataclass
class RecipientKeys:
    """What the recipient would decrypt with: the S/MIME certificate and key, the gpg home."""
    smime_cert: str
    smime_key: str
    gnupg_home: str


def split_message(data: bytes) -> tuple[bytes, bytes]:
    head, sep, body = data.partition(b"\n\n")
    if not sep:
        raise CheckFailed("a message has no empty line between header and body")
    return head, body


def header_fields(head: bytes) -> list:
    """The header fields, folded lines joined: [(lower-case name, value)]."""
    fields = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + b" " + line.strip())
        elif b":" in line:
            name, _, value = line.partition(b":")
            fields.append((name.strip().lower().decode("latin-1"), value.strip()))
    return fields


def field(head: bytes, name: str) -> bytes:
    return next((v for k, v in header_fields(head) if k == name), b"")


def check_envelopes(received: list, n: int, sender: str, rcpt: str):
    if len(received) != n:
        raise CheckFailed(f"the sink holds {len(received)} messages, {n} were sent")
    bad = [r for r in received if r.mail_from != sender or r.rcpts != [rcpt]]
    if bad:
        raise CheckFailed(f"{len(bad)} of {n} messages arrived with another envelope "
                          f"(first: MAIL FROM <{bad[0].mail_from}>, RCPT {bad[0].rcpts})")


def check_plain(received: list, original: Original):
    """Every message arrived with the original body, byte for byte (LF form), nothing cut short."""
    short = [r for r in received if split_message(r.data)[1] != original.body]
    if short:
        raise CheckFailed(f"{len(short)} of {len(received)} messages arrived with a body that is not the one sent "
                          f"(first: {len(split_message(short[0].data)[1])} bytes, sent {len(original.body)})")


def check_dkim(received: list, original: Original, domain: str, algorithms: list, records: dict):
    """Every message carries one DKIM-Signature per algorithm, d=domain, over the unchanged body;
    dkimpy verifies every signature of one sample against the TXT records keygen printed."""
    check_plain(received, original)
    want = sorted(f"{a}-sha256" for a in algorithms)
    for r in received:
        head, _ = split_message(r.data)
        sigs = [v for k, v in header_fields(head) if k == "dkim-signature"]
        tags = [dict(t.strip().split(b"=", 1) for t in s.split(b";") if b"=" in t) for s in sigs]
        got = sorted(t.get(b"a", b"").decode() for t in tags)
        if got != want or any(t.get(b"d") != domain.encode() for t in tags):
            raise CheckFailed(f"a message carries DKIM signatures {got or 'none'} (d= "
                              f"{[t.get(b'd', b'').decode() for t in tags]}), expected {want} for d={domain}")
    sample = random.choice(received).data.replace(b"\n", b"\r\n")

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip("."))
    for idx in range(len(algorithms)):
        if not dkim.DKIM(sample).verify(idx=idx, dnsfunc=dnsfunc):
            raise CheckFailed(f"dkimpy: DKIM signature {idx + 1} of a sample does not verify")


def _der_complete(der: bytes) -> bool:
    """The base64 payload is one whole DER (or indefinite-length BER) structure: nothing cut off."""
    if len(der) < 2 or der[0] != 0x30:
        return False
    if der[1] == 0x80:
        return der.endswith(b"\x00\x00")
    if der[1] < 0x80:
        return len(der) == 2 + der[1]
    k = der[1] & 0x7F
    return len(der) == 2 + k + int.from_bytes(der[2:2 + k], "big")


def check_no_plaintext(received: list, original: Original):
    leaked = [r for r in received if original.marker in r.data]
    if leaked:
        raise CheckFailed(f"{len(leaked)} of {len(received)} messages carry the body in plaintext")


def check_smime(received: list, original: Original, keys: RecipientKeys, workdir: str):
    """Every message is application/pkcs7-mime enveloped-data whose CMS is complete and larger than
    the body; one sample is AES-256-CBC to an RSA recipient and decrypts with openssl cms to the
    original entity."""
    check_no_plaintext(received, original)
    for r in received:
        head, body = split_message(r.data)
        ctype = field(head, "content-type")
        if not ctype.lower().startswith(b"application/pkcs7-mime") or b"smime-type=enveloped-data" not in ctype:
            raise CheckFailed(f"a message is not S/MIME enveloped-data (Content-Type: {ctype.decode('latin-1')[:80]})")
        try:
            der = base64.b64decode(body, validate=False)
        except ValueError:
            raise CheckFailed("an S/MIME message's body is not base64")
        if not _der_complete(der) or len(der) < len(original.body):
            raise CheckFailed(f"an S/MIME message's CMS is cut short ({len(der)} bytes for a "
                              f"{len(original.body)}-byte body)")
    sample = os.path.join(workdir, "smime-sample.eml")
    with open(sample, "wb") as f:
        f.write(random.choice(received).data)
    printed = _run(["openssl", "cms", "-cmsout", "-print", "-in", sample], "openssl cms -cmsout -print").decode()
    if not re.search(r"contentEncryptionAlgorithm:\s*\n?\s*algorithm: aes-256-cbc", printed) \
            or "rsaEncryption" not in printed:
        raise CheckFailed("the S/MIME sample is not AES-256-CBC to an RSA recipient (openssl cms -cmsout -print)")
    plain = _run(["openssl", "cms", "-decrypt", "-binary", "-in", sample, "-recip", keys.smime_cert,
                  "-inkey", keys.smime_key], "openssl cms -decrypt")
    _check_entity(plain, original, "openssl cms -decrypt")


def check_pgp(received: list, original: Original, keys: RecipientKeys, workdir: str):
    """Every message is RFC 3156 multipart/encrypted with one whole armored OpenPGP message; one
    sample decrypts with gpg (AES-256, integrity-protected) to the original entity."""
    check_no_plaintext(received, original)
    armored = re.compile(rb"-----BEGIN PGP MESSAGE-----\n(?:[^\n]+\n)*\n(.*?)\n(=[A-Za-z0-9+/]{4}\n)?-----END PGP MESSAGE-----",
                         re.S)  # optional armor headers, the empty line, the base64, the CRC
    for r in received:
        head, body = split_message(r.data)
        ctype = field(head, "content-type")
        if not ctype.lower().startswith(b"multipart/encrypted") or b'protocol="application/pgp-encrypted"' not in ctype:
            raise CheckFailed(f"a message is not PGP/MIME (Content-Type: {ctype.decode('latin-1')[:80]})")
        m = armored.search(body)
        if b"Version: 1" not in body or not m:
            raise CheckFailed("a PGP/MIME message lacks its Version: 1 part or a whole armored message")
        try:
            base64.b64decode(m.group(1).replace(b"\n", b""), validate=True)
        except ValueError:
            raise CheckFailed("a PGP/MIME message's armor is not base64 (cut or changed)")
    sample = os.path.join(workdir, "pgp-sample.asc")
    with open(sample, "wb") as f:
        f.write(armored.search(split_message(random.choice(received).data)[1]).group(0) + b"\n")
    status = os.path.join(workdir, "gpg-status")
    env = dict(os.environ, GNUPGHOME=keys.gnupg_home)
    try:
        plain = _run(["gpg", "--batch", "--status-file", status, "--decrypt", sample], "gpg --decrypt", env=env)
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=env, capture_output=True)
    lines = open(status).read().splitlines()
    info = next((l.split() for l in lines if l.startswith("[GNUPG:] DECRYPTION_INFO")), [])
    if "[GNUPG:] DECRYPTION_OKAY" not in lines or len(info) < 4 or info[3] != "9":
        raise CheckFailed(f"gpg did not decrypt the PGP sample as AES-256 with integrity protection: {info or lines[-3:]}")
    _check_entity(plain, original, "gpg --decrypt")


def _check_entity(plain: bytes, original: Original, tool: str):
    """The decrypted entity (CRLF) carries the original Content-Type and exactly the original body."""
    head, sep, body = plain.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not sep or body != original.body:
        raise CheckFailed(f"{tool}: the sample decrypts to a {len(body)}-byte body, not the {len(original.body)}-byte "
                          "body that was sent")
    if original.content_type.split(b":", 1)[1].strip() != field(head, "content-type"):
        raise CheckFailed(f"{tool}: the decrypted entity lost its Content-Type")


def _run(argv: list, what: str, env=None) -> bytes:
    p = subprocess.run(argv, capture_output=True, env=env, timeout=120)
    if p.returncode != 0:
        raise CheckFailed(f"{what} failed (exit {p.returncode}): {p.stderr.decode(errors='replace').strip()[-300:]}")
    return p.stdout
