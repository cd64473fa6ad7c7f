#!/usr/bin/env python3
# scripts/torture-stress.py: `scripts/torture stress`, issue 13 item 3's attack on the inbound side.
# An attacker holds --idle connections (1,000) from --addresses loopback addresses (50, 127.0.0.x)
# open against Sealgate's DEFAULT connection limits (max_connections 200, 20 of them reserved,
# 50 per IP, stress_command_timeout 10s): whenever one is refused or dropped it connects again.
# Meanwhile a well-behaved client from the trusted networks (127.0.1.1) sends a message every
# --interval seconds, timed from connect to the 250 after DATA. Prints one figure line:
#   stress: idle=1000 addresses=50 refused=N trusted_served_ms=M dropped_after_s=S
# N: 421s the attacker got; M: the slowest trusted message; S: the median life of an attacker
# session the gateway dropped (connect to the server's close). Details go to stderr.
import errno
import os
import resource
import selectors
import smtplib
import socket
import statistics
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from benchlib import REPO  # noqa: E402  (also puts Tests/EndToEnd on sys.path for the harness)
from benchlib.proc import log, vm_hwm_mb  # noqa: E402
from benchlib.session import WorkDir, interrupt_on_sigterm, missing_prerequisite, tear_down, torture_arguments  # noqa: E402
from harness import procs  # noqa: E402
from harness.mail import make_message  # noqa: E402
from harness.net import free_port, port_is_open  # noqa: E402
from harness.sealgate import Sealgate  # noqa: E402
from harness.sinks import SmtpSink  # noqa: E402

GATEWAY = ("127.0.0.250", 2525)
SINK_IP = "127.0.0.251"
TRUSTED_NET, TRUSTED_IP = "127.0.1.0/24", "127.0.1.1"
SENDER, RCPT = "torture@example.org", "rcpt@example.net"


class Attacker:
    """Keeps `n` idle connections open (or trying to be) from `addresses` source addresses, on one
    selector. A refused or dropped connection is opened again after `pause` seconds."""

    def __init__(self, n: int, addresses: int, pause: float):
        self.n, self.pause = n, pause
        self.sources = [f"127.0.0.{10 + i}" for i in range(addresses)]
        self.sel = selectors.DefaultSelector()
        self.due = []          # (time, slot) reconnects waiting for their pause
        self.refused = 0       # 421 4.7.0 at connect
        self.tcp_errors = 0    # the kernel refused or reset the TCP connection
        self.lifetimes = []    # admitted sessions the gateway closed: seconds from connect
        self.open_now = 0      # admitted and still open
        self.peak_open = 0

    def _connect(self, slot: int):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((self.sources[slot % len(self.sources)], 0))
        rc = s.connect_ex(GATEWAY)
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            self.tcp_errors += 1
            self.due.append((time.monotonic() + self.pause, slot))
            return
        self.sel.register(s, selectors.EVENT_READ, {"slot": slot, "t": time.monotonic(), "greeted": False})

    def _finish(self, key, now: float):
        st = key.data
        self.sel.unregister(key.fileobj)
        key.fileobj.close()
        if st["greeted"]:
            self.open_now -= 1
        self.due.append((now + self.pause, st["slot"]))

    def run(self, until: float):
        for slot in range(self.n):
            self._connect(slot)
        while time.monotonic() < until:
            now = time.monotonic()
            ready, self.due = [s for t, s in self.due if t <= now], [(t, s) for t, s in self.due if t > now]
            for slot in ready:
                self._connect(slot)
            for key, _ in self.sel.select(timeout=0.05):
                now = time.monotonic()
                st = key.data
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = None
                if not data:  # closed (or reset) by the gateway
                    if st["greeted"]:
                        self.lifetimes.append(now - st["t"])
                    else:
                        self.tcp_errors += 1
                    self._finish(key, now)
                elif not st["greeted"]:
                    if data.startswith(b"220"):
                        st["greeted"] = True
                        self.open_now += 1
                        self.peak_open = max(self.peak_open, self.open_now)
                    else:  # 421 4.7.0 Too many connections
                        self.refused += 1
                        self._finish(key, now)
                # else: the 421 4.4.2 timeout; the close follows and is counted then
        survivors = self.open_now
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()
        self.sel.close()
        return survivors


def send_trusted(n: int) -> float:
    """One message from the trusted address; returns ms from connect to the 250 after DATA."""
    msg, _ = make_message(f"trusted {n}")
    t0 = time.monotonic()
    with smtplib.SMTP(*GATEWAY, source_address=(TRUSTED_IP, 0), timeout=30) as c:
        c.ehlo("trusted.example")
        c.sendmail(SENDER, [RCPT], msg)
        return (time.monotonic() - t0) * 1000


