# PHI through the relay with the shipped policies (policies/*.yaml): an SSN or an uninspectable
# part needs verified TLS 1.2, so toward a plaintext smtp-sink it stays deferred; the audit
# record holds the rule and a masked finding, and the SSN itself is nowhere on disk or in output.
import glob
import os
import re
import time

import pytest

from harness import procs
from harness.mail import check_relayed
from harness.policyfiles import (accepted_record, assert_no_leak, install_shipped, minimal_pdf,
                                 multipart_message, phi_message, policy_for, rcpt_state, send_ok,
                                 synthetic_ssn, text_message)

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
SLOW_RETRY = {"delivery": {"retry": ["10m"], "retry_after": "1h"}}


@pytest.fixture
def shipped(sealgate_factory, smtp_sink):
    """A sealgate with the repo's shipped policies, relaying to a plaintext smtp-sink."""
    g = sealgate_factory(smtp_sink.smarthost, SLOW_RETRY, start=False)
    install_shipped(g)
    return g.start(), smtp_sink


@pytest.fixture
def ssn_sent(shipped):
    g, sink = shipped
    ssn, masked = synthetic_ssn()
    qid = send_ok(g, SENDER, [RCPT], phi_message(SENDER, [RCPT], ssn))
    return g, sink, qid, ssn, masked


def _tls_version(v) -> str:
    s = str(v or "")
    return s if s.lower().startswith("tls") else f"TLSv{s}"


def _check_phi_decision(g, qid, rcpt=RCPT):
    rec = accepted_record(g, qid)
    pol = policy_for(rec, rcpt)
    rule = str(pol.get("rule"))
    assert "10-phi" in rule and "phi-needs-verified-tls" in rule, \
        f"the decision should name rule 10-phi.yaml:N phi-needs-verified-tls: {pol}"
    assert pol.get("action") == "deliver", f"action should be deliver: {pol}"
    assert str(pol.get("tls")) == "verify", f"tls should be verify: {pol}"
    assert _tls_version(pol.get("min_tls")) == "TLSv1.2", f"min_tls should be TLSv1.2: {pol}"
    assert list(pol.get("methods") or []) == ["smime", "pgp", "tls", "portal"], pol
    assert pol.get("otherwise") == "portal", pol
    return rec, pol


def _wait_deferred_for_tls(g, sink, qid):
    """Waits until the recipient is deferred; fails at once if the sink got the message."""
    def check():
        assert sink.count() == 0, (f"{qid} was delivered to a smarthost without TLS although the policy "
                                   f"requires verified TLS 1.2; log:\n{g.log()[-1500:]}")
        r = rcpt_state(g, qid, RCPT)
        return r if r and r.get("status") == "deferred" else None
    r = procs.wait_until(check, 30, f"{RCPT} of {qid} to be 'deferred'; last: {g.queue_entry(qid)}")
    assert re.search(r"(?i)tls", str(r.get("last_reply") or "")), \
        f"the deferral should say that the TLS requirement was not met: {r}"
    time.sleep(1)
    assert sink.count() == 0, "the PHI message reached the plaintext smarthost after its deferral"
    return r


def test_ssn_to_plaintext_smarthost_is_deferred_not_sent(ssn_sent):
    g, sink, qid, ssn, masked = ssn_sent
    _wait_deferred_for_tls(g, sink, qid)


def test_ssn_accepted_record_names_rule_tls_and_masked_finding(ssn_sent):
    g, sink, qid, ssn, masked = ssn_sent
    rec, pol = _check_phi_decision(g, qid)
    findings = rec.get("findings")
    assert isinstance(findings, list) and findings, f"accepted record without findings: {rec}"
    ssns = [f for f in findings if f.get("type") == "ssn"]
    assert ssns, f"no ssn finding in {findings}"
    assert ssns[0].get("sample") == masked, f"sample should be {masked}: {ssns[0]}"
    assert ssns[0].get("part") == "1", ssns[0]
    assert 0 < float(ssns[0].get("confidence")) <= 1, ssns[0]
    counts = pol.get("finding_counts")
    assert counts and int(counts.get("ssn", 0)) >= 1, f"finding_counts should count the ssn: {pol}"
    q = g.cli("audit", "query", "--queue-id", qid, "--json")
    assert masked in q.stdout, "audit query should show the masked sample"


def test_ssn_never_appears_in_audit_db_log_or_queue_show(ssn_sent):
    g, sink, qid, ssn, masked = ssn_sent
    # Let delivery run (or defer) so that every record it writes is on disk too.
    procs.wait_until(lambda: [r for r in g.audit(qid) if r.get("event") != "accepted"], 30,
                     f"a delivery attempt record for {qid}")
    audit_files = glob.glob(os.path.join(g.dir, "var", "audit.sqlite*"))
    assert audit_files, "no audit sqlite file under var/"
    for p in audit_files:
        assert_no_leak(open(p, "rb").read(), ssn, f"the audit database file {os.path.basename(p)}")
    assert_no_leak(g.log().encode(), ssn, "the sealgate log")
    if g.queue_entry(qid) is not None:
        shown = g.cli("queue", "show", qid, "--json")
        assert shown.returncode == 0, shown.stderr
        assert_no_leak(shown.stdout.encode() + shown.stderr.encode(), ssn, "queue show --json (no --body)")
        plain = g.cli("queue", "show", qid)
        assert_no_leak(plain.stdout.encode() + plain.stderr.encode(), ssn, "queue show (no --body)")
    q = g.cli("audit", "query", "--queue-id", qid, "--json")
    assert_no_leak(q.stdout.encode(), ssn, "audit query --json")


def test_queue_envelope_holds_the_decision(ssn_sent):
    g, sink, qid, ssn, masked = ssn_sent
    assert g.queue_entry(qid) is not None, f"{qid} left the queue (delivered?) although it holds PHI"
    shown = g.cli_json("queue", "show", qid)
    text = str(shown)
    assert "phi-needs-verified-tls" in text, f"queue show --json should carry the policy decision: {shown}"
    assert_no_leak(text.encode(), ssn, "queue show --json")


def test_message_without_phi_is_delivered_by_the_default_rule(shipped):
    g, sink = shipped
    msg = text_message(SENDER, [RCPT], "Lunch on Friday",
                       "Shall we meet at noon? Bring the slides.\n")
    qid = send_ok(g, SENDER, [RCPT], msg)
    [got] = sink.wait_for(1)
    check_relayed(msg, got, qid)
    rec = accepted_record(g, qid)
    pol = policy_for(rec, RCPT)
    rule = str(pol.get("rule"))
    assert "90-default" in rule and "no-phi-opportunistic-tls" in rule, pol
    assert str(pol.get("tls")) == "may", pol
    assert not rec.get("findings"), f"a message without PHI has no findings: {rec.get('findings')}"


def test_pdf_attachment_counts_as_phi(shipped):
    g, sink = shipped
    msg = multipart_message(SENDER, [RCPT], "Scanned report", [
        ("text/plain; charset=utf-8", "7bit", b"See the attached report.\n", None),
        ("application/pdf", "base64", minimal_pdf(), "report.pdf")])
    qid = send_ok(g, SENDER, [RCPT], msg)
    _wait_deferred_for_tls(g, sink, qid)
    _check_phi_decision(g, qid)
