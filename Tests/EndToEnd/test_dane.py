# DANE (RFC 7672) on MX delivery: secure zones with matching and non-matching TLSA, an insecure
# zone and a bogus one; the receiving Postfix's log and Maildir and `ldns-dane` are the oracles.
import os

import pytest

from harness import reftools
from harness.mail import make_message
from harness.mxhosts import (MXWorld, attempt_with_tls, mx_delivery_overrides, reasons, submit,
                             unique_sender, wait_outcome, spki_sha256)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    w = MXWorld(certs, str(tmp_path_factory.mktemp("dane-world")))
    dane = w.host("mx.dane.test", "dane-ee")
    daneta = w.host("mx.daneta.test", "dane-ta")
    bad = w.host("mx.danebad.test", "dane-ee")
    insecure = w.host("mx-ca.insecure.test", "ca")
    bogus = w.host("mx.bogus.test", "ca")
    # danebad's TLSA names a key the server does not have (the test CA's).
    wrong = spki_sha256(os.path.join(certs, "ca.pem"))
    # RFC 8460 §3: both DANE domains ask for TLS reports, mailed to a mailbox on mx.dane.test.
    rua = '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@dane.test"'
    w.zone("dane.test", "signed", ["@ MX 10 mx", dane.a_record(), dane.tlsa_record(3, 1, 1), rua])
    w.zone("daneta.test", "signed", ["@ MX 10 mx", daneta.a_record(), daneta.tlsa_record(2, 0, 1)])
    w.zone("danebad.test", "signed", ["@ MX 10 mx", bad.a_record(), bad.tlsa_record(3, 1, 1, data=wrong), rua])
    w.zone("insecure.test", "unsigned", ["@ MX 10 mx-ca", insecure.a_record()])
    w.zone("bogus.test", "bogus", ["@ MX 10 mx", bogus.a_record(), bogus.tlsa_record(3, 1, 1)])
    w.start()
    yield w
    w.stop()


LEVELS = {d: "dane" for d in ("dane.test", "daneta.test", "danebad.test", "insecure.test", "bogus.test")}


@pytest.fixture
def start_gw(world, sealgate_factory):
    """Started inside the test, so a Sealgate that rejects the MX-delivery config fails the
    test (naming the missing feature) instead of erroring the fixture."""
    return lambda: sealgate_factory(None, mx_delivery_overrides(world, LEVELS))


def _send(gw, domain, tag):
    sender = unique_sender(tag)
    msg, marker = make_message(f"dane {domain}")
    return sender, marker, submit(gw, sender, f"rcpt@{domain}", msg)


def _chain(world, host, tmp_path):
    return reftools.starttls_chain(world.resolv_conf, host.name, host.ip, host.port,
                                   str(tmp_path / f"{host.name}.pem"))


@pytest.mark.parametrize("domain,trust", [("dane.test", "dane-ee"), ("daneta.test", "dane-ta")])
def test_matching_tlsa_delivers_with_dane_trust(world, start_gw, tmp_path, domain, trust):
    gw = start_gw()
    host = world.hosts[f"mx.{domain}"]
    sender, marker, qid = _send(gw, domain, "dane")
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"expected delivered to {domain} (TLSA matches), got {event}: " \
                                 f"{reasons(gw, qid, records)}"
    rec = attempt_with_tls(records, "delivered")
    assert rec["tls"].get("verify") == "OK" and rec["tls"].get("trust") == trust, \
        f"audit should say verify=OK trust={trust}: {rec['tls']}"
    assert rec.get("relay_host", "").rstrip(".") == host.name and rec.get("relay_ip") == host.ip, rec
    host.wait_marker(marker)
    seen = host.tls_for_sender(sender)
    assert seen, f"{host} received the message without TLS"
    assert (rec["tls"].get("version"), rec["tls"].get("cipher")) == (seen["version"], seen["cipher"]), \
        f"audit TLS {rec['tls']} differs from what the receiver logged {seen}"
    verdict = reftools.ldns_dane_verify_chain(world.resolv_conf, host.name, _chain(world, host, tmp_path))
    assert verdict.ok, f"ldns-dane disagrees: it did not validate {host.name}:\n{verdict.output}"


