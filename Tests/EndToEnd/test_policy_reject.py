# A policy that rejects SSNs to one domain: alone, that recipient makes DATA fail with the rule's
# 550 5.7.1 and nothing is queued; next to an allowed recipient, the message is accepted, the
# allowed one gets it and the sender gets a DSN for the other, carrying no SSN and no Subject.
import email
import email.policy
import re
import time
import uuid

import pytest

from harness import procs
from harness.mail import check_relayed
from harness.policyfiles import (assert_no_leak, phi_message, send, send_ok, synthetic_ssn,
                                 write_policy)

SENDER = "sender@example.org"
BLOCKED, ALLOWED = "pat@blocked.example", "doc@example.net"
REJECT_TEXT = "Social Security numbers may not be sent to blocked.example"

POLICY = f"""
    # e2e: reject SSNs to blocked.example, everything else goes with opportunistic TLS.
    rules:
      - name: no-ssn-to-blocked
        when:
          recipient_domain: blocked.example
          phi: {{types: [ssn], min_count: 1}}
        reject: "550 5.7.1 {REJECT_TEXT}"
      - name: everything-else
        deliver: {{tls: may}}
    """


@pytest.fixture
def gw(sealgate_factory, pysink_factory):
    sink = pysink_factory()
    g = sealgate_factory(sink.smarthost, start=False)
    write_policy(g, "50-reject.yaml", POLICY)
    return g.start(), sink


def test_only_rejected_recipient_fails_data_and_nothing_is_queued(gw):
    g, sink = gw
    ssn, _ = synthetic_ssn()
    r = send(g, SENDER, [BLOCKED], phi_message(SENDER, [BLOCKED], ssn))
    assert r.code == 550, f"DATA with only a rejected recipient should get 550, got:\n{r}"
    assert r.enhanced == "5.7.1", f"the reject should carry 5.7.1: {r}"
    assert REJECT_TEXT in r.text, f"the reply should carry the rule's text: {r}"
    assert_no_leak(str(r).encode(), ssn, "the DATA reply")
    assert g.queue_list() == [], f"a rejected message was queued: {g.queue_list()}"
    time.sleep(1)
    assert sink.messages() == [], "a rejected message (or a DSN for it) reached the smarthost"
    assert_no_leak(g.log().encode(), ssn, "the sealgate log")


def test_same_message_without_ssn_to_that_domain_is_delivered(gw):
    g, sink = gw
    msg = phi_message(SENDER, [BLOCKED], "no number here").replace(b"Patient SSN: no number here",
                                                                   b"Patient is doing well")
    qid = send_ok(g, SENDER, [BLOCKED], msg)
    [got] = sink.wait_for(1)
    assert got.rcpts == [BLOCKED]
    check_relayed(msg, got, qid)


def _part(msg, ctype):
    return next((p for p in msg.walk() if p.get_content_type() == ctype), None)


def test_partly_rejected_message_is_delivered_to_the_rest_and_dsn_has_no_phi(gw):
    g, sink = gw
    ssn, _ = synthetic_ssn()
    subject_secret = "SUBJ" + uuid.uuid4().hex
    msg = phi_message(SENDER, [BLOCKED, ALLOWED], ssn, subject=f"Chart {subject_secret}")
    r = send(g, SENDER, [BLOCKED, ALLOWED], msg)
    assert r.code == 250, (f"with one allowed recipient the message must be accepted (the rejected "
                           f"one gets a DSN), got:\n{r}")
    qid = re.search(r"queued as (\S+)", r.text).group(1)

    procs.wait_until(lambda: [m for m in sink.messages() if m.mail_from == SENDER], 30,
                     "the message for the allowed recipient at the smarthost")
    delivered = [m for m in sink.messages() if m.mail_from == SENDER]
    assert len(delivered) == 1 and delivered[0].rcpts == [ALLOWED], \
        f"only {ALLOWED} may get the message: {[(m.mail_from, m.rcpts) for m in delivered]}"
    check_relayed(msg, delivered[0], qid)

    procs.wait_until(lambda: [m for m in sink.messages() if m.mail_from == ""], 30,
                     "a DSN (MAIL FROM:<>) to the sender for the rejected recipient")
    dsns = [m for m in sink.messages() if m.mail_from == ""]
    assert len(dsns) == 1 and dsns[0].rcpts == [SENDER], [(m.mail_from, m.rcpts) for m in dsns]
    raw = dsns[0].data
    assert_no_leak(raw, ssn, "the DSN")
    assert subject_secret.encode() not in raw, "the DSN carries the original Subject"
    dsn = email.message_from_bytes(raw, policy=email.policy.default)
    assert dsn.get_content_type() == "multipart/report", dsn.get_content_type()
    status = _part(dsn, "message/delivery-status")
    assert status is not None, "the DSN has no message/delivery-status part"
    blocks = [b for b in status.get_payload() if b.get("Final-Recipient")]
    assert len(blocks) == 1 and BLOCKED in blocks[0]["Final-Recipient"], str(status)
    assert blocks[0]["Action"].strip().lower() == "failed"
    assert blocks[0]["Status"].strip() == "5.7.1", blocks[0]["Status"]
    assert ALLOWED not in str(status), "the delivered recipient must not be reported as failed"
    time.sleep(1)
    assert not [m for m in sink.messages() if BLOCKED in m.rcpts], "the rejected recipient got the message"
