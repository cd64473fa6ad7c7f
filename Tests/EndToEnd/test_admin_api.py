# The admin API (docs/admin-api.yaml, docs/operations.md): a real gateway with `admin:` configured,
# mail sent through it, /metrics scraped over HTTPS with a read token and checked by promtool and
# against what was sent; 401 and 403; tokens managed by the CLI (hash only on disk, audited, removal
# effective at once); the OpenAPI document validated and every documented path called; the alert
# rules checked by promtool.
import http.client
import json
import os
import re
import smtplib
import ssl
import subprocess
import time

import pytest
import yaml
from openapi_spec_validator import validate

from harness import net

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SENDER = "sender@example.org"


@pytest.fixture
def admin_gw(sealgate_factory, smtp_sink, certs):
    g = sealgate_factory(smtp_sink.smarthost, start=False)
    port = net.free_port(g.ip)
    g.config["admin"] = {"listen": f"{g.ip}:{port}",
                         "tls": {"certificate": os.path.join(certs, "gateway.pem"),
                                 "key": os.path.join(certs, "gateway.key")},
                         "tokens_file": "var/admin.tokens"}
    g.write_config()
    g.admin_port = port
    g.read_token = g.cli_ok("admin", "token", "add", "grafana", "--role", "read").strip()
    g.admin_token = g.cli_ok("admin", "token", "add", "ops", "--role", "admin").strip()
    g.start()
    return g


def request(g, certs, path, token=None, method="GET"):
    """(status, headers, body) over HTTPS; the chain is verified against the test CA."""
    ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    ctx.check_hostname = False  # the certificate names gw.example.test; we connect to its IP
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    conn = http.client.HTTPSConnection(g.ip, g.admin_port, context=ctx, timeout=15)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    conn.request(method, path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), body


def send(g, rcpt, subject):
    ip, port = g.addr("relay")
    msg = f"From: <{SENDER}>\r\nTo: <{rcpt}>\r\nSubject: {subject}\r\nMessage-ID: <{subject}@example.org>\r\n\r\nhello\r\n"
    with smtplib.SMTP(ip, port, timeout=30) as s:
        s.ehlo("client.example")
        s.sendmail(SENDER, [rcpt], msg.encode())


def series(text, name):
    """{labels-text: value} of one metric in the exposition."""
    out = {}
    for line in text.splitlines():
        m = re.match(rf"^{re.escape(name)}(\{{[^}}]*\}})? (\S+)$", line)
        if m:
            out[m.group(1) or ""] = float(m.group(2))
    return out


def test_metrics_over_https_checked_by_promtool_and_against_what_was_sent(admin_gw, smtp_sink, certs):
    g = admin_gw
    assert f"sealgate: admin API on https://{g.ip}:{g.admin_port}" in g.log()
    for i in range(3):
        send(g, f"rcpt{i}@example.net", f"metrics{i}")
    smtp_sink.wait_for(3)
    deadline = time.monotonic() + 30
    while True:
        status, headers, body = request(g, certs, "/metrics", g.read_token)
        assert status == 200, body
        text = body.decode()
        if sum(series(text, "sealgate_delivered_total").values()) >= 3 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert headers["Content-Type"].startswith("text/plain")
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"promtool check metrics:\n{check.stdout}{check.stderr}\n{text}"
    assert series(text, "sealgate_accepted_total") == {"": 3.0}
    assert sum(series(text, "sealgate_delivered_total").values()) == 3.0
    assert sum(series(text, "sealgate_deliveries_tls_total").values()) == 3.0
    assert series(text, "sealgate_bounced_total") == {"": 0.0}
    assert series(text, "sealgate_queue_messages") == {"": 0.0}
    assert "sealgate_audit_outbox_records" in text
    not_after = series(text, "sealgate_certificate_not_after_seconds")
    assert set(not_after) == {'{listener="smtp"}', '{listener="admin"}'}
    assert all(v > time.time() for v in not_after.values())
    for name in re.findall(r"^# TYPE (\S+) counter$", text, re.M):
        assert name.startswith("sealgate_") and name.endswith("_total"), name
    assert "@" not in text, "no address in any label"


