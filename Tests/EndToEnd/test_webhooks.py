# Delivery-status webhooks (docs/webhooks.md): a real gateway posts each recipient's final outcome
# to an HTTPS receiver on 127.0.0.1 (the test CA's certificate), signed with HMAC-SHA256 the
# receiver verifies; delivered with method and TLS facts, bounced with its code; a failing receiver
# is retried until it recovers; a pending event survives a restart; no subject or body ever leaves.
import glob
import json
import os
import re
import subprocess
import time

import pytest

from harness.sealgate import sealgate_bin
from harness.smtp import RawSMTP, queue_id
from harness.webhooks import WebhookReceiver

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
SECRET = b"whsec-e2e-0123456789abcdef"
SUBJECT = "Webhook subject Zq7Kx"
PHI_MARKER = "PHI-MARKER-8f3e SSN 078-05-1120"
ALLOWED_KEYS = {"id", "type", "created", "queue_id", "message_id", "node", "sender", "recipient", "recipient_domain",
                "method", "tls", "status", "attempt", "relay_host", "portal_message_id"}


def _hooked(sealgate_factory, smarthost, certs, receiver_url, **endpoint):
    g = sealgate_factory(smarthost, start=False)
    secret = os.path.join(g.dir, "certs", "webhook.secret")
    with open(secret, "wb") as f:
        f.write(SECRET + b"\n")
    os.chmod(secret, 0o600)
    hook = {"url": receiver_url, "secret_file": "certs/webhook.secret", "ca_file": os.path.join(certs, "ca.pem"),
            "retry_first": "1s", "retry_max": "2s"}
    hook.update(endpoint)
    g.config["webhooks"] = [hook]
    g.write_config()
    return g.start()


def _send(g, rcpts, message_id="<wh-1@example.org>"):
    msg = (f"From: <{SENDER}>\r\nTo: <{rcpts[0]}>\r\nSubject: {SUBJECT}\r\nMessage-ID: {message_id}\r\n\r\n"
           f"{PHI_MARKER}\r\n").encode()
    ip, port = g.addr("relay")
    with RawSMTP(ip, port) as c:
        c.ehlo()
        r = c.send_mail(SENDER, rcpts, msg)
        assert r.code == 250, str(r)
        return queue_id(f"{r.code} {r.text}")


def _check_no_phi(receiver):
    for r in receiver.all():
        body = r["body"].decode()
        assert SUBJECT not in body and "PHI-MARKER" not in body and "078-05-1120" not in body, body
        assert set(json.loads(body)) <= ALLOWED_KEYS, body
        assert r["verified"], f"signature did not verify: {r['headers']}"
        assert r["headers"]["Sealgate-Event-Id"] == json.loads(body)["id"]


@pytest.mark.slow
def test_delivered_over_tls_carries_method_and_tls_facts(sealgate_factory, postfix_factory, certs):
    receiver = WebhookReceiver(certs, SECRET).start()
    try:
        mx = postfix_factory.tls_smarthost(os.path.join(certs, "mx.pem"), os.path.join(certs, "mx.key"))
        g = _hooked(sealgate_factory, f"[{mx.ip}]:{mx.port}", certs, receiver.url)
        qid = _send(g, [RCPT])
        mx.wait_delivered(1)
        events = receiver.wait_events(lambda e: e["type"] == "delivered")
        [e] = [e for e in events if e["type"] == "delivered"]
        assert e["queue_id"] == qid and e["recipient"] == RCPT and e["recipient_domain"] == "example.net"
        assert e["message_id"] == "<wh-1@example.org>" and e["sender"] == SENDER
        assert e["node"] == "gw.example.test" and e["method"] == "tls" and e["status"].startswith("2.")
        audit = [r for r in g.audit(qid) if r.get("event") == "delivered"][-1]["tls"]
        assert e["tls"]["version"] == audit["version"] and e["tls"]["cipher"] == audit["cipher"]
        assert e["tls"]["bits"] == int(audit["bits"]), (e, audit)
        # A smarthost at the default level is encrypted without a required certificate check: trust none.
        assert e["tls"]["trust"] in {"dane-ta", "dane-ee", "mta-sts", "pkix", "none"}
        assert e["tls"]["verified"] == (e["tls"]["trust"] != "none"), e
        assert re.fullmatch(r"evt_[0-9a-f]{32}", e["id"])
        _check_no_phi(receiver)
    finally:
        receiver.stop()


