# `hold: true` and `quarantine: true` rules: the message is queued with those recipients held
# (queue list --json), nothing is delivered even after a flush, and `queue release` delivers a
# held message.
import time

import pytest

from harness import procs
from harness.mail import check_relayed
from harness.policyfiles import rcpt_state, send_ok, text_message, wait_rcpt_status, write_policy

SENDER = "sender@example.org"
HELD, QUARANTINED, FREE = "a@hold.example", "b@quarantine.example", "c@example.net"

POLICY = """
    # e2e: hold mail to hold.example, quarantine mail to quarantine.example, deliver the rest.
    rules:
      - name: hold-for-review
        when: {recipient_domain: hold.example}
        hold: true
      - name: quarantine-suspect
        when: {recipient_domain: quarantine.example}
        quarantine: true
      - name: everything-else
        deliver: {tls: may}
    """


@pytest.fixture
def gw(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, start=False)
    write_policy(g, "50-hold.yaml", POLICY)
    return g.start(), smtp_sink


def _wait_held(g, sink, qid, rcpt, statuses=("held",)):
    """Waits for rcpt's status to be one of `statuses`; fails at once if the sink got mail."""
    def check():
        assert sink.count() == 0, (f"{qid} was delivered to the smarthost although the policy holds "
                                   f"it; queue: {g.queue_entry(qid)}")
        s = rcpt_state(g, qid, rcpt)
        return s if s and s.get("status") in statuses else None
    return procs.wait_until(check, 15, f"{rcpt} of {qid} to be {'/'.join(statuses)}; last: {g.queue_entry(qid)}")


def _assert_nothing_delivered(g, sink, what):
    g.cli_ok("queue", "flush")
    time.sleep(2)
    assert sink.count() == 0, f"{what} was delivered: {[(m.mail_from, m.rcpts) for m in sink.messages()]}"


def test_hold_rule_holds_until_release(gw):
    g, sink = gw
    msg = text_message(SENDER, [HELD], "For review", "Please check before it goes out.\n")
    qid = send_ok(g, SENDER, [HELD], msg)
    _wait_held(g, sink, qid, HELD)
    _assert_nothing_delivered(g, sink, "a message held by policy")
    assert rcpt_state(g, qid, HELD)["status"] == "held", g.queue_entry(qid)
    g.cli_ok("queue", "release", qid)
    [got] = sink.wait_for(1, timeout=30)
    assert got.rcpts == [HELD]
    check_relayed(msg, got, qid)


def test_quarantine_rule_keeps_the_message(gw):
    g, sink = gw
    msg = text_message(SENDER, [QUARANTINED], "Odd one", "Suspicious content.\n")
    qid = send_ok(g, SENDER, [QUARANTINED], msg)
    r = _wait_held(g, sink, qid, QUARANTINED, ("held", "quarantined"))
    _assert_nothing_delivered(g, sink, "a quarantined message")
    assert rcpt_state(g, qid, QUARANTINED)["status"] == r["status"], g.queue_entry(qid)


def test_only_the_held_recipient_waits(gw):
    g, sink = gw
    msg = text_message(SENDER, [HELD, FREE], "Mixed", "One waits, one goes.\n")
    qid = send_ok(g, SENDER, [HELD, FREE], msg)
    [got] = sink.wait_for(1, timeout=30)
    assert got.rcpts == [FREE], f"only {FREE} may get the message now: {got.rcpts}"
    wait_rcpt_status(g, qid, HELD, "held", timeout=15)
