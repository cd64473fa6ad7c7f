# MX routing per RFC 5321 §5 and RFC 7505: a null MX bounces 5.1.10 with no connection, a dead
# first MX falls through to the second, and a domain without MX is reached through its A record.
import email
import email.policy

import pytest

from harness import net
from harness.mail import make_message
from harness.mxhosts import MXWorld, mx_delivery_overrides, reasons, submit, unique_sender, wait_outcome

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    w = MXWorld(certs, str(tmp_path_factory.mktemp("routing-world")))
    trap = w.host("www.nullmx.test", "plain")      # nullmx.test's A record: must never be used
    live = w.host("mx2.mxfail.test", "ca")
    amx = w.host("amx.test", "ca")                 # no MX: the domain's own A record
    w.dead_ip = net.next_ip()                      # nothing listens here
    w.zone("nullmx.test", "signed", ["@ MX 0 .", f"@ A {trap.ip}", trap.a_record()])
    w.zone("mxfail.test", "signed", ["@ MX 10 mx1", "@ MX 20 mx2", f"mx1 A {w.dead_ip}", live.a_record()])
    w.zone("amx.test", "signed", [f"@ A {amx.ip}"])
    w.start()
    yield w
    w.stop()


@pytest.fixture
def start_gw(world, sealgate_factory):
    return lambda: sealgate_factory(None, mx_delivery_overrides(world))


def test_null_mx_bounces_5_1_10_without_connecting(world, start_gw):
    gw = start_gw()
    trap = world.hosts["www.nullmx.test"]
    connects_before = trap.connections()
    sender = unique_sender("nullmx")
    msg, marker = make_message("to a null MX")
    qid = submit(gw, sender, "rcpt@nullmx.test", msg)
    event, records = wait_outcome(gw, qid)
    why = reasons(gw, qid, records)
    assert event == "bounced", f"a null MX (MX 0 .) must bounce, got {event}: {why}"
    assert "5.1.10" in why, f"the bounce should carry 5.1.10: {why}"
    assert not any(r.get("relay_ip") for r in records), f"no host may be tried for a null MX: {records}"
    dsn = email.message_from_bytes(world.wait_dsn(sender).data, policy=email.policy.default)
    status = next((p for p in dsn.walk() if p.get_content_type() == "message/delivery-status"), None)
    assert status is not None, f"the DSN has no message/delivery-status part:\n{dsn}"
    assert "5.1.10" in str(status), f"the DSN's Status should be 5.1.10:\n{status}"
    assert trap.connections() == connects_before, \
        f"sealgate connected to the domain's A record despite the null MX:\n{trap.log()[-2000:]}"
    trap.assert_untouched(sender, marker)


def test_dead_first_mx_falls_through_to_the_second(world, start_gw):
    gw = start_gw()
    live = world.hosts["mx2.mxfail.test"]
    sender = unique_sender("mxfail")
    msg, marker = make_message("first MX down")
    qid = submit(gw, sender, "rcpt@mxfail.test", msg)
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"the second MX is up: expected delivered, got {event}: " \
                                 f"{reasons(gw, qid, records)}"
    rec = [r for r in records if r.get("event") == "delivered"][-1]
    assert rec.get("relay_host", "").rstrip(".") == "mx2.mxfail.test" and rec.get("relay_ip") == live.ip, \
        f"the delivered record should name the second MX (mx2.mxfail.test [{live.ip}]): {rec}"
    live.wait_marker(marker)


def test_domain_without_mx_is_reached_through_its_a_record(world, start_gw):
    gw = start_gw()
    host = world.hosts["amx.test"]
    sender = unique_sender("amx")
    msg, marker = make_message("implicit MX")
    qid = submit(gw, sender, "rcpt@amx.test", msg)
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"no MX: the A record is the implicit MX; got {event}: " \
                                 f"{reasons(gw, qid, records)}"
    assert any(r.get("relay_ip") == host.ip for r in records), records
    host.wait_marker(marker)
