# Two `sealgate serve` nodes (own node IDs and spools) with one `shared_store` on a private
# PostgreSQL 15: a TLS observation made by node A ratchets node B, an MTA-STS policy A fetched
# serves B while the policy host is down, and a user added on A's config authenticates on B.
import os
import smtplib

import pytest

from harness.mail import make_message
from harness.mxhosts import (MXHost, MXWorld, attempt_with_tls, mx_delivery_overrides, reasons, submit,
                             unique_sender, wait_outcome)
from harness.postgres import cluster_with_role
from harness.sealgate import merge
from harness.smtp import client_context
from harness.ststest import STSServer, policy_text

pytestmark = pytest.mark.slow

ROLE, ROLE_PASSWORD = "sealgate", "sealgate-e2e-shared"


@pytest.fixture(scope="module")
def pg():
    # The gateway's role owns the database, so each node may create the shared tables at start.
    with cluster_with_role(ROLE, ROLE_PASSWORD, f"CREATE DATABASE shared OWNER {ROLE}") as cluster:
        yield cluster


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    d = str(tmp_path_factory.mktemp("shared-world"))
    w = MXWorld(certs, d)
    ratchet_mx = w.host("mx.ratchet.test", "ca")
    sts_mx = w.host("mx-ca.sharedsts.test", "ca")
    w.sts = STSServer(certs, d, {"mta-sts.sharedsts.test": policy_text("enforce", ["mx-ca.sharedsts.test"])})
    w.add_service(w.sts.start, w.sts.stop)
    w.zone("ratchet.test", "unsigned", ["@ MX 10 mx", ratchet_mx.a_record()])
    w.zone("sharedsts.test", "unsigned", ["@ MX 10 mx-ca", '_mta-sts TXT "v=STSv1; id=7;"', sts_mx.a_record()]
           + [r for r in w.sts.a_records() if "sharedsts" in r])
    w.start()
    yield w
    w.stop()


def start_node(factory, world, pg, tmp_path, name, node_id, levels=None):
    pwfile = tmp_path / f"{name}.pw"
    pwfile.write_text(ROLE_PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    overrides = merge(mx_delivery_overrides(world, levels or {}), {
        "hostname": name, "node_id": node_id,
        "delivery": {"ratchet": True},
        "shared_store": pg.url(ROLE, "shared"), "shared_store_password_file": str(pwfile)})
    g = factory(None, overrides, start=False)
    g.start()
    assert "shared store postgresql://" in g.log(), g.log()[-2000:]
    return g


@pytest.fixture
def nodes(sealgate_factory, world, pg, tmp_path):
    a = start_node(sealgate_factory, world, pg, tmp_path, "mx1.example.test", 1, {"ratchet.test": "verify"})
    b = start_node(sealgate_factory, world, pg, tmp_path, "mx2.example.test", 2)
    assert a.spool_dir != b.spool_dir
    return a, b


def send(gw, tag, rcpt):
    """Submits one message to `rcpt` through `gw`: (sender, marker, outcome event, records, reasons)."""
    sender = unique_sender(tag)
    msg, marker = make_message(f"shared state {tag}")
    qid = submit(gw, sender, rcpt, msg)
    event, records = wait_outcome(gw, qid)
    return sender, marker, event, records, reasons(gw, qid, records)


def test_a_tls_observation_on_node_a_ratchets_node_b(nodes, world, certs, tmp_path):
    a, b = nodes
    good = world.hosts["mx.ratchet.test"]
    _, marker, event, records, why = send(a, "ratchet-a", "rcpt@ratchet.test")
    assert event == "delivered", why
    assert attempt_with_tls(records, "delivered")["tls"].get("verify") == "OK"
    good.wait_marker(marker)
    # The destination now downgrades: the same MX name and address, but no STARTTLS at all.
    good.stop()
    plain = MXHost(good.name, "plain", certs, str(tmp_path / "plain-mx"), ip=good.ip).start()
    try:
        sender_b, marker_b, event_b, _, why = send(b, "ratchet-b", "rcpt@ratchet.test")
        assert event_b == "deferred", \
            f"B (level may) must not deliver in plaintext to a domain A saw verified: {event_b}: {why}"
        plain.assert_untouched(sender_b, marker_b)
    finally:
        plain.stop()
        plain.cleanup()
        good.start()


def test_an_mta_sts_policy_fetched_by_a_serves_b_while_the_policy_host_is_down(nodes, world):
    a, b = nodes
    mx = world.hosts["mx-ca.sharedsts.test"]
    _, _, event, _, why = send(a, "sts-a", "rcpt@sharedsts.test")
    assert event == "delivered", why
    assert world.sts.fetched("mta-sts.sharedsts.test")
    world.sts.stop()
    try:
        _, marker_b, event_b, records_b, why = send(b, "sts-b", "rcpt@sharedsts.test")
        assert event_b == "delivered", why
        tls = attempt_with_tls(records_b, "delivered")["tls"]
        assert tls.get("trust") == "mta-sts", \
            f"B never reached the policy host, so only the shared cache can make the trust mta-sts: {tls}"
        mx.wait_marker(marker_b)
    finally:
        world.sts.start()


def test_a_user_added_on_a_authenticates_on_b_without_restart(nodes):
    a, b = nodes
    a.user_add("carol", ["carol@example.org"], "shared-secret-pass")
    assert not os.path.exists(os.path.join(a.dir, "certs", "users")), "with shared_store the users file stays unused"
    assert "carol" in b.cli_ok("user", "list")
    assert login(b, "carol", "shared-secret-pass") == 235
    assert login(b, "carol", "wrong") == 535
    b.cli_ok("user", "remove", "carol")
    assert login(b, "carol", "shared-secret-pass") == 535, "a user removed through B's config is gone"


def login(gw, user, password) -> int:
    """AUTH on the submission listener after STARTTLS: the reply code."""
    ip, port = gw.addr("submission")
    with smtplib.SMTP(ip, port, local_hostname="client.example") as s:
        s.starttls(context=client_context(os.path.join(gw.certs, "ca.pem")))
        s.ehlo("client.example")
        try:
            return s.login(user, password)[0]
        except smtplib.SMTPAuthenticationError as e:
            return e.smtp_code