def trusted_client(stop: threading.Event, interval: float, results: list, failures: list):
    """A message every `interval` seconds until `stop`, timed; failures are kept as text."""
    n = 0
    while not stop.is_set():
        n += 1
        try:
            results.append(send_trusted(n))
        except (smtplib.SMTPException, OSError) as e:
            failures.append(f"{type(e).__name__}: {e}")
        stop.wait(interval)


def main():
    p = torture_arguments("stress", __doc__)
    p.add_argument("--idle", type=int, default=1000, help="idle connections the attacker holds (1000)")
    p.add_argument("--addresses", type=int, default=50, help="attacker source addresses, 127.0.0.10 up (50)")
    p.add_argument("--seconds", type=float, default=90, help="how long the attack lasts (90)")
    p.add_argument("--interval", type=float, default=2, help="seconds between trusted messages (2)")
    p.add_argument("--pause", type=float, default=1, help="seconds before an attacker reconnects (1)")
    a = p.parse_args()
    why = missing_prerequisite("scripts/torture stress", a.bin, tools=("smtp-sink",))
    if why:
        raise SystemExit(why)
    want = a.idle + 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < want:
        raise SystemExit(f"scripts/torture stress: ulimit -n is {soft}; {want} descriptors are needed")
    for addr in (GATEWAY, (SINK_IP, 0)):
        if addr[1] and port_is_open(*addr):
            raise SystemExit(f"scripts/torture stress: {addr[0]}:{addr[1]} is already in use")
    interrupt_on_sigterm()
    work = WorkDir(a.bin)
    sink = g = None
    try:
        sink = SmtpSink(SINK_IP, free_port(SINK_IP), work.path("sink")).start()
        # The gateway's default limits: only the listener, the trusted network and the log differ.
        g = Sealgate(work.path("gw"), work.certs, sink.smarthost, {
            "listeners": [{"name": "relay", "address": f"{GATEWAY[0]}:{GATEWAY[1]}", "tls": "starttls",
                           "auth": "optional"}],
            "relay": {"trusted_networks": [TRUSTED_NET]},
            "limits": None,
        })
        g.start(timeout=60)
        log(f"torture stress: gateway {GATEWAY[0]}:{GATEWAY[1]} (pid {g.pid}), default limits: max_connections 200, "
            f"reserved_connections 20, max_connections_per_ip 50, stress_command_timeout 10s")

        base = send_trusted(0)
        log(f"  before the attack: a trusted message served in {base:.0f} ms")
        stop = threading.Event()

        served, failed = [], []
        t = threading.Thread(target=trusted_client, args=(stop, a.interval, served, failed), daemon=True)
        attacker = Attacker(a.idle, a.addresses, a.pause)
        start = time.monotonic()
        threading.Timer(1.0, t.start).start()  # let the attack fill the gateway first
        survivors = attacker.run(start + a.seconds)
        stop.set()
        t.join(timeout=40)
        rss = vm_hwm_mb(g.pid)
        procs.wait_until(lambda: len(sink.messages()) >= len(served) + 1, 60, "the trusted messages at the sink")
        delivered = len(sink.messages())
        text = g.log()
        ons, offs = text.count("stress mode on:"), text.count("stress mode off:")
        life = sorted(attacker.lifetimes)
        log(f"  attack: {a.seconds:.0f}s, {a.idle} connections from {a.addresses} addresses, reconnect after {a.pause}s")
        log(f"  attacker: {attacker.refused} refused with 421 at connect, {attacker.tcp_errors} TCP errors, "
            f"{len(life)} admitted sessions dropped by the gateway, peak {attacker.peak_open} admitted at once, "
            f"{survivors} still open at the end")
        if life:
            log(f"  dropped after: median {statistics.median(life):.1f}s, min {life[0]:.1f}s, max {life[-1]:.1f}s")
        if served:
            log(f"  trusted client: {len(served)} messages served, median {statistics.median(served):.0f} ms, "
                f"max {max(served):.0f} ms; {len(failed)} failed{': ' + failed[0] if failed else ''}")
        log(f"  sink received {delivered} messages; "
            f"gateway peak RSS {rss:.0f} MB; stress mode on {ons}x, off {offs}x")
        if failed or not served:
            raise SystemExit(f"scripts/torture stress: the trusted client was not served: {failed[:3]}")
        dropped = f"{statistics.median(life):.1f}" if life else "none"
        print(f"stress: idle={a.idle} addresses={a.addresses} refused={attacker.refused} "
              f"trusted_served_ms={max(served):.0f} dropped_after_s={dropped}", flush=True)
    finally:
        tear_down(g, sink, work, a.keep)


if __name__ == "__main__":
    main()
