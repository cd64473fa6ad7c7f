# Observing the method ladder from outside: each recipient's deciding audit record and its
# `method` object, the method lines of `queue show`, what reached a Postfix mailbox, and where on
# disk a secret occurs. Shared by the ladder end-to-end tests.
import os
import re

from . import procs
from .policyfiles import ssn_forms

FINAL = ("delivered", "deferred", "bounced")


def _is(rcpt: str, record: dict) -> bool:
    return str(record.get("recipient") or "").strip("<>").lower() == rcpt.lower()


def method_records(records: list, rcpt: str, events=FINAL) -> list:
    """`rcpt`'s records of `events` that carry the ladder's `method` object, in order (an
    attempt the ladder moved past is a `delivery_attempt` without one)."""
    return [r for r in records if r.get("event") in events and _is(rcpt, r) and r.get("method")]


def deciding(records: list, rcpt: str, events=FINAL) -> dict:
    recs = method_records(records, rcpt, events)
    assert recs, f"no {'/'.join(events)} audit record with a method object for {rcpt}: " \
                 f"{[r for r in records if _is(rcpt, r)]}"
    return recs[-1]


def skips(method: dict) -> list:
    """The skipped rungs as (method, code) pairs, in ladder order."""
    return [(s.get("method"), s.get("code")) for s in method.get("skipped") or []]


def wait_decided(gw, qid: str, rcpts: list, timeout: float = 60) -> list:
    """Waits until every recipient in `rcpts` has a delivered/deferred/bounced record with a
    method object; returns all records of qid."""
    def ready():
        recs = gw.audit(qid)
        return recs if all(method_records(recs, r) for r in rcpts) else None
    try:
        return procs.wait_until(ready, timeout, f"a ladder outcome for each of {rcpts}", 0.3)
    except procs.Timeout as e:
        raise AssertionError(f"{e}\naudit so far: {gw.audit(qid)}\nqueue: {gw.queue_entry(qid)}\n"
                             f"sealgate log:\n{gw.log()[-4000:]}") from None


_SHOW_RCPT = re.compile(r"^  to=<([^>]+)> status=(\S+)")


def queue_show_methods(text: str) -> dict:
    """`queue show` (text): {recipient: (status, the method line printed under it or None)}."""
    out = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _SHOW_RCPT.match(line)
        if m:
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            out[m[1].lower()] = (m[2], nxt.strip() if nxt.startswith("    ") else None)
    return out


def mailbox(host) -> list:
    """Every message stored in an MXHost's Maildir (new/, cur/, tmp/), as bytes."""
    out = []
    for sub in ("new", "cur", "tmp"):
        d = os.path.join(host.postfix.maildir, sub)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            try:
                with open(os.path.join(d, name), "rb") as f:
                    out.append(f.read())
            except FileNotFoundError:  # Postfix renamed it from tmp/ into new/ meanwhile
                continue
    return out


def as_sent_by_sealgate(stored: bytes, hostname: str) -> bytes:
    """The bytes Sealgate sent, from a Postfix Maildir file: from Sealgate's Received header (by
    HOSTNAME (Sealgate)) on, the headers Postfix put above it dropped, CRLF line ends restored."""
    at = stored.find(f"by {hostname} (Sealgate)".encode())
    assert at >= 0, f"no Received header by {hostname} (Sealgate) in:\n{stored[:1500]!r}"
    start = stored.rfind(b"\nReceived: ", 0, at) + 1
    assert start > 0, f"no Received: line before Sealgate's 'by' clause:\n{stored[:1500]!r}"
    return stored[start:].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def files_containing(root: str, secrets: list) -> list:
    """Paths under `root` whose bytes contain any of `secrets` (bytes)."""
    hits = []
    for d, _, names in os.walk(root):
        for name in names:
            p = os.path.join(d, name)
            try:
                data = open(p, "rb").read()
            except OSError:
                continue
            if any(s in data for s in secrets):
                hits.append(p)
    return hits


def ssn_in(blob: bytes, ssn: str) -> bool:
    return any(form in blob for form in ssn_forms(ssn))
