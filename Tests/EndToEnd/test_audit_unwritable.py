# The audit store is unwritable (issue 13 item 3): the SQLite store and its outbox sit on a small
# tmpfs that is then filled. With `audit.when_unwritable: refuse` (the default) new mail gets 451
# 4.3.0 and is not kept; with `accept` it flows and the lost record is logged. Once there is room
# again, mail is recorded again and `audit verify` finds every record in order.
import os
import subprocess

import pytest

from harness.mail import make_message
from harness.smtp import RawSMTP, queue_id
from harness.tmpfs import small_tmpfs

SENDER, RCPT = "sender@example.org", "rcpt@example.net"


@pytest.fixture
def audit_fs(tmp_path):
    with small_tmpfs(str(tmp_path / "auditfs"), "4m") as path:
        yield path


def send(g):
    msg, marker = make_message("audit unwritable")
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        return c.send_mail(SENDER, [RCPT], msg), marker


def fill(path: str) -> str:
    ballast = os.path.join(path, "ballast")
    subprocess.run(["dd", "if=/dev/zero", f"of={ballast}", "bs=64k"], capture_output=True)
    return ballast


def until_refused_or(g, n: int):
    """Sends up to n messages; returns the replies (stops at the first that is not 250)."""
    replies = []
    for _ in range(n):
        r, marker = send(g)
        replies.append((r, marker))
        if r.code != 250:
            break
    return replies


@pytest.mark.parametrize("mode", ["refuse", "accept"])
def test_an_unwritable_audit_store_refuses_or_flows_as_configured(sealgate_factory, smtp_sink, audit_fs, mode):
    over = {"audit": {"store": f"sqlite:{audit_fs}/audit.sqlite"}}
    if mode == "accept":
        over["audit"]["when_unwritable"] = "accept"
    g = sealgate_factory(smtp_sink.smarthost, over)
    first, _ = send(g)
    assert first.code == 250, str(first)
    first_qid = queue_id(f"{first.code} {first.text}")
    g.wait_audit(first_qid, "delivered")
    ballast = fill(audit_fs)

    replies = until_refused_or(g, 60)
    log = g.log()
    if mode == "refuse":
        r, marker = replies[-1]
        assert r.code == 451 and r.lines[0].startswith("4.3.0"), f"after {len(replies)} messages: {r}"
        assert "audit log unwritable" in log, log[-3000:]
        sunk = b"".join(m.data for m in smtp_sink.messages())
        assert marker.encode() not in sunk, "a refused message was delivered"
    else:
        assert all(r.code == 250 for r, _ in replies), [str(r) for r, _ in replies if r.code != 250]
        assert "audit record lost" in log, f"no lost record after {len(replies)} messages:\n{log[-3000:]}"
        assert len(smtp_sink.wait_for(len(replies) + 1, timeout=60)) >= len(replies) + 1

    # Room again: mail is recorded again, and the chain holds every record in order.
    os.unlink(ballast)
    r, _ = send(g)
    assert r.code == 250, str(r)
    qid = queue_id(f"{r.code} {r.text}")
    g.wait_audit(qid, "delivered")
    events = [e["event"] for e in g.audit(qid)]
    assert events.index("accepted") < events.index("delivered"), events
    v = g.cli("audit", "verify")
    assert v.returncode == 0, f"audit verify after the fault:\n{v.stdout}\n{v.stderr}"
