# Two `sealgate serve` nodes sharing one portal store on a private PostgreSQL 15 (`shared_store`): a
# message accepted by node A lands on the portal; the recipient picks it up through node B's portal
# (link, emailed code from the sink, the message page shows the body); `portal list` on B shows it;
# revoking it on B makes A's link answer 410. Each node keeps its own spool; both have the same pepper.
import os
import re
import shutil

import pytest

from harness import procs
from harness.policyfiles import send_ok, text_message, write_policy
from harness.portal import ID, PortalClient, code_in, link_in, portal_config, problem_status
from harness.postgres import cluster_with_role
from test_portal_cli import POLICY, RCPT, SENDER   # portal.test recipients: the portal only

ROLE, ROLE_PASSWORD = "sealgate", "sealgate-e2e-portal"
BODY = "The biopsy results are benign. SHARED-PORTAL-BODY-" + os.urandom(4).hex()


@pytest.fixture(scope="module")
def pg():
    with cluster_with_role(ROLE, ROLE_PASSWORD) as cluster:
        yield cluster


@pytest.fixture
def db(pg, request):
    """A database of the test's own; the role owns it, so it may create the portal's table at start
    (docs/operations.md)."""
    name = "portal_" + request.node.name.lower()[:40]
    pg.psql(f"CREATE DATABASE {name} OWNER {ROLE}")
    return name


def make_node(factory, sink, pg, db, tmp_path, hostname, node_id, pepper_from=None):
    pwfile = tmp_path / f"{hostname}.pw"
    pwfile.write_text(ROLE_PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    g = factory(sink.smarthost, start=False, overrides={
        "hostname": hostname, "node_id": node_id,
        "shared_store": pg.url(ROLE, db), "shared_store_password_file": str(pwfile)})
    g.config["portal"] = portal_config(g, {"store": None, "notice_from": "portal@gw.example.test"})
    g.write_config()
    write_policy(g, "05-portal.yaml", POLICY)
    if pepper_from is not None:
        # Every node that serves the store needs the same pepper file (docs/operations.md).
        os.makedirs(os.path.join(g.dir, "var"), exist_ok=True)
        target = os.path.join(g.dir, "var", "portal.pepper")
        shutil.copyfile(os.path.join(pepper_from.dir, "var", "portal.pepper"), target)
        os.chmod(target, 0o600)
    g.start()
    assert f"sealgate: portal on {g.config['portal']['base_url']}" in g.log(), g.log()[-3000:]
    return g


def client_for(g) -> PortalClient:
    return PortalClient(g.config["portal"]["base_url"], os.path.join(g.dir, "certs", "portal.pem"))


def wait_mail(sink, pick, what):
    def find():
        for m in sink.messages():
            hit = pick(m.data)
            if hit:
                return hit
        return None
    return procs.wait_until(find, 45, what)


def test_a_message_stored_by_one_node_is_read_through_the_other(sealgate_factory, smtp_sink, pg, db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, db, tmp_path, "mx1.example.test", 1)
    b = make_node(sealgate_factory, smtp_sink, pg, db, tmp_path, "mx2.example.test", 2, pepper_from=a)
    assert "sealgate: shared store" in b.log(), b.log()[-3000:]

    qid = send_ok(a, SENDER, [RCPT], text_message(SENDER, [RCPT], "Results", BODY))
    a.wait_audit(qid, "delivered")
    base_a, base_b = a.config["portal"]["base_url"], b.config["portal"]["base_url"]
    link_a, message_id, token = wait_mail(smtp_sink, lambda d: link_in(d, base_a), "the notice sent by node A")
    # Node B stored nothing itself: its spool is its own, the portal store is the shared one.
    assert not os.path.exists(os.path.join(b.dir, "var", "portal", "messages")), "B must not keep a portal directory"

    # The same link, served by node B.
    rb = client_for(b)
    r = rb.arrive(f"{base_b}/p/{message_id}/{token}")
    assert r.status_code == 200 and 'id="send-code-form"' in r.text, (r.status_code, r.url, r.text[:1500])
    codes_before = {m.data for m in smtp_sink.messages() if code_in(m.data)}
    r = rb.request_code()
    assert r.status_code == 200 and 'id="verify-form"' in r.text, (r.status_code, r.text[:1500])
    code = wait_mail(smtp_sink, lambda d: d not in codes_before and code_in(d), "the code mail sent by node B")
    r = rb.verify(code)
    assert r.status_code == 200 and re.search(rf"/message/{ID}$", r.url), (r.status_code, r.url, r.text[:1500])
    assert BODY in r.text, f"the message page on B must show the body:\n{r.text[:3000]}"

    # B's admin sees the message deposited by A, with the view B counted.
    [row] = [row for row in b.cli_json("portal", "list") if row["id"] == message_id]
    assert row["queue_id"] == qid and row["state"] == "active" and row["views"] == 1, row
    assert message_id in b.cli_ok("portal", "list")

    # Revoked on B, A's link is gone (410) to the right token.
    out = b.cli_ok("portal", "revoke", message_id)
    assert out.strip() == f"{message_id}: revoked; its keys and content are destroyed", out
    ra = client_for(a)
    r = ra.arrive(link_a)
    if r.status_code == 200 and 'id="send-code-form"' in r.text:
        r = ra.request_code()
    assert r.status_code == 410 and problem_status(r.text) == "410", (r.status_code, r.text[:1500])
    [row] = [row for row in a.cli_json("portal", "list") if row["id"] == message_id]
    assert row["state"] == "revoked", row


def test_a_node_with_another_pepper_refuses_to_start(sealgate_factory, smtp_sink, pg, db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, db, tmp_path, "mx3.example.test", 3)
    assert a.running()
    g = sealgate_factory(smtp_sink.smarthost, start=False, overrides={
        "hostname": "mx4.example.test", "node_id": 4,
        "shared_store": pg.url(ROLE, db), "shared_store_password_file": str(tmp_path / "mx3.example.test.pw")})
    g.config["portal"] = portal_config(g, {"store": None})
    g.write_config()
    with pytest.raises(AssertionError):
        g.start(timeout=20)
    assert "the portal pepper key file is not the one this store was made with" in g.log(), g.log()[-3000:]
