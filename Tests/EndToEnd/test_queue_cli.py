# The queue CLI against a running daemon (and offline): list/show with --json, the body only
# with --body (and then audited), hold/release/delete, and retries: a smarthost that is down
# defers the message, and `queue flush` delivers it once the smarthost is up.
import os
import stat
import time

import pytest

from harness import procs
from harness.mail import check_relayed, make_message
from harness.smtp import RawSMTP, queue_id

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
SLOW_RETRY = {"delivery": {"retry": ["10m"], "retry_after": "1h", "connect_timeout": "2s"}}


def _send(g, subject="queued", body=""):
    msg, marker = make_message(subject, body=body)
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        r = c.send_mail(SENDER, [RCPT], msg)
        assert r.code == 250, str(r)
        return queue_id(f"{r.code} {r.text}"), msg, marker


def _rcpt(entry):
    assert isinstance(entry.get("recipients"), list) and entry["recipients"], entry
    return entry["recipients"][0]


def _wait_status(g, qid, status, timeout=30):
    def check():
        e = g.queue_entry(qid)
        return e if e and _rcpt(e).get("status") == status else None
    return procs.wait_until(check, timeout, f"{qid} to be '{status}' in queue list; last: {g.queue_entry(qid)}")


@pytest.fixture
def deferred(sealgate_factory, sink_factory):
    """A sealgate whose smarthost is down, holding one deferred message."""
    sink = sink_factory(start=False)
    g = sealgate_factory(sink.smarthost, SLOW_RETRY)
    qid, msg, marker = _send(g, body="Body PHI-BODY-TEXT-1234")
    entry = _wait_status(g, qid, "deferred")
    return g, sink, qid, msg, marker, entry


def test_smarthost_down_defers_then_flush_delivers(deferred):
    g, sink, qid, msg, _, entry = deferred
    r = _rcpt(entry)
    assert r["address"].strip("<>") == RCPT
    assert int(r["attempts"]) >= 1 and r.get("last_reply") is not None
    assert entry["sender"].strip("<>") == SENDER
    assert int(entry["size"]) >= len(msg) and entry.get("arrival")
    assert [rec for rec in g.audit(qid) if rec.get("event") == "deferred"]
    sink.start()
    time.sleep(1)
    assert sink.messages() == [], "delivered before flush although the next retry is 10 minutes away"
    g.cli_ok("queue", "flush")
    [got] = sink.wait_for(1)
    check_relayed(msg, got, qid)
    procs.wait_until(lambda: (g.queue_entry(qid) is None or _rcpt(g.queue_entry(qid))["status"] == "delivered"),
                     20, "the delivered message to leave the active queue")


def test_list_and_show_json_and_body_access_is_audited(deferred):
    g, sink, qid, msg, marker, _ = deferred
    shown = g.cli_json("queue", "show", qid)
    assert isinstance(shown, dict) and shown.get("queue_id") == qid, shown
    plain = g.cli_ok("queue", "show", qid)
    for out in (plain, str(shown)):
        assert "PHI-BODY-TEXT-1234" not in out, "queue show without --body printed the body"
    assert marker in plain, "queue show should print the headers (Message-ID/Subject)"
    assert not [r for r in g.audit(qid) if r.get("event") == "admin_action"]
    body = g.cli_ok("queue", "show", qid, "--body")
    assert "PHI-BODY-TEXT-1234" in body
    actions = [r for r in g.audit(qid) if r.get("event") == "admin_action"]
    assert actions, "reading the body with --body must leave an admin_action audit record"


def test_control_socket_is_0600_and_list_works_offline(deferred):
    g, sink, qid, *_ = deferred
    sock = os.path.join(g.dir, "var", "sealgate.sock")
    assert stat.S_ISSOCK(os.stat(sock).st_mode)
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600
    assert g.stop() == 0
    assert g.queue_entry(qid) is not None, "queue list (offline, from the spool) lost the message"
    assert g.cli_json("queue", "show", qid).get("queue_id") == qid


def test_hold_release_and_delete(deferred):
    g, sink, qid, msg, _, _ = deferred
    qid2, msg2, _ = _send(g, "second")
    _wait_status(g, qid2, "deferred")
    g.cli_ok("queue", "hold", qid)
    _wait_status(g, qid, "held", timeout=10)
    g.cli_ok("queue", "delete", qid2)
    procs.wait_until(lambda: g.queue_entry(qid2) is None, 10, "the deleted message to leave the queue")
    sink.start()
    g.cli_ok("queue", "flush")
    time.sleep(3)
    assert sink.messages() == [], "a held or deleted message was delivered"
    g.cli_ok("queue", "release", qid)
    g.cli_ok("queue", "flush")
    [got] = sink.wait_for(1)
    check_relayed(msg, got, qid)
    time.sleep(1)
    assert len(sink.messages()) == 1
    assert [r for r in g.audit(qid2) if r.get("event") == "admin_action"], "delete must be audited"


def test_audit_records_chain_their_hashes(deferred):
    g, sink, qid, *_ = deferred
    recs = g.audit(qid)
    assert [r["event"] for r in recs][:1] == ["accepted"], recs
    for r in recs:
        for k in ("sequence", "time", "event", "queue_id", "recipient", "outcome", "tls", "reply",
                  "hash", "previous_hash"):
            assert k in r, f"audit record without {k}: {r}"
        assert r["queue_id"] == qid and len(r["hash"]) == 64
    seqs = [int(r["sequence"]) for r in recs]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for a, b in zip(recs, recs[1:]):
        if int(b["sequence"]) == int(a["sequence"]) + 1:
            assert b["previous_hash"] == a["hash"], "consecutive records do not chain"
    text = g.cli_ok("audit", "message", qid)
    assert qid in text and len(text.strip().splitlines()) == len(recs)
