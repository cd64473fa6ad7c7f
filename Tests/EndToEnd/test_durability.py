# Durability: the 250 to DATA comes only after the message is on stable storage (checked under
# strace), a kill -9 right after the 250 loses nothing, and SIGTERM mid-transaction either
# completes or tempfails the session without losing an accepted message.
import os
import signal
import socket
import time

import pytest

from harness import procs, trace
from harness.mail import check_relayed, make_message
from harness.smtp import RawSMTP, dot_stuff, queue_id

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
# Retries an hour apart: a test that needs a deferred message delivered asks for it with
# `sealgate queue flush` (the control socket) instead of waiting for the retry in real time.
NO_EARLY_RETRY = {"delivery": {"retry": ["1h"], "retry_after": "1h", "connect_timeout": "2s"}}


def _send(g, msg):
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        r = c.send_mail(SENDER, [RCPT], msg)
        assert r.code == 250, str(r)
        return queue_id(f"{r.code} {r.text}")


@pytest.mark.slow
def test_250_comes_after_the_journal_write_and_its_fdatasync(sealgate_factory, sink_factory, tmp_path):
    sink = sink_factory(start=False)  # nothing is delivered while we look at the trace
    trace_file = str(tmp_path / "strace.out")
    g = sealgate_factory(sink.smarthost, wrap=[
        "strace", "-f", "-yy", "-s", "200", "-o", trace_file,
        "-e", "trace=fsync,fdatasync,pwrite64,write,sendmsg,writev,sendto"])
    msg, _ = make_message("durable")
    qid = _send(g, msg)
    time.sleep(0.5)
    calls = trace.parse(trace_file)
    journal = os.path.join(os.path.realpath(g.spool_dir), "journal") + "/"

    replies = [c for c in calls if c.name in ("write", "writev", "sendmsg", "sendto")
               and "250 2.0.0 Ok: queued as " + qid in c.args and "TCP" in c.args]
    assert replies, (f"no write of '250 2.0.0 Ok: queued as {qid}' to a TCP socket in the trace; "
                     f"writes seen: {[c.args[:120] for c in calls if 'queued' in c.args][:5]}")
    reply_at = replies[0].index
    before = [c for c in calls if c.done < reply_at]
    # The record names its queue ID in clear (the payload is sealed): find its write.
    record_writes = [c for c in before if c.name == "pwrite64" and c.fd_path.startswith(journal)
                     and qid in c.args and not c.ret.startswith("-")]
    assert record_writes, f"no write of {qid}'s record to a journal segment before the 250"
    record = record_writes[-1]
    syncs = [c for c in before if c.name in ("fsync", "fdatasync") and c.ret.startswith("0")
             and c.fd_path == record.fd_path and c.index > record.done]
    assert syncs, f"no fdatasync of {record.fd_path} between the record's write and the 250"


@pytest.mark.slow
def test_kill_9_after_250_then_restart_delivers_exactly_once(sealgate_factory, sink_factory):
    sink = sink_factory(start=False)
    g = sealgate_factory(sink.smarthost, NO_EARLY_RETRY)
    msg, _ = make_message("crash")
    qid = _send(g, msg)
    g.kill9()
    g.start()
    sink.start()
    # The attempt made before the sink started was deferred: make it due now, not after the retry delay.
    g.cli_ok("queue", "flush")
    [got] = sink.wait_for(1, timeout=30)
    check_relayed(msg, got, qid)
    # A second delivery (e.g. a replayed half-written state) would need the message still queued:
    # once the spool is empty, flushing again can deliver nothing more.
    procs.wait_until(lambda: g.queue_list() == [], 20, f"{qid} to leave the spool after delivery")
    g.cli_ok("queue", "flush")
    assert len(sink.messages()) == 1, "delivered more than once after the restart"


@pytest.mark.slow
@pytest.mark.parametrize("when", ["in_data", "before_data"])
def test_sigterm_mid_transaction_tempfails_or_completes_and_loses_nothing(when, sealgate_factory,
                                                                          smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, NO_EARLY_RETRY)
    msg, _ = make_message("sigterm")
    msg_on_wire = dot_stuff(msg)   # raw DATA: the client side must dot-stuff, as smtplib does
    half = len(msg_on_wire) // 2
    c = RawSMTP(*g.addr("relay"))
    try:
        c.ehlo()
        assert c.cmd(f"MAIL FROM:<{SENDER}>").code == 250
        assert c.cmd(f"RCPT TO:<{RCPT}>").code == 250
        if when == "in_data":
            assert c.cmd("DATA").code == 354
            c.send(msg_on_wire[:half])
        os.kill(g.pid, signal.SIGTERM)
        time.sleep(0.5)
        accepted = None
        try:
            if when == "before_data":
                r = c.cmd("DATA")
                if r.code == 354:
                    c.send(msg_on_wire + b".\r\n")
                    r = c.reply()
            else:
                c.send(msg_on_wire[half:] + b".\r\n")
                r = c.reply()
        except (ConnectionError, OSError) as e:
            raise AssertionError(f"connection dropped without a 421 or a reply: {e}")
        assert r.code in (250, 421), f"after SIGTERM the client must get 421 or complete, got {r}"
        accepted = queue_id(f"{r.code} {r.text}") if r.code == 250 else None
    finally:
        c.close()
    rc = procs.wait_until(lambda: g.proc.poll() is not None and [g.proc.returncode], 20,
                          "sealgate to exit after SIGTERM")[0]
    assert rc == 0, f"sealgate exited {rc} after SIGTERM"
    if accepted:
        if not smtp_sink.messages():
            g.start()  # accepted but not yet delivered: it must still be in the spool
            g.cli_ok("queue", "flush")  # due now, should the attempt during shutdown have deferred it
        [got] = smtp_sink.wait_for(1, timeout=30)
        check_relayed(msg, got, accepted)
    else:
        time.sleep(1)
        assert smtp_sink.messages() == [], "a tempfailed message was delivered anyway"


def test_sigterm_stops_accepting_and_exits_0(sealgate):
    os.kill(sealgate.pid, signal.SIGTERM)
    rc = sealgate.proc.wait(timeout=15)
    assert rc == 0
    with pytest.raises(OSError):
        socket.create_connection(sealgate.addr("relay"), timeout=2).close()