def test_tokens_401_403_and_removal(admin_gw, certs):
    g = admin_gw
    assert request(g, certs, "/metrics")[0] == 401
    assert request(g, certs, "/metrics", "sgt_not-a-token")[0] == 401
    assert request(g, certs, "/api/v1/queue", g.read_token[:-1])[0] == 401
    assert request(g, certs, "/api/v1/queue/flush", g.read_token, method="POST")[0] == 403
    assert request(g, certs, "/api/v1/queue/flush", g.admin_token, method="POST")[0] == 200
    listed = g.cli_json("admin", "token", "list")
    assert {t["name"]: t["role"] for t in listed} == {"grafana": "read", "ops": "admin"}
    on_disk = open(os.path.join(g.dir, "var", "admin.tokens")).read()
    assert g.read_token not in on_disk and g.admin_token not in on_disk
    assert oct(os.stat(os.path.join(g.dir, "var", "admin.tokens")).st_mode & 0o777) == "0o600"
    g.cli_ok("admin", "token", "remove", "grafana")
    assert request(g, certs, "/metrics", g.read_token)[0] == 401
    admin_events = [r for r in g.audit_query() if r.get("event") == "admin_action"]
    actions = [(r.get("action"), r.get("detail")) for r in admin_events]
    assert ("token_add", "token=grafana role=read") in actions
    assert ("token_remove", "token=grafana") in actions
    assert ("flush", None) in actions or any(a == "flush" for a, _ in actions)


def test_openapi_document_is_valid_and_every_path_answers(admin_gw, smtp_sink, certs):
    g = admin_gw
    spec = yaml.safe_load(open(os.path.join(REPO, "docs", "admin-api.yaml")))
    validate(spec)
    send(g, "rcpt@example.net", "openapi")
    smtp_sink.wait_for(1)
    deadline = time.monotonic() + 30
    while True:
        accepted = [r for r in g.audit_query() if r.get("event") == "accepted"]
        if accepted or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    qid = accepted[0]["queue_id"]
    concrete = {
        "/api/v1/audit/records": "/api/v1/audit/records?since=2000-01-01&queue_id=" + qid,
        "/api/v1/audit/messages/{id}": f"/api/v1/audit/messages/{qid}",
        "/api/v1/audit/summary": "/api/v1/audit/summary?since=2000-01-01&by=method",
        "/api/v1/queue": "/api/v1/queue",
        "/api/v1/queue/{queue_id}/trace": f"/api/v1/queue/{qid}/trace",
        "/api/v1/queue/flush": "/api/v1/queue/flush",
        "/metrics": "/metrics",
    }
    assert set(spec["paths"]) == set(concrete), "every documented path is called here"
    for path, item in spec["paths"].items():
        for method, op in item.items():
            status, headers, body = request(g, certs, concrete[path], g.admin_token, method=method.upper())
            assert str(status) in op["responses"], f"{method} {path}: {status} not documented: {body[:300]}"
            if headers.get("Content-Type", "").startswith("application/json"):
                json.loads(body)
    status, _, body = request(g, certs, concrete["/api/v1/audit/records"], g.read_token)
    records = json.loads(body)
    assert [r["event"] for r in records][:1] == ["accepted"] and all(r["queue_id"] == qid for r in records)
    status, _, body = request(g, certs, "/api/v1/audit/records?method=pigeon", g.read_token)
    assert status == 400 and "pigeon" in json.loads(body)["error"]
    status, _, body = request(g, certs, "/api/v1/audit/records?since=2026-02-01&until=2026-01-01", g.read_token)
    assert status == 400
    status, _, body = request(g, certs, "/api/v1/queue", g.read_token)
    q = json.loads(body)
    assert q["messages"] == len(q["entries"]) and q["oldest_age_seconds"] >= 0


def test_alert_rules_pass_promtool():
    r = subprocess.run(["promtool", "check", "rules", os.path.join(REPO, "docs", "prometheus-alerts.yaml")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    dashboard = json.load(open(os.path.join(REPO, "docs", "grafana", "sealgate.json")))
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    for name in ["sealgate_queue_oldest_age_seconds", "sealgate_audit_outbox_records", "sealgate_delivered_total",
                 "sealgate_certificate_not_after_seconds", "sealgate_phi_findings_total"]:
        assert name in exprs
