# Policy files and PHI test data for the e2e suite: write (atomically) or copy the repo's shipped
# policies into a sealgate instance's policies dir, SIGHUP it, and build synthetic PHI messages.
import base64
import glob
import os
import random
import shutil
import signal
import textwrap
import uuid

from .sealgate import REPO, sealgate_bin

SHIPPED_DIR = os.path.join(REPO, "policies")


# --- the policies dir of an instance ------------------------------------------------------------

def policies_dir(g) -> str:
    """The instance's policies folder (the config's `policies:` key, relative to its dir)."""
    p = g.config.get("policies") or "policies/"
    d = p if os.path.isabs(p) else os.path.join(g.dir, p)
    os.makedirs(d, exist_ok=True)
    return d


def write_policy(g_or_dir, name: str, text: str) -> str:
    """Writes `text` (dedented) as policies/NAME atomically (temp file + rename), so a reload
    never reads half a file. Returns the path. `g_or_dir` is a Sealgate or a folder path."""
    d = g_or_dir if isinstance(g_or_dir, str) else policies_dir(g_or_dir)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name)
    tmp = os.path.join(d, f".{name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w") as f:
        f.write(textwrap.dedent(text).lstrip("\n"))
    os.rename(tmp, path)
    return path


def remove_policy(g_or_dir, name: str):
    d = g_or_dir if isinstance(g_or_dir, str) else policies_dir(g_or_dir)
    try:
        os.remove(os.path.join(d, name))
    except FileNotFoundError:
        pass


def install_shipped(g_or_dir) -> list:
    """Copies the repo's live policies (policies/*.yaml, not examples/) into the instance's
    policies dir; returns the file names copied."""
    d = g_or_dir if isinstance(g_or_dir, str) else policies_dir(g_or_dir)
    os.makedirs(d, exist_ok=True)
    names = []
    for src in sorted(glob.glob(os.path.join(SHIPPED_DIR, "*.yaml")) + glob.glob(os.path.join(SHIPPED_DIR, "*.yml"))):
        shutil.copy(src, os.path.join(d, os.path.basename(src)))
        names.append(os.path.basename(src))
    assert names, f"no shipped policy files in {SHIPPED_DIR}"
    return names


def sighup(g):
    """Sends SIGHUP (reload) to the running daemon."""
    assert g.running(), "sealgate is not running"
    os.kill(g.pid, signal.SIGHUP)


def bin_path() -> str:
    return sealgate_bin()


# --- synthetic identifiers ----------------------------------------------------------------------

# Every SSN this test run made up, so that the run's end can search what the gateway wrote
# (logs, DSNs, audit stores and exports) for any of them (conftest: `phi-leak: files=N hits=0`).
ISSUED_SSNS: list = []


def synthetic_ssn(rng=random) -> tuple[str, str]:
    """A random SSN in the valid ranges (area 001-665/667-899, group 01-99, serial 0001-9999),
    with digits unlikely to occur anywhere by chance, noted in ISSUED_SSNS. Returns (ssn, masked sample)."""
    while True:
        area = rng.randint(101, 899)
        if area != 666:
            break
    group, serial = rng.randint(11, 99), rng.randint(1001, 9999)
    ssn = f"{area:03d}-{group:02d}-{serial:04d}"
    ISSUED_SSNS.append(ssn)
    return ssn, f"***-**-{serial:04d}"


def ssn_forms(ssn: str) -> list[bytes]:
    """Every spelling of the SSN that must never leak: dashed, bare digits, spaced."""
    digits = ssn.replace("-", "")
    return [ssn.encode(), digits.encode(), ssn.replace("-", " ").encode()]


def synthetic_npi(rng=random) -> str:
    """A random 10-digit NPI whose check digit passes Luhn with the 80840 prefix."""
    base = f"{rng.randint(1, 2)}{rng.randint(0, 99999999):08d}"
    digits = [int(c) for c in "80840" + base]
    total = 0
    # Luhn over prefix+base with the check digit to be appended: double every second digit
    # counting from the right, starting with the rightmost of prefix+base.
    for i, dgt in enumerate(reversed(digits)):
        if i % 2 == 0:
            dgt *= 2
            if dgt > 9:
                dgt -= 9
        total += dgt
    check = (10 - total % 10) % 10
    return base + str(check)


def assert_no_leak(blob: bytes, ssn: str, where: str):
    for form in ssn_forms(ssn):
        assert form not in blob, f"the SSN ({form.decode()}) appears in {where}"


# --- messages -----------------------------------------------------------------------------------

def _headers(sender, rcpts, subject, mid, extra=()):
    return [f"From: <{sender}>", f"To: {', '.join(f'<{r}>' for r in rcpts)}", f"Subject: {subject}",
            "Date: Mon, 23 Nov 2026 10:00:00 +0000", f"Message-ID: <{mid}@client.example>",
            "MIME-Version: 1.0", *extra]