def test_failing_receiver_is_retried_until_it_recovers_and_a_bounce_is_reported(sealgate_factory, pysink_factory,
                                                                                 certs):
    receiver = WebhookReceiver(certs, SECRET, fail_first=3).start()
    try:
        sink = pysink_factory(reject={"nobody@example.net": "550 5.1.1 <nobody@example.net>: Recipient address rejected"})
        g = _hooked(sealgate_factory, sink.smarthost, certs, receiver.url)
        qid = _send(g, [RCPT, "nobody@example.net"])
        receiver.wait_events(lambda e: e["type"] == "bounced", timeout=45)
        events = receiver.wait_events(lambda e: e["type"] == "delivered", timeout=10)
        # The gateway's own non-delivery notice to the sender is a message too: its delivery is reported as well.
        kinds = sorted(e["type"] for e in events if e["queue_id"] == qid)
        assert kinds == ["bounced", "delivered"], events
        [bounce] = [e for e in events if e["type"] == "bounced"]
        assert bounce["recipient"] == "nobody@example.net" and bounce["status"] == "5.1.1" and bounce["queue_id"] == qid
        reqs = receiver.all()
        assert len(reqs) == 3 + len(events), "three refusals of the first event, then each event once"
        assert len({e["id"] for e in events}) == len(events)
        assert len({r["headers"]["Sealgate-Event-Id"] for r in reqs[:4]}) == 1, "in order: the head is retried first"
        assert "webhook_failed" in g.log()
        _check_no_phi(receiver)
    finally:
        receiver.stop()


def test_pending_event_survives_a_restart(sealgate_factory, smtp_sink, certs):
    receiver = WebhookReceiver(certs, SECRET)   # not started yet: connections are refused
    g = _hooked(sealgate_factory, smtp_sink.smarthost, certs, receiver.url, retry_first="1s", retry_max="1s")
    qid = _send(g, [RCPT])
    smtp_sink.wait_for(1)
    g.wait_audit(qid, "delivered")
    files = glob.glob(os.path.join(g.dir, "var", "webhooks", "*", "*.json"))
    assert len(files) == 1, files
    assert oct(os.stat(files[0]).st_mode & 0o777) == "0o600"
    g.wait_log(r"webhook_failed", timeout=20)
    g.stop()
    receiver.start()
    try:
        g.start()
        events = receiver.wait_events(lambda e: e["type"] == "delivered")
        assert [e["queue_id"] for e in events] == [qid]
        deadline = time.monotonic() + 10
        while glob.glob(os.path.join(g.dir, "var", "webhooks", "*", "*.json")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not glob.glob(os.path.join(g.dir, "var", "webhooks", "*", "*.json")), "the sent event stays queued"
        _check_no_phi(receiver)
    finally:
        receiver.stop()


def test_config_errors_are_reported_at_their_line(tmp_path):
    secret = tmp_path / "s"
    secret.write_text("0123456789abcdef0123\n")
    os.chmod(secret, 0o644)
    cfg = tmp_path / "c.yaml"
    cfg.write_text("webhooks:\n"
                   "  - url: http://hooks.example.com/x\n"
                   f"    secret_file: {secret}\n"
                   "    events: [delivered, bounce]\n")
    p = subprocess.run([sealgate_bin(), "check-config", "--config", str(cfg)], capture_output=True, text=True, timeout=30)
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert re.search(r":2:\d+: .*webhooks\[0\]\.url: .*http is refused", out), out
    assert re.search(r":3:\d+: .*webhooks\[0\]\.secret_file: .*", out), out
    assert re.search(r":4:\d+: .*unknown event 'bounce'; did you mean 'bounced'", out), out
