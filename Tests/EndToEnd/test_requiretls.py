# REQUIRETLS (RFC 8689) on MX delivery: a flagged message to a Postfix MX (no REQUIRETLS) comes
# back as a 5.7.30 DSN without its content; to a second Sealgate over verified TLS it is relayed.
import email
import email.policy
import os
import re
import uuid

import pytest

from harness import net
from harness.mail import make_message
from harness.mxhosts import (MXWorld, attempt_with_tls, issue_ca_cert, mx_delivery_overrides, reasons,
                             unique_sender, wait_outcome)
from harness.sealgate import Sealgate
from harness.sinks import SmtpSink
from harness.smtp import RawSMTP, client_context, queue_id

pytestmark = pytest.mark.slow


class ReceivingSealgate:
    """A second Sealgate as the MX of rtls.test: STARTTLS on IP:25 with a test-CA certificate
    for mx.rtls.test, relaying everything to an smtp-sink."""

    def __init__(self, certs: str, workdir: str):
        self.ip = net.next_ip()
        self.sink = SmtpSink(*net.endpoint(), os.path.join(workdir, "sink"))
        cert, key = issue_ca_cert(certs, "mx.rtls.test", os.path.join(workdir, "mx-rtls"))
        gdir = os.path.join(workdir, "gw")
        os.makedirs(gdir, exist_ok=True)
        self.gw = Sealgate(gdir, certs, self.sink.smarthost, {
            "hostname": "mx.rtls.test",
            "listeners": [{"name": "relay", "address": f"{self.ip}:25", "tls": "starttls", "auth": "optional"}],
            "tls": {"certificate": cert, "key": key},
        })

    def start(self):
        os.makedirs(self.sink.dump_dir, exist_ok=True)
        self.sink.start()
        self.gw.start()

    def stop(self):
        try:
            self.gw.stop()
        finally:
            print(f"--- receiving sealgate log:\n{self.gw.log()[-3000:]}")
            self.sink.stop()


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    d = str(tmp_path_factory.mktemp("requiretls-world"))
    w = MXWorld(certs, d)
    pf = w.host("mx-ca.rtlspf.test", "ca")
    w.receiver = ReceivingSealgate(certs, os.path.join(d, "receiver"))
    w.add_service(w.receiver.start, w.receiver.stop)
    w.zone("rtlspf.test", "signed", ["@ MX 10 mx-ca", pf.a_record()])
    w.zone("rtls.test", "signed", ["@ MX 10 mx", f"mx A {w.receiver.ip}"])
    w.start()
    yield w
    w.stop()


@pytest.fixture
def start_gw(world, sealgate_factory):
    return lambda: sealgate_factory(None, mx_delivery_overrides(world))


def _send_requiretls(gw, ca, sender, rcpt, message) -> str:
    with RawSMTP(*gw.addr("relay")) as c:
        c.ehlo()
        r = c.starttls(client_context(ca))
        assert r.code == 220, f"STARTTLS refused: {r}"
        ehlo = c.ehlo()
        assert "REQUIRETLS" in ehlo.keywords, f"sealgate does not offer REQUIRETLS after STARTTLS:\n{ehlo}"
        r = c.send_mail(sender, [rcpt], message, "REQUIRETLS")
        assert r.code == 250, f"MAIL FROM ... REQUIRETLS over TLS was not accepted: {r}"
        return queue_id(f"{r.code} {r.text}")


def _message():
    secret = uuid.uuid4().hex
    msg, marker = make_message("requiretls", body=f"Confidential BODY{secret}")
    return msg, marker, secret


def test_requiretls_to_a_postfix_mx_bounces_5_7_30_without_content(world, start_gw, certs):
    gw = start_gw()
    host = world.hosts["mx-ca.rtlspf.test"]
    sender = unique_sender("rtlspf")
    msg, marker, secret = _message()
    qid = _send_requiretls(gw, os.path.join(certs, "ca.pem"), sender, "rcpt@rtlspf.test", msg)
    event, records = wait_outcome(gw, qid)
    why = reasons(gw, qid, records)
    assert event == "bounced", f"the Postfix MX does not offer REQUIRETLS: expected bounced, got {event}: {why}"
    assert "5.7.30" in why, f"the bounce should carry 5.7.30: {why}"
    host.assert_untouched(sender, marker)
    raw = world.wait_dsn(sender).data
    dsn = email.message_from_bytes(raw, policy=email.policy.default)
    status = next((p for p in dsn.walk() if p.get_content_type() == "message/delivery-status"), None)
    assert status is not None and "5.7.30" in str(status), f"the DSN's Status should be 5.7.30:\n{dsn}"
    assert secret.encode() not in raw, "the REQUIRETLS DSN quotes the message body"


def test_requiretls_to_a_second_sealgate_is_relayed_over_verified_tls(world, start_gw, certs):
    gw = start_gw()
    sender = unique_sender("rtls")
    msg, marker, _ = _message()
    qid = _send_requiretls(gw, os.path.join(certs, "ca.pem"), sender, "rcpt@rtls.test", msg)
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"the second Sealgate offers REQUIRETLS with a valid certificate: " \
                                 f"got {event}: {reasons(gw, qid, records)}"
    rec = attempt_with_tls(records, "delivered")
    assert rec["tls"].get("verify") == "OK" and rec["tls"].get("trust") in ("pkix", "dane-ee", "dane-ta"), rec["tls"]
    # The receiver's 250 reply names its queue id; its own audit must show it accepted the message.
    m = re.search(r"queued as ([0-9A-Z]{18})", str(rec.get("reply") or ""))
    assert m, f"the delivered record should keep the receiver's reply (queued as ID): {rec}"
    theirs = world.receiver.gw.audit(m.group(1))
    assert any(r.get("event") == "accepted" and r.get("sender") in (sender, f"<{sender}>") for r in theirs), \
        f"the second Sealgate has no 'accepted' record for {m.group(1)} from {sender}: {theirs}"