def text_message(sender: str, rcpts: list, subject: str, body: str, extra_headers=()) -> bytes:
    """A single-part text/plain message (CRLF)."""
    mid = uuid.uuid4().hex
    lines = _headers(sender, rcpts, subject, mid, ["Content-Type: text/plain; charset=utf-8",
                                                   *extra_headers])
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\r\n", "\n").replace("\n", "\r\n")
            + "\r\n").encode()


def phi_message(sender: str, rcpts: list, ssn: str, subject: str = "Patient follow-up") -> bytes:
    """A text message with the SSN in context ("SSN: ...")."""
    return text_message(sender, rcpts, subject,
                        f"Hello,\n\nPlease update the chart. Patient SSN: {ssn}\n\nThanks\n")


def multipart_message(sender: str, rcpts: list, subject: str, parts: list) -> bytes:
    """multipart/mixed; `parts` is a list of (content_type, transfer_encoding, payload bytes,
    filename or None). base64 payloads are encoded here."""
    mid, boundary = uuid.uuid4().hex, "b-" + uuid.uuid4().hex
    out = "\r\n".join(_headers(sender, rcpts, subject, mid,
                               [f'Content-Type: multipart/mixed; boundary="{boundary}"'])) + "\r\n\r\n"
    out += "This is a multi-part message in MIME format.\r\n"
    for ctype, cte, payload, filename in parts:
        out += f"--{boundary}\r\nContent-Type: {ctype}\r\n"
        if filename:
            out += f'Content-Disposition: attachment; filename="{filename}"\r\n'
        out += f"Content-Transfer-Encoding: {cte}\r\n\r\n"
        if cte == "base64":
            b = base64.b64encode(payload).decode()
            out += "\r\n".join(b[i:i + 76] for i in range(0, len(b), 76)) + "\r\n"
        else:
            out += payload.decode().replace("\r\n", "\n").replace("\n", "\r\n")
            if not out.endswith("\r\n"):
                out += "\r\n"
    out += f"--{boundary}--\r\n"
    return out.encode()


def minimal_pdf(text: str = "Lab report") -> bytes:
    """A tiny, valid-looking PDF (the scanner must treat PDFs as uninspectable)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n" + b"% " + text.encode() + b"\n")


# --- sending and waiting (shared by the policy/PHI/reload tests) --------------------------------

def send(g, sender: str, rcpts: list, msg: bytes, listener: str = "relay"):
    """One SMTP transaction over RawSMTP; returns the final Reply (the DATA reply when every
    RCPT was accepted, else the first non-250)."""
    from .smtp import RawSMTP
    with RawSMTP(*g.addr(listener)) as c:
        c.ehlo()
        r = c.send_mail(sender, rcpts, msg)
        c.cmd("QUIT")
        return r


def send_ok(g, sender: str, rcpts: list, msg: bytes) -> str:
    """Sends and expects 250 ... queued as ID; returns the queue id."""
    from .smtp import queue_id
    r = send(g, sender, rcpts, msg)
    assert r.code == 250, f"expected 250 at the end of DATA, got:\n{r}"
    return queue_id(f"{r.code} {r.text}")


def rcpt_state(g, qid: str, rcpt: str):
    """The queue list --json recipient entry for rcpt of qid (None if the message is gone)."""
    e = g.queue_entry(qid)
    if not e:
        return None
    for r in e.get("recipients") or []:
        if str(r.get("address", "")).strip("<>").lower() == rcpt.lower():
            return r
    return None


def wait_rcpt_status(g, qid: str, rcpt: str, status: str, timeout: float = 30):
    from . import procs
    return procs.wait_until(
        lambda: (lambda r: r if r and r.get("status") == status else None)(rcpt_state(g, qid, rcpt)),
        timeout, f"{rcpt} of {qid} to be '{status}' in queue list --json; last: {g.queue_entry(qid)}")


def accepted_record(g, qid: str) -> dict:
    recs = [r for r in g.audit(qid) if r.get("event") == "accepted"]
    assert recs, f"no 'accepted' audit record for {qid}: {g.audit(qid)}"
    return recs[0]


def policy_for(rec: dict, rcpt: str) -> dict:
    """The accepted record's policy entry for rcpt. Accepts a mapping keyed by recipient or a
    list of entries carrying a recipient/address field."""
    pol = rec.get("policy")
    assert pol, f"the accepted audit record has no 'policy': {rec}"
    if isinstance(pol, dict):
        for k, v in pol.items():
            if k.strip("<>").lower() == rcpt.lower():
                return v
        if len(pol) and all(isinstance(v, (str, int, float, list)) or v is None for v in pol.values()):
            return pol  # a single decision for a single recipient
    if isinstance(pol, list):
        for v in pol:
            a = str(v.get("recipient") or v.get("address") or "").strip("<>").lower()
            if a == rcpt.lower():
                return v
        if len(pol) == 1:
            return pol[0]
    raise AssertionError(f"no policy entry for {rcpt} in the accepted audit record: {pol}")
