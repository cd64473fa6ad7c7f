# The spool's disk fills up (issue 13 item 3): the spool lives on a small tmpfs; with the smarthost
# down, messages pile up until the commit hits ENOSPC and the client gets 452 4.3.1 (and, with a
# reserve, MAIL FROM is refused first, as Postfix's queue_minfree); nothing accepted is lost or
# corrupted, and once the smarthost is back and the spool drains, mail is accepted again.
import os
import subprocess

import pytest

from harness import procs
from harness.mail import check_relayed, make_message
from harness.smtp import RawSMTP, queue_id
from harness.tmpfs import small_tmpfs

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
BODY = ("x" * 76 + "\r\n") * 2600   # about 200 KB a message
FS_SIZE = "6m"


@pytest.fixture
def small_spool(tmp_path):
    with small_tmpfs(str(tmp_path / "spoolfs"), FS_SIZE) as path:
        yield path


def send(g, msg: bytes, params: str = ""):
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        return c.send_mail(SENDER, [RCPT], msg, params)


def fill(g, limit: int = 200):
    """Sends until a message is refused; returns (accepted [(qid, bytes)], the refusal)."""
    accepted = []
    for _ in range(limit):
        msg, _ = make_message("disk full", BODY)
        r = send(g, msg)
        if r.code != 250:
            return accepted, r
        accepted.append((queue_id(f"{r.code} {' '.join(r.lines)}"), msg))
    raise AssertionError(f"{limit} messages of {len(BODY)} bytes fit a {FS_SIZE} spool")


def test_a_full_spool_is_452_431_loses_nothing_and_recovers(sealgate_factory, sink_factory, small_spool):
    sink = sink_factory(start=False)   # the smarthost is down: the spool only grows
    g = sealgate_factory(sink.smarthost, {
        "spool": os.path.join(small_spool, "spool"),
        "limits": {"spool_min_free": 0},   # no reserve: the commit itself runs out of space
        "delivery": {"retry": ["1h"], "retry_after": "1h", "connect_timeout": "1s"},
    })
    accepted, refusal = fill(g)
    assert refusal.code == 452 and refusal.lines[0].startswith("4.3.1"), str(refusal)
    assert accepted, "not one message fitted"
    assert "spool full" in g.log(), g.log()[-3000:]

    # With a reserve, MAIL FROM is refused before any data is sent (the reserve is what is left).
    g.stop()
    g.config["limits"]["spool_min_free"] = "2MB"
    g.write_config()
    g.start()
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        r = c.cmd(f"MAIL FROM:<{SENDER}> SIZE={len(BODY)}")
        assert r.code == 452 and r.lines[0].startswith("4.3.1"), str(r)
    assert {q for q, _ in accepted} <= {e["queue_id"] for e in g.queue_list()}, "a restart on a full disk lost mail"

    # The smarthost returns: everything accepted arrives intact, the spool drains, mail flows again.
    sink.start()
    g.cli_ok("queue", "flush")
    got = sink.wait_for(len(accepted), timeout=90)
    by_qid = {}
    for m in got:
        for qid, msg in accepted:
            if f" id {qid};".encode() in m.data[:400]:
                by_qid[qid] = (msg, m)
    assert set(by_qid) == {q for q, _ in accepted}, f"missing: {sorted({q for q, _ in accepted} - set(by_qid))}"
    for qid, (msg, m) in by_qid.items():
        check_relayed(msg, m, qid)
    procs.wait_until(lambda: g.queue_list() == [], 60, "the spool to drain")
    msg, _ = make_message("after", BODY)
    r = send(g, msg, f"SIZE={len(msg)}")
    left = subprocess.run(["du", "-a", small_spool], capture_output=True, text=True).stdout
    assert r.code == 250, f"no mail accepted once the spool drained: {r}; left on the spool's disk:\n{left}"
