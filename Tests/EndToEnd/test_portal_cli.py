# `sealgate portal list|show|revoke|unlock|purge-expired` against a running gateway with a portal:
# a message whose policy allows only the portal lands there, the CLI shows its metadata (never its
# content), revoke destroys it (audited with the admin) and its pickup link then answers 410.
import email
import email.policy
import http.client
import os
import re
import ssl

import pytest

from harness import procs
from harness.net import free_port
from harness.policyfiles import send_ok, text_message, write_policy

SENDER, RCPT = "doctor@clinic.example", "pia@portal.test"
# Who the CLI says acts, as it works it out: SUDO_USER, else USER, else uid:N.
ADMIN = os.environ.get("SUDO_USER") or os.environ.get("USER") or f"uid:{os.getuid()}"
BODY = "The biopsy results are benign. PORTAL-BODY-MARKER-7731"
SUBJECT = "Results PORTAL-SUBJECT-MARKER-5513"
POLICY = """
    # Written by test_portal_cli: portal.test recipients get the portal and nothing else.
    rules:
      - name: portal-only
        when:
          recipient_domain: portal.test
        deliver:
          methods: [portal]
          otherwise: defer
      - name: the-rest
        deliver: {tls: may}
    """


def portal_overrides(ip: str, port: int, certs: str) -> dict:
    return {"portal": {"listen": f"{ip}:{port}", "base_url": f"https://{ip}:{port}",
                       "tls": {"certificate": f"{certs}/portal.pem", "key": f"{certs}/portal.key"},
                       "organisation": "Example Clinic", "notice_from": "portal@gw.example.test",
                       "password_cost": 10}}


@pytest.fixture
def portal_gateway(sealgate_factory, smtp_sink, certs):
    """A running gateway with a portal, its smarthost sink, and one message on the portal."""
    g = sealgate_factory(smtp_sink.smarthost, start=False)
    port = free_port(g.ip)
    g.config.update(portal_overrides(g.ip, port, certs))
    g.write_config()
    write_policy(g, "05-portal.yaml", POLICY)
    g.start()
    assert f"sealgate: portal on https://{g.ip}:{port}" in g.log(), g.log()[-3000:]
    qid = send_ok(g, SENDER, [RCPT], text_message(SENDER, [RCPT], SUBJECT, BODY))
    g.wait_audit(qid, "delivered")
    return g, smtp_sink, qid, (g.ip, port)


def portal_list(g) -> list:
    rows = g.cli_json("portal", "list")
    assert isinstance(rows, list), f"portal list --json must print an array, got {rows!r}"
    return rows


def pickup_link(sink, base: str) -> str:
    """The link in the notice the portal queued for the recipient (it leaves through the smarthost)."""
    def find():
        for m in sink.messages():
            msg = email.message_from_bytes(m.data, policy=email.policy.default)
            for part in msg.walk():
                if part.get_content_type() == "text/plain":
                    hit = re.search(re.escape(base) + r"/p/[a-z0-9]+/[A-Za-z0-9_-]+", part.get_content())
                    if hit:
                        return hit.group(0)
        return None
    return procs.wait_until(find, 30, "the portal notice with the pickup link at the smarthost")


def https(addr, method: str, path: str, headers=None, body=None) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection(*addr, context=context, timeout=20)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def request_code(addr, link: str) -> int:
    """Follows the link as a browser would (cookie, /pickup, the form's csrf) and asks for a code;
    returns the status of that POST /pickup/code."""
    path = "/" + link.split("/", 3)[3]
    arrived = https(addr, "GET", path)
    assert arrived.status == 303, (arrived.status, arrived.body[:300])
    cookie = arrived.getheader("Set-Cookie").split(";", 1)[0]
    page = https(addr, "GET", "/pickup", {"Cookie": cookie})
    assert page.status == 200, (page.status, page.body[:300])
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page.body).group(1).decode()
    origin = f"https://{addr[0]}:{addr[1]}"
    posted = https(addr, "POST", "/pickup/code", {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                                  "Origin": origin, "Referer": origin + "/pickup"}, f"csrf={csrf}")
    return posted.status


def test_list_and_show_give_metadata_only(portal_gateway):
    g, _, qid, _ = portal_gateway
    [row] = portal_list(g)
    assert row["state"] == "active" and row["queue_id"] == qid, row
    assert (row["sender"], row["recipient"], row["views"]) == (SENDER, RCPT, 0), row
    assert row["created_at"] and row["expires_at"] and row["first_viewed_at"] is None, row
    shown = g.cli_json("portal", "show", row["id"])
    assert isinstance(shown, dict) and shown["id"] == row["id"] and shown["lockouts"] == [], shown
    table = g.cli_ok("portal", "list")
    assert row["id"] in table and "active" in table and RCPT in table, table
    for out in (table, str(shown), g.cli_ok("portal", "show", row["id"])):
        assert "PORTAL-BODY-MARKER" not in out and "PORTAL-SUBJECT-MARKER" not in out, out


def test_revoke_destroys_the_message_and_the_link_answers_410(portal_gateway):
    g, sink, _, addr = portal_gateway
    [row] = portal_list(g)
    link = pickup_link(sink, f"https://{addr[0]}:{addr[1]}")
    assert row["id"] in link
    assert request_code(addr, link) == 200, "before the revoke the link works"
    out = g.cli_ok("portal", "revoke", row["id"])
    assert out.strip() == f"{row['id']}: revoked; its keys and content are destroyed", out
    [after] = portal_list(g)
    assert after["state"] == "revoked" and after["gone_at"], after
    assert request_code(addr, link) == 410
    again = g.cli("portal", "revoke", row["id"])
    assert again.returncode == 1 and "is gone: revoked at" in again.stderr, (again.returncode, again.stderr)
    revoked = [r for r in g.audit(row["queue_id"]) if r.get("event") == "portal_revoked"]
    assert revoked and revoked[0].get("actor") == ADMIN, g.audit(row["queue_id"])


def test_unknown_ids_unlock_and_purge(portal_gateway):
    g, _, _, _ = portal_gateway
    missing = g.cli("portal", "show", "a" * 26)
    assert missing.returncode == 1 and f"no portal message {'a' * 26}" in missing.stderr, missing.stderr
    assert g.cli_ok("portal", "unlock", "192.0.2.44").strip() == "no lockout on 192.0.2.44"
    assert g.cli_ok("portal", "purge-expired").strip() == "purged 0 expired portal message(s)"
    assert [r["state"] for r in portal_list(g)] == ["active"]


def test_without_a_portal_the_commands_say_so(sealgate):
    p = sealgate.cli("portal", "list")
    assert p.returncode == 1
    assert "the portal is not configured (no portal: section in the config)" in p.stderr, p.stderr