def test_tlsa_mismatch_defers_and_nothing_reaches_the_host(world, start_gw, tmp_path):
    gw = start_gw()
    host = world.hosts["mx.danebad.test"]
    sender, marker, qid = _send(gw, "danebad.test", "danebad")
    event, records = wait_outcome(gw, qid)
    why = reasons(gw, qid, records)
    assert event == "deferred", f"TLSA does not match: expected deferred, got {event}: {why}"
    assert "dane" in why.lower() or "tlsa" in why.lower(), f"the reason should mention DANE/TLSA: {why}"
    fails = [r for r in records if r.get("tls") and r["tls"].get("verify") == "FAIL"]
    assert fails, f"the audit should record verify=FAIL for the handshake it measured: {records}"
    host.assert_untouched(sender, marker)
    verdict = reftools.ldns_dane_verify_chain(world.resolv_conf, host.name, _chain(world, host, tmp_path))
    assert not verdict.ok, f"ldns-dane validated {host.name} but we deferred:\n{verdict.output}"


def test_insecure_zone_falls_back_to_may(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx-ca.insecure.test"]
    sender, marker, qid = _send(gw, "insecure.test", "insecure")
    event, records = wait_outcome(gw, qid)
    assert event == "delivered", f"dane on an insecure zone is opportunistic: got {event}: " \
                                 f"{reasons(gw, qid, records)}"
    rec = attempt_with_tls(records, "delivered")
    assert rec["tls"].get("trust") not in ("dane-ee", "dane-ta"), \
        f"an insecure zone can never give DANE trust: {rec['tls']}"
    host.wait_marker(marker)
    assert host.tls_for_sender(sender), f"{host} offers STARTTLS; level may should have used it"


def test_bogus_zone_defers_and_never_delivers(world, start_gw):
    gw = start_gw()
    host = world.hosts["mx.bogus.test"]
    sender, marker, qid = _send(gw, "bogus.test", "bogus")
    event, records = wait_outcome(gw, qid)
    assert event == "deferred", f"a bogus zone must defer (never downgrade), got {event}: " \
                                f"{reasons(gw, qid, records)}"
    host.assert_untouched(sender, marker)


def test_reference_tools_judge_the_zones_as_intended(world):
    """The fixture itself: posttls-finger (DANE level) and the validating resolver see the
    world the way the tests above assume."""
    rc = world.resolv_conf
    for domain in ("dane.test", "daneta.test"):
        f = reftools.posttls_finger(rc, domain, "dane")
        assert f.verified, f"posttls-finger did not DANE-verify {domain}:\n{f.output}"
    f = reftools.posttls_finger(rc, "danebad.test", "dane")
    assert f.tls and not f.verified, f"posttls-finger should find danebad.test untrusted:\n{f.output}"
    f = reftools.posttls_finger(rc, "insecure.test", "dane")
    assert f.tls and f.tls["trust"] != "Verified", f"insecure.test cannot be DANE-verified:\n{f.output}"
    f = reftools.posttls_finger(rc, "bogus.test", "dane")
    assert f.tls is None, f"bogus.test must not resolve (SERVFAIL), yet posttls-finger connected:\n{f.output}"


def _check_rfc8460_shape(report):
    """The RFC 8460 §4.4 structure: required members and types (the RFC's JSON schema, by hand)."""
    assert set(report) >= {"organization-name", "date-range", "contact-info", "report-id", "policies"}, report
    assert set(report["date-range"]) == {"start-datetime", "end-datetime"}, report["date-range"]
    for entry in report["policies"]:
        p = entry["policy"]
        assert p["policy-type"] in ("sts", "tlsa", "no-policy-found"), p
        assert isinstance(p["policy-domain"], str) and p["policy-domain"], p
        assert all(isinstance(s, str) for s in p.get("policy-string", [])), p
        s = entry["summary"]
        assert set(s) == {"total-successful-session-count", "total-failure-session-count"}, s
        assert all(isinstance(v, int) and v >= 0 for v in s.values()), s
        failed = sum(d["failed-session-count"] for d in entry.get("failure-details", []))
        assert failed == s["total-failure-session-count"], entry
        for d in entry.get("failure-details", []):
            assert {"result-type", "receiving-mx-hostname", "failed-session-count"} <= set(d), d


def test_the_tls_report_counts_each_domains_sessions_under_its_policy(world, sealgate_factory):
    import datetime
    import json
    gw = sealgate_factory(None, mx_delivery_overrides(world, LEVELS), start=False)
    gw.write_config()
    owner, txt = gw.dkim_keygen("reports.test", "r2026", "ed25519")
    # Report mail must be DKIM-signed (RFC 8460 §5.3): check-config refuses tls_reporting without the key.
    gw.config["dkim"] = {"domains": {"reports.test": {"selector": "r2026", "key": "certs/dkim/reports.test.r2026.key"}}}
    gw.config["tls_reporting"] = {"from": "tlsrpt@reports.test", "organisation": "Test Clinic", "contact": "mailto:tls@gw.test"}
    gw.write_config()
    gw.start()
    outcomes = {}
    for domain in ("dane.test", "danebad.test", "insecure.test"):
        _, _, qid = _send(gw, domain, "tlsrpt")
        outcomes[domain] = wait_outcome(gw, qid)[0]
    assert outcomes == {"dane.test": "delivered", "danebad.test": "deferred", "insecure.test": "delivered"}, outcomes
    day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    out = gw.cli_ok("audit", "tls-report", "--day", day, "--organisation", "Test Clinic", "--contact", "mailto:tls@gw.test")
    reports = {}
    for line in out.splitlines():
        r = json.loads(line)
        _check_rfc8460_shape(r)
        reports[r["policies"][0]["policy"]["policy-domain"]] = r
    assert set(reports) >= {"dane.test", "danebad.test", "insecure.test"}, sorted(reports)
    assert reports["dane.test"]["organization-name"] == "Test Clinic"
    assert reports["dane.test"]["date-range"]["start-datetime"] == f"{day}T00:00:00Z"
    good = reports["dane.test"]["policies"][0]
    assert good["policy"]["policy-type"] == "tlsa", good
    tlsa = world.hosts["mx.dane.test"].tlsa_record(3, 1, 1).split("TLSA", 1)[1].split()
    assert good["policy"]["policy-string"] == [" ".join(tlsa[:3] + ["".join(tlsa[3:]).upper()])], (good, tlsa)
    assert good["summary"] == {"total-successful-session-count": 1, "total-failure-session-count": 0}, good
    bad = reports["danebad.test"]["policies"][0]
    assert bad["policy"]["policy-type"] == "tlsa" and bad["summary"]["total-successful-session-count"] == 0, bad
    assert bad["summary"]["total-failure-session-count"] >= 1, bad
    assert bad["failure-details"][0]["result-type"] == "validation-failure", bad
    assert bad["failure-details"][0]["receiving-mx-hostname"].rstrip(".") == "mx.danebad.test", bad
    plain = reports["insecure.test"]["policies"][0]
    assert plain["policy"]["policy-type"] == "no-policy-found", plain
    assert plain["summary"]["total-successful-session-count"] == 1, plain
    only = gw.cli_ok("audit", "tls-report", "--day", day, "--domain", "dane.test")
    assert [json.loads(l)["policies"][0]["policy"]["policy-domain"] for l in only.splitlines()] == ["dane.test"], only
    bad_day = gw.cli("audit", "tls-report", "--day", "12/02/2026")
    assert bad_day.returncode == 2 and "bad --day" in bad_day.stderr, (bad_day.returncode, bad_day.stderr)

    # --send: the daemon mails each report to its domain's rua (insecure.test publishes none).
    sent = gw.cli_ok("audit", "tls-report", "--day", day, "--send")
    assert "dane.test: report" in sent and "danebad.test: report" in sent, sent
    assert "insecure.test: no report: no TLSRPTv1 record" in sent, sent
    import gzip
    from email import message_from_bytes, policy as email_policy
    import dkim
    mailbox = world.hosts["mx.dane.test"]
    raw = mailbox.wait_marker("TLS-Report-Domain: danebad.test")
    signed = raw[raw.index(b"DKIM-Signature:"):]
    assert dkim.verify(signed, dnsfunc=lambda name, timeout=5: {owner: txt}.get(name.decode().rstrip("."))), \
        "the report's DKIM signature does not verify (RFC 8460 §5.3 asks for one)"
    m = message_from_bytes(raw, policy=email_policy.default)
    assert m["TLS-Required"] == "No", "a report is delivered despite TLS failures (RFC 8460 §5.3)"
    assert m.get_content_type() == "multipart/report" and m.get_param("report-type") == "tlsrpt", m["Content-Type"]
    assert str(m["Subject"]).startswith("Report Domain: danebad.test Submitter: "), m["Subject"]
    [part] = [p for p in m.walk() if p.get_content_type() == "application/tlsrpt+gzip"]
    assert part.get_filename().endswith(".json.gz") and "!danebad.test!" in part.get_filename(), part.get_filename()
    mailed = json.loads(gzip.decompress(part.get_payload(decode=True)))
    _check_rfc8460_shape(mailed)
    assert mailed["policies"][0]["policy"]["policy-domain"] == "danebad.test", mailed
    assert mailed["organization-name"] == "Test Clinic" and mailed["contact-info"] == "mailto:tls@gw.test", mailed
    no_day = gw.cli("audit", "tls-report", "--day", day, "--send", "--domain", "dane.test")
    assert no_day.returncode != 0, "--send takes no --domain"
