#!/usr/bin/env python3
# scripts/torture-crash.py: `scripts/torture crash`, issue 13 item 1: Postfix's smtp-source drives
# --messages over --sessions into Sealgate, which relays to smtp-sink, while the gateway (and, with
# --sink-kills, the sink) is killed with SIGKILL at random points of the run and restarted. Every
# message that got a 250 must reach the sink whole at least once; a second copy is allowed only for
# a message whose first copy arrived just before a kill (in flight); the spool must end empty.
# Prints one figure line:
#   crash: accepted=N delivered=N lost=0 duplicated=K kills=5 [sink_kills=S] [policies=shipped]
import os
import random
import re
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from benchlib import REPO  # noqa: E402  (also puts Tests/EndToEnd on sys.path for the harness)
from benchlib.proc import log  # noqa: E402
from benchlib.session import WorkDir, interrupt_on_sigterm, missing_prerequisite, tear_down, torture_arguments  # noqa: E402
from harness import procs  # noqa: E402
from harness.net import free_port  # noqa: E402
from harness.sealgate import Sealgate  # noqa: E402
from harness.sinks import SmtpSink  # noqa: E402

SINK_IP = "127.0.0.241"
SENDER, RCPT = "torture@example.org", "rcpt@example.net"
QUEUED = re.compile(r"<<< 250 2\.0\.0 Ok: queued as ([0-9A-Z]+)")
SEALGATE_ID = re.compile(rb"\(Sealgate\) with \S+ id ([0-9A-Z]+);")
IN_FLIGHT_S = 15  # a copy that reached the sink this long before a kill may come again after it


