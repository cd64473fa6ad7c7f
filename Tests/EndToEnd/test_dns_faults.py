# DNS faults on MX delivery (issue 13 item 3): an MX, address or TLSA lookup that times out or
# answers SERVFAIL defers the mail (4.4.3), never bounces it and never delivers it with less than
# the domain's TLS level (a DANE domain whose TLSA lookup fails is not sent to without DANE); once
# DNS answers again, a retry delivers it, at the full level. A fault proxy sits before the resolver.
import pytest

from harness import procs
from harness.dnsfault import DROP, FORWARD, QTYPES, SERVFAIL, DNSFault
from harness.mail import make_message
from harness.mxhosts import (MXWorld, attempt_with_tls, mx_delivery_overrides, reasons, submit, unique_sender,
                             wait_outcome)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    w = MXWorld(certs, str(tmp_path_factory.mktemp("dnsfault-world")))
    plain = w.host("mx.plainmx.test", "ca")
    dane = w.host("mx.danemx.test", "dane-ee")
    w.zone("plainmx.test", "signed", ["@ MX 10 mx", plain.a_record()])
    w.zone("danemx.test", "signed", ["@ MX 10 mx", dane.a_record(), dane.tlsa_record(3, 1, 1)])
    w.start()
    fault = DNSFault(w.resolver)
    w.fault = fault
    yield w
    fault.stop()
    w.stop()


@pytest.fixture
def gw(world, sealgate_factory):
    world.fault.rule = lambda name, qtype: FORWARD
    o = mx_delivery_overrides(world, {"danemx.test": "dane", "plainmx.test": "may"},
                              extra={"delivery": {"retry": ["1h"], "retry_after": "1h"}})
    o["dns"]["resolver"] = world.fault.address
    return sealgate_factory(None, o)


def send(gw, domain: str, tag: str):
    sender = unique_sender(tag)
    msg, marker = make_message(f"dns fault {tag}")
    return sender, marker, submit(gw, sender, f"rcpt@{domain}", msg)


def deferred_then_delivered(world, gw, host, domain: str, tag: str, fault) -> dict:
    """Under `fault` the message defers with nothing sent to `host`; with DNS back, a flush
    delivers it. Returns the delivered attempt record."""
    caught = world.fault.caught
    world.fault.rule = fault
    sender, marker, qid = send(gw, domain, tag)
    event, records = wait_outcome(gw, qid, timeout=60)
    why = reasons(gw, qid, records)
    assert event == "deferred", f"a DNS failure must defer, got {event}: {why}"
    assert "4.4.3" in why or "4.7." in why, f"a temporary DNS status expected: {why}"
    assert world.fault.caught > caught, "the fault proxy never saw the query it should have failed"
    host.assert_untouched(sender, marker)
    assert gw.queue_entry(qid), "the deferred message must stay queued"

    world.fault.rule = lambda name, qtype: FORWARD
    # The resolver keeps a temporary failure for 5 s (CachingResolver): flush until it asks again.
    def delivered():
        gw.cli_ok("queue", "flush")
        recs = gw.audit(qid)
        return recs if any(r.get("event") == "delivered" for r in recs) else None
    records = procs.wait_until(delivered, 60, f"{qid} delivered once DNS answers", 2)
    assert not any(r.get("event") == "bounced" for r in records), records
    host.wait_marker(marker)
    return attempt_with_tls(records, "delivered")


@pytest.mark.parametrize("action", [DROP, SERVFAIL], ids=["mx-timeout", "mx-servfail"])
def test_a_failed_mx_lookup_defers_and_delivers_when_dns_returns(world, gw, action):
    host = world.hosts["mx.plainmx.test"]
    fault = lambda name, qtype: action if name == "plainmx.test" and qtype == QTYPES["MX"] else FORWARD
    deferred_then_delivered(world, gw, host, "plainmx.test", f"mx-{action}", fault)


def test_a_servfail_for_the_mx_hosts_address_defers(world, gw):
    host = world.hosts["mx.plainmx.test"]
    fault = lambda name, qtype: SERVFAIL if name == "mx.plainmx.test" and qtype in (QTYPES["A"], QTYPES["AAAA"]) else FORWARD
    deferred_then_delivered(world, gw, host, "plainmx.test", "a-servfail", fault)


@pytest.mark.parametrize("action", [DROP, SERVFAIL], ids=["tlsa-timeout", "tlsa-servfail"])
def test_a_failed_tlsa_lookup_never_downgrades_a_dane_domain(world, gw, action):
    host = world.hosts["mx.danemx.test"]
    fault = lambda name, qtype: action if qtype == QTYPES["TLSA"] else FORWARD
    rec = deferred_then_delivered(world, gw, host, "danemx.test", f"tlsa-{action}", fault)
    assert rec["tls"].get("trust") == "dane-ee", f"delivered without DANE after the TLSA fault: {rec['tls']}"
