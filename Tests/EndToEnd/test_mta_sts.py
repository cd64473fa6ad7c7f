# MTA-STS (RFC 8461) in enforce mode: the policy, served over HTTPS with a test-CA certificate,
# lets mail go only to listed MX hosts with a valid certificate for their name; else defer.
import os
import socket
import ssl
import subprocess

import pytest

from harness.mail import make_message
from harness.mxhosts import (MXWorld, attempt_with_tls, mx_delivery_overrides, reasons, submit,
                             unique_sender, wait_outcome)
from harness.ststest import STSServer, policy_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    d = str(tmp_path_factory.mktemp("sts-world"))
    w = MXWorld(certs, d)
    rogue = w.host("mx-rogue.sts.test", "ca")        # valid certificate, not in the policy
    selfsigned = w.host("mx-self.sts.test", "selfsigned")  # in the policy, certificate invalid
    good = w.host("mx-ca.sts.test", "ca")            # in the policy, valid certificate
    bad = w.host("mx-ca.stsbad.test", "ca")          # valid certificate; the policy names another MX
    w.sts = STSServer(certs, d, {
        "mta-sts.sts.test": policy_text("enforce", ["mx-ca.sts.test", "mx-self.sts.test"]),
        "mta-sts.stsbad.test": policy_text("enforce", ["mx-other.stsbad.test"]),
    })
    w.add_service(w.sts.start, w.sts.stop)
    # Unsigned zones: no DANE, so MTA-STS alone decides.
    w.zone("sts.test", "unsigned", ["@ MX 5 mx-rogue", "@ MX 7 mx-self", "@ MX 10 mx-ca",
                                    '_mta-sts TXT "v=STSv1; id=1;"', rogue.a_record(),
                                    selfsigned.a_record(), good.a_record()]
           + [r for r in w.sts.a_records() if ".sts.test." in r and "stsbad" not in r])
    w.zone("stsbad.test", "unsigned", ["@ MX 10 mx-ca", '_mta-sts TXT "v=STSv1; id=1;"', bad.a_record()]
           + [r for r in w.sts.a_records() if "stsbad" in r])
    w.start()
    yield w
    w.stop()


@pytest.fixture
def start_gw(world, sealgate_factory):
    # Level may everywhere: MTA-STS applies whatever the configured level.
    return lambda: sealgate_factory(None, mx_delivery_overrides(world))


def test_enforce_delivers_only_to_the_listed_mx_with_a_valid_certificate(world, start_gw):
    gw = start_gw()
    good = world.hosts["mx-ca.sts.test"]
    sender = unique_sender("sts")
    msg, marker = make_message("mta-sts enforce")
    qid = submit(gw, sender, "rcpt@sts.test", msg)
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"mx-ca.sts.test is listed and valid: got {event}: {reasons(gw, qid, records)}"
    assert world.sts.fetched("mta-sts.sts.test"), \
        f"sealgate never fetched https://mta-sts.sts.test/.well-known/mta-sts.txt ({world.sts.requests})"
    rec = attempt_with_tls(records, "delivered")
    assert rec.get("relay_host", "").rstrip(".") == good.name and rec.get("relay_ip") == good.ip, rec
    assert rec["tls"].get("verify") == "OK" and rec["tls"].get("trust") == "mta-sts", \
        f"audit should say verify=OK trust=mta-sts: {rec['tls']}"
    good.wait_marker(marker)
    assert good.tls_for_sender(sender), f"{good} got the message without TLS"
    world.hosts["mx-rogue.sts.test"].assert_untouched(sender, marker)
    world.hosts["mx-self.sts.test"].assert_untouched(sender, marker)


def test_enforce_with_no_matching_mx_defers(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx-ca.stsbad.test"]
    sender = unique_sender("stsbad")
    msg, marker = make_message("mta-sts mismatch")
    qid = submit(gw, sender, "rcpt@stsbad.test", msg)
    event, records = wait_outcome(gw, qid)
    why = reasons(gw, qid, records)
    assert event == "deferred", f"the policy lists no MX of stsbad.test: expected deferred, got {event}: {why}"
    assert "mta-sts" in why.lower() or "sts" in why.lower(), f"the reason should name MTA-STS: {why}"
    assert world.sts.fetched("mta-sts.stsbad.test"), f"policy never fetched ({world.sts.requests})"
    host.assert_untouched(sender, marker)


def test_policy_host_serves_the_policy_over_verified_https(world, certs):
    """The fixture itself: DNS names the policy host, which serves the policy on 443 with a
    certificate the test CA vouches for (so a failure above is Sealgate's, not the fixture's)."""
    ip = world.resolver.split(":")[0]
    txt = subprocess.run(["drill", f"@{ip}", "TXT", "_mta-sts.sts.test"], capture_output=True, text=True, timeout=20)
    assert "v=STSv1; id=1;" in txt.stdout, txt.stdout
    a = subprocess.run(["drill", f"@{ip}", "A", "mta-sts.sts.test"], capture_output=True, text=True, timeout=20)
    assert world.sts.ip in a.stdout, a.stdout
    ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    with socket.create_connection((world.sts.ip, 443), timeout=10) as raw, \
            ctx.wrap_socket(raw, server_hostname="mta-sts.sts.test") as tls:
        tls.sendall(b"GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: mta-sts.sts.test\r\n\r\n")
        data = b""
        while chunk := tls.recv(4096):
            data += chunk
    head, _, body = data.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.0 200") and "mode: enforce" in body and "mx: mx-ca.sts.test" in body, data
