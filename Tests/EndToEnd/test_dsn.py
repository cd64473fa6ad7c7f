# Bounces: when the smarthost answers 5xx for a recipient, the sender gets an RFC 3464 DSN
# (multipart/report, delivery-status) through the smarthost, holding no Subject and no body
# text of the original. No DSN is sent for a null sender.
import email
import email.policy
import re
import time
import uuid

from harness import procs
from harness.mail import check_relayed
from harness.smtp import RawSMTP, queue_id

SENDER = "sender@example.org"
REJECT = "reject@example.net"
REJECT_REPLY = f"550 5.1.1 <{REJECT}>: Recipient address rejected: User unknown"


def _phi_message():
    subject_secret, body_secret, mid = (uuid.uuid4().hex for _ in range(3))
    msg = (f"From: Sender <{SENDER}>\r\nTo: <{REJECT}>, <ok@example.net>\r\n"
           f"Subject: Patient record SUBJ{subject_secret}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
           f"Message-ID: <{mid}@client.example>\r\n\r\n"
           f"Diagnosis BODY{body_secret}\r\n").encode()
    return msg, subject_secret, body_secret, mid


def _send(g, sender, rcpts, msg):
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        r = c.send_mail(sender, rcpts, msg)
        assert r.code == 250, str(r)
        return queue_id(f"{r.code} {r.text}")


def _part(msg, ctype):
    return next((p for p in msg.walk() if p.get_content_type() == ctype), None)


def test_5xx_from_smarthost_bounces_with_a_dsn_free_of_phi(sealgate_factory, pysink_factory):
    sink = pysink_factory(reject={REJECT: REJECT_REPLY})
    g = sealgate_factory(sink.smarthost)
    msg, subject_secret, body_secret, mid = _phi_message()
    qid = _send(g, SENDER, [REJECT, "ok@example.net"], msg)

    procs.wait_until(lambda: any(m.mail_from == "" for m in sink.messages()), 30,
                     "a DSN (MAIL FROM:<>) at the smarthost")
    dsns = [m for m in sink.messages() if m.mail_from == ""]
    assert len(dsns) == 1 and dsns[0].rcpts == [SENDER], [(m.mail_from, m.rcpts) for m in dsns]
    raw = dsns[0].data
    assert subject_secret.encode() not in raw, "the DSN contains the original Subject"
    assert body_secret.encode() not in raw, "the DSN contains the original body"

    dsn = email.message_from_bytes(raw, policy=email.policy.default)
    assert dsn.get_content_type() == "multipart/report", dsn.get_content_type()
    assert dsn.get_param("report-type") == "delivery-status"
    status = _part(dsn, "message/delivery-status")
    assert status is not None, "no message/delivery-status part"
    blocks = status.get_payload()
    rcpt_blocks = [b for b in blocks if b.get("Final-Recipient")]
    assert rcpt_blocks, f"no per-recipient block: {status}"
    b = rcpt_blocks[0]
    assert REJECT in b["Final-Recipient"], b["Final-Recipient"]
    assert b["Action"].strip().lower() == "failed"
    assert re.fullmatch(r"5\.\d{1,3}\.\d{1,3}", b["Status"].strip()), b["Status"]
    assert b["Status"].strip() == "5.1.1", "the Status should be the smarthost's 5.1.1"
    assert "ok@example.net" not in str(status), "the delivered recipient must not be reported failed"

    returned = _part(dsn, "text/rfc822-headers") or _part(dsn, "message/rfc822-headers")
    assert returned is not None, "no returned-headers part (text/rfc822-headers)"
    headers = returned.get_payload(decode=True) or str(returned.get_payload()).encode()
    assert not re.search(rb"(?im)^subject:", headers), f"returned headers include a Subject:\n{headers!r}"
    assert mid.encode() in headers, "returned headers should keep the original Message-ID"

    # The other recipient got the message, intact.
    ok = [m for m in sink.messages() if m.mail_from == SENDER]
    assert len(ok) == 1 and ok[0].rcpts == ["ok@example.net"]
    check_relayed(msg, ok[0], qid)
    assert g.wait_audit(qid, "bounced")


def test_no_dsn_for_a_null_sender(sealgate_factory, pysink_factory):
    sink = pysink_factory(reject={REJECT: REJECT_REPLY})
    g = sealgate_factory(sink.smarthost)
    msg, *_ = _phi_message()
    qid = _send(g, "", [REJECT], msg)
    g.wait_audit(qid, "bounced")
    time.sleep(3)
    assert sink.messages() == [], "a DSN was sent for a message with a null sender"
    assert REJECT in sink.rejected