class Source:
    """Runs smtp-source (verbose, so every 250 and its queue ID is seen) until `total` messages
    were acknowledged: a run that a kill cuts short is started again for the rest."""

    def __init__(self, target: tuple, total: int, sessions: int, size: int, transcript: str):
        self.target, self.total, self.sessions, self.size = target, total, sessions, size
        self.transcript = transcript
        self.accepted = []      # queue IDs in the order their 250 came
        self.runs = 0
        self.lock = threading.Lock()

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)

    def run(self, deadline: float):
        with open(self.transcript, "a") as out:
            while self.count() < self.total:
                if time.monotonic() > deadline:
                    raise SystemExit(f"scripts/torture crash: only {self.count()} of {self.total} messages "
                                     f"acknowledged before the deadline ({self.runs} smtp-source runs)")
                want = self.total - self.count()
                self.runs += 1
                p = subprocess.Popen(["smtp-source", "-v", "-s", str(min(self.sessions, want)), "-m", str(want),
                                      "-l", str(self.size), "-f", SENDER, "-t", RCPT,
                                      f"{self.target[0]}:{self.target[1]}"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                for raw in p.stdout:
                    line = raw.decode("utf-8", "replace")
                    m = QUEUED.search(line)
                    if m:
                        with self.lock:
                            self.accepted.append(m.group(1))
                    elif "fatal" in line or "warning" in line:
                        out.write(line)
                p.wait()
                if self.count() < self.total:
                    time.sleep(0.2)  # the gateway is down: try again shortly


class Killer:
    """Kills a process with SIGKILL when the source's count crosses each of `points` (fractions of
    the total, in order), waits `down` seconds and starts it again; notes each kill's time."""

    def __init__(self, name: str, source: Source, points: list, kill, start, down: tuple):
        self.name, self.source, self.points = name, source, sorted(points)
        self.kill, self.start, self.down = kill, start, down
        self.times = []
        self.error = None

    def run(self, stop: threading.Event):
        try:
            for fraction in self.points:
                while self.source.count() < fraction * self.source.total:
                    if stop.wait(0.05):
                        return
                self.times.append(time.time())
                self.kill()
                log(f"  kill -9 {self.name} at {self.source.count()} acknowledged")
                time.sleep(random.uniform(*self.down))
                self.start()
        except BaseException as e:  # noqa: BLE001  (reported by the main thread)
            self.error = e


def sink_copies(sink: SmtpSink) -> tuple[dict, int]:
    """Queue ID -> arrival times of its whole copies at the sink, and how many partial copies (cut
    off by a sink kill) there were. Whole means the body the others have, to the byte."""
    bodies = []
    for name in sorted(os.listdir(sink.dump_dir)):
        path = os.path.join(sink.dump_dir, name)
        raw = open(path, "rb").read()
        m = SEALGATE_ID.search(raw)
        head, sep, body = raw.partition(b"\n\n")
        bodies.append((m.group(1).decode() if m else None, len(body) if sep else -1, os.path.getmtime(path)))
    lengths = [n for _, n, _ in bodies if n >= 0]
    whole = max(set(lengths), key=lengths.count) if lengths else 0
    copies, partial = {}, 0
    for qid, n, when in bodies:
        if qid is None or n != whole:
            partial += 1
        else:
            copies.setdefault(qid, []).append(when)
    return copies, partial


def main():
    p = torture_arguments("crash", __doc__)
    p.add_argument("--messages", type=int, default=10000, help="messages smtp-source sends (10000)")
    p.add_argument("--sessions", type=int, default=20, help="smtp-source's parallel sessions (20)")
    p.add_argument("--size", type=int, default=2000, help="message body bytes (2000)")
    p.add_argument("--kills", type=int, default=5, help="kill -9 of the gateway during the run (5)")
    p.add_argument("--sink-kills", type=int, default=0, help="kill -9 of the receiving smtp-sink too (0)")
    p.add_argument("--policies", choices=("none", "shipped"), default="none",
                   help="run with no policy files, or with the shipped policies/ (none)")
    p.add_argument("--seed", type=int, help="random seed for the kill points (printed)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds the whole run may take (1800)")
    a = p.parse_args()
    why = missing_prerequisite("scripts/torture crash", a.bin)
    if why:
        raise SystemExit(why)
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    interrupt_on_sigterm()
    work = WorkDir(a.bin)
    sink = g = None
    ok = False
    try:
        sink = SmtpSink(SINK_IP, free_port(SINK_IP), work.path("sink")).start()
        overrides = {
            # Retries seconds apart, so mail a sink kill deferred is not waiting minutes.
            "delivery": {"retry": ["2s", "5s", "10s"], "retry_after": "10s", "connect_timeout": "2s"},
            "limits": {"max_connections": 100, "max_connections_per_ip": 50},
        }
        if a.policies == "shipped":
            overrides["policies"] = os.path.join(REPO, "policies")
        g = Sealgate(work.path("gw"), work.certs, sink.smarthost, overrides)
        g.start(timeout=60)
        log(f"torture crash: {a.messages} messages over {a.sessions} sessions, {a.kills} gateway kills, "
            f"{a.sink_kills} sink kills, policies {a.policies}, seed {seed}")
        source = Source(g.addr("relay"), a.messages, a.sessions, a.size, work.path("smtp-source.log"))
        stop = threading.Event()
        killers = [Killer("sealgate", source, [random.uniform(0.05, 0.95) for _ in range(a.kills)],
                          g.kill9, lambda: g.start(timeout=60), (0.2, 2.0))]
        if a.sink_kills:
            def sink_kill():
                sink.proc.kill()  # SIGKILL
                sink.proc.wait(timeout=10)
            killers.append(Killer("smtp-sink", source, [random.uniform(0.05, 0.95) for _ in range(a.sink_kills)],
                                  sink_kill, sink.start, (1.0, 5.0)))
        threads = [threading.Thread(target=k.run, args=(stop,), daemon=True) for k in killers]
        started = time.monotonic()
        deadline = started + a.timeout
        for t in threads:
            t.start()
        try:
            source.run(deadline)
        finally:
            for t in threads:
                t.join(timeout=120)
            stop.set()
        for k in killers:
            if k.error:
                raise SystemExit(f"scripts/torture crash: restarting {k.name} failed: {k.error}")
        sent_s = time.monotonic() - started
        accepted = set(source.accepted)
        if len(accepted) != len(source.accepted):
            raise SystemExit("scripts/torture crash: the gateway gave one queue ID to two messages")

        def all_there():
            copies, _ = sink_copies(sink)
            return accepted <= copies.keys() and g.queue_list() == []
        try:
            procs.wait_until(all_there, max(60.0, deadline - time.monotonic()), "every acknowledged message at the sink")
        except procs.Timeout:
            pass  # reported below with the numbers
        copies, partial = sink_copies(sink)
        lost = sorted(accepted - copies.keys())
        spool = g.queue_list()
        kill_times = [t for k in killers for t in k.times]
        duplicated = {q: w for q, w in copies.items() if len(w) > 1}
        unexplained = [q for q, w in duplicated.items()
                       if not any(t - IN_FLIGHT_S <= min(w) <= t + 1 for t in kill_times)]
        unacknowledged = len(copies.keys() - accepted)
        log(f"  smtp-source: {len(accepted)} acknowledged in {sent_s:.0f}s over {source.runs} runs; "
            f"sink: {sum(len(w) for w in copies.values())} whole copies of {len(copies)} messages, "
            f"{partial} partial (a kill cut its DATA short), {unacknowledged} delivered whose 250 a kill cut off")
        log(f"  lost {len(lost)}{': ' + ', '.join(lost[:5]) if lost else ''}; duplicated {len(duplicated)} "
            f"({len(unexplained)} not in flight at a kill); spool at the end: {len(spool)} messages")
        figure = (f"crash: accepted={len(accepted)} delivered={len(accepted & copies.keys())} lost={len(lost)} "
                  f"duplicated={len(duplicated)} kills={sum(len(k.times) for k in killers[:1])}")
        if a.sink_kills:
            figure += f" sink_kills={len(killers[1].times)}"
        if a.policies == "shipped":
            figure += " policies=shipped"
        print(figure, flush=True)
        if lost or unexplained or spool:
            raise SystemExit(f"scripts/torture crash: FAILED: lost={len(lost)} unexplained duplicates="
                             f"{len(unexplained)} spool={len(spool)} (seed {seed}; log {g.log_path})")
        ok = True
    finally:
        tear_down(g, sink, work, a.keep or not ok)


if __name__ == "__main__":
    main()
