#!/usr/bin/env python3
# scripts/torture-mxaway.py: `scripts/torture mx-away`, issue 13 item 3's first fault: the
# receiving MX (smtp-sink as the smarthost) goes away for --away seconds while a client keeps
# sending, then comes back. Every message must arrive exactly as queued, each deferral must be in
# the log, and the spool must end empty. Prints one figure line:
#   mx-away: sent=N delivered=N lost=0 away_s=S deferrals=D drained_s=T
import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from benchlib import REPO  # noqa: E402,F401  (puts Tests/EndToEnd on sys.path for the harness)
from benchlib.proc import log  # noqa: E402
from benchlib.session import WorkDir, interrupt_on_sigterm, missing_prerequisite, tear_down, torture_arguments  # noqa: E402
from harness import procs  # noqa: E402
from harness.mail import make_message  # noqa: E402
from harness.net import free_port  # noqa: E402
from harness.sealgate import Sealgate  # noqa: E402
from harness.sinks import SmtpSink  # noqa: E402
from harness.smtp import RawSMTP, queue_id  # noqa: E402

SINK_IP = "127.0.0.242"
SENDER, RCPT = "torture@example.org", "rcpt@example.net"
SEALGATE_ID = re.compile(rb"\(Sealgate\) with \S+ id ([0-9A-Z]+);")


def sender(g, stop: threading.Event, interval: float, sent: list, failed: list):
    """One message every `interval` seconds until `stop`; notes each queue ID (or the failure)."""
    while not stop.is_set():
        msg, _ = make_message("mx away")
        try:
            with RawSMTP(*g.addr("relay")) as c:
                c.ehlo()
                r = c.send_mail(SENDER, [RCPT], msg)
            if r.code == 250:
                sent.append(queue_id(f"{r.code} {r.text}"))
            else:
                failed.append(str(r))
        except OSError as e:
            failed.append(str(e))
        stop.wait(interval)


def main():
    p = torture_arguments("mx-away", __doc__)
    p.add_argument("--away", type=float, default=180, help="seconds the MX is gone (180)")
    p.add_argument("--interval", type=float, default=0.5, help="seconds between messages (0.5)")
    p.add_argument("--retry", default="30s", help="the wait between delivery attempts (30s)")
    p.add_argument("--timeout", type=float, default=900, help="seconds the drain may take after the MX is back (900)")
    a = p.parse_args()
    why = missing_prerequisite("scripts/torture mx-away", a.bin, tools=("smtp-sink",))
    if why:
        raise SystemExit(why)
    interrupt_on_sigterm()
    work = WorkDir(a.bin)
    sink = g = None
    ok = False
    try:
        sink = SmtpSink(SINK_IP, free_port(SINK_IP), work.path("sink"))
        # One wait, repeated: the drain after the MX returns takes at most one retry interval.
        g = Sealgate(work.path("gw"), work.certs, sink.smarthost, {
            "delivery": {"retry": [a.retry], "retry_after": a.retry, "connect_timeout": "2s"},
        })
        g.start(timeout=60)
        sink.start()
        sent, failed = [], []
        stop = threading.Event()
        t = threading.Thread(target=sender, args=(g, stop, a.interval, sent, failed), daemon=True)
        t.start()
        time.sleep(2)
        sink.stop()
        log(f"torture mx-away: the MX is gone for {a.away:.0f}s (retry every {a.retry}); {len(sent)} sent so far")
        time.sleep(a.away)
        during = len(sent)
        sink.start()
        back = time.monotonic()
        time.sleep(2)
        stop.set()
        t.join(timeout=30)
        accepted = set(sent)

        def arrived() -> set:
            out = set()
            for m in sink.messages():
                hit = SEALGATE_ID.search(m.data[:600])
                if hit:
                    out.add(hit.group(1).decode())
            return out
        try:
            procs.wait_until(lambda: accepted <= arrived() and g.queue_list() == [], a.timeout,
                             "every message at the sink once the MX is back", 1)
        except procs.Timeout:
            pass
        drained = time.monotonic() - back
        got = arrived()
        lost = sorted(accepted - got)
        deferrals = g.log().count("status=deferred")
        log(f"  sent {len(accepted)} ({during} before the MX came back), {len(failed)} not accepted; "
            f"{len(got)} at the sink; {deferrals} deferrals logged; drained {drained:.0f}s after the MX came back")
        print(f"mx-away: sent={len(accepted)} delivered={len(accepted & got)} lost={len(lost)} away_s={a.away:.0f} "
              f"deferrals={deferrals} drained_s={drained:.0f}", flush=True)
        if lost or failed or deferrals == 0 or g.queue_list():
            raise SystemExit(f"scripts/torture mx-away: FAILED: lost={len(lost)} not accepted={len(failed)} "
                             f"deferrals={deferrals} ({failed[:2]})")
        ok = True
    finally:
        tear_down(g, sink, work, a.keep or not ok)


if __name__ == "__main__":
    main()
