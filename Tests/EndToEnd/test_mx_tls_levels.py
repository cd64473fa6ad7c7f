# Configured TLS levels against receiving Postfix MX hosts: verify (self-signed vs test CA),
# encrypt (no-TLS host), and a minimum TLS version (policy min_tls) vs a TLS 1.2-only host.
import os

import pytest

from harness.mail import make_message
from harness.mxhosts import (MXWorld, attempt_with_tls, mx_delivery_overrides, reasons, submit,
                             unique_sender, wait_outcome)

pytestmark = pytest.mark.slow

LEVELS = {"selfsigned.test": "verify", "verify.test": "verify", "plain.test": "encrypt",
          "tls12.test": "encrypt"}


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    w = MXWorld(certs, str(tmp_path_factory.mktemp("levels-world")))
    for name, kind in (("mx.selfsigned.test", "selfsigned"), ("mx-ca.verify.test", "ca"),
                       ("mx.plain.test", "plain"), ("mx.tls12.test", "tls12")):
        h = w.host(name, kind)
        w.zone(name.split(".", 1)[1], "signed", [f"@ MX 10 {name}.", h.a_record()])
    w.start()
    yield w
    w.stop()


@pytest.fixture
def start_gw(world, sealgate_factory):
    def start(policy: str | None = None):
        g = sealgate_factory(None, mx_delivery_overrides(world, LEVELS), start=False)
        if policy:
            with open(os.path.join(g.dir, "policies", "min-tls.yaml"), "w") as f:
                f.write(policy)
        return g.start()
    return start


def _send(gw, domain, tag):
    sender = unique_sender(tag)
    msg, marker = make_message(f"level test {domain}")
    return sender, marker, submit(gw, sender, f"rcpt@{domain}", msg)


def test_verify_to_a_self_signed_host_defers_4_7_5(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx.selfsigned.test"]
    sender, marker, qid = _send(gw, "selfsigned.test", "selfsigned")
    event, records = wait_outcome(gw, qid)
    why = reasons(gw, qid, records)
    assert event == "deferred", f"verify vs a self-signed certificate must defer, got {event}: {why}"
    assert "4.7.5" in why, f"certificate verification failure should be 4.7.5: {why}"
    assert any(r.get("tls") and r["tls"].get("verify") == "FAIL" for r in records), \
        f"the audit should record the measured handshake with verify=FAIL: {records}"
    host.assert_untouched(sender, marker)


def test_verify_to_a_test_ca_host_delivers_with_pkix_trust(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx-ca.verify.test"]
    sender, marker, qid = _send(gw, "verify.test", "verify")
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"verify vs a valid test-CA certificate: got {event}: {reasons(gw, qid, records)}"
    rec = attempt_with_tls(records, "delivered")
    assert rec["tls"].get("verify") == "OK" and rec["tls"].get("trust") == "pkix", rec["tls"]
    host.wait_marker(marker)
    seen = host.tls_for_sender(sender)
    assert seen and seen["version"] == rec["tls"].get("version") and seen["cipher"] == rec["tls"].get("cipher"), \
        f"receiver logged {seen}, audit says {rec['tls']}"


def test_encrypt_to_a_host_without_tls_defers_and_sends_nothing(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx.plain.test"]
    sender, marker, qid = _send(gw, "plain.test", "encrypt")
    event, records = wait_outcome(gw, qid)
    assert event == "deferred", f"encrypt vs a host with no STARTTLS must defer, got {event}: " \
                                f"{reasons(gw, qid, records)}"
    host.assert_untouched(sender, marker)


def test_encrypt_to_a_tls12_only_host_records_tls12(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx.tls12.test"]
    sender, marker, qid = _send(gw, "tls12.test", "tls12")
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"got {event}: {reasons(gw, qid, records)}"
    rec = attempt_with_tls(records, "delivered")
    host.wait_marker(marker)
    seen = host.tls_for_sender(sender)
    assert seen and seen["version"] == "TLSv1.2", f"the host only speaks TLS 1.2, it logged {seen}"
    assert str(rec["tls"].get("version")).replace("TLSv", "") == "1.2" and rec["tls"].get("cipher") == seen["cipher"], \
        f"audit {rec['tls']} vs receiver {seen}"


MIN_TLS_POLICY = """\
# Written by test_mx_tls_levels: mail to tls12.test needs TLS {v} or better.
rules:
  - name: min-tls-{tag}
    when:
      recipient_domain: tls12.test
    deliver:
      tls: encrypt
      min_tls: "{v}"
"""


def test_min_tls_1_3_policy_defers_to_a_tls12_only_host(world, start_gw):
    """There is no config key for a minimum version; the policy language's deliver.min_tls is
    the way to ask for one."""
    gw = start_gw(MIN_TLS_POLICY.format(v="1.3", tag="13"))
    host = world.hosts["mx.tls12.test"]
    sender, marker, qid = _send(gw, "tls12.test", "min13")
    event, records = wait_outcome(gw, qid)
    assert event == "deferred", \
        f"policy deliver.min_tls 1.3 vs a TLS 1.2-only host must defer, got {event} " \
        f"(is policies/ min_tls enforced on delivery?): {reasons(gw, qid, records)}"
    host.assert_untouched(sender, marker)


def test_min_tls_1_2_policy_delivers_to_a_tls12_only_host(world, start_gw):
    gw = start_gw(MIN_TLS_POLICY.format(v="1.2", tag="12"))
    host = world.hosts["mx.tls12.test"]
    sender, marker, qid = _send(gw, "tls12.test", "min12")
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"TLS 1.2 meets min_tls 1.2: got {event}: {reasons(gw, qid, records)}"
    host.wait_marker(marker)
