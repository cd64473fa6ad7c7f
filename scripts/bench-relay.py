#!/usr/bin/env python3
# scripts/bench-relay.py: `scripts/bench relay`, Sealgate and a private Postfix side by side on one
# machine: smtp-source (or bench-tls-load, for STARTTLS) -> relay -> smtp-sink, rates, CPU/message, memory.
#
# Reuses the e2e harness (Tests/EndToEnd/harness) to write configs and start/stop Sealgate and
# Postfix by PID. Every address is in 127.0.0.0/8. See docs/performance.md for what is measured.
import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "Tests", "EndToEnd"))
from harness import procs  # noqa: E402
from harness.net import port_is_open  # noqa: E402
from harness.postfix import Postfix  # noqa: E402
from harness.sealgate import Sealgate  # noqa: E402

SINK = ("127.0.0.1", 2526)
SEALGATE_ADDR = ("127.0.0.250", 2525)
POSTFIX_ADDR = ("127.0.0.251", 25)
SENDER, RCPT, HELO = "bench@bench.example.test", "rcpt@example.net", "bench.example.test"
HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
QUIET_LIMIT = 0.10  # other processes may use at most this share of all CPUs while we measure

# name, messages, body bytes, sessions, STARTTLS with which server key (None: no TLS). Both
# relays present the same certificate: dev-certs' gateway.pem (RSA-2048) or gateway-ec.pem
# (ECDSA P-256). The key type matters: the RSA signature is the largest cost of a handshake, and
# Postfix's OpenSSL signs RSA-2048 ~2.5x faster here than Sealgate's BoringSSL (docs/performance.md).
CASES = [
    ("2k-20", 10_000, 2_048, 20, None),
    ("100k-20", 2_000, 102_400, 20, None),
    ("2k-100", 10_000, 2_048, 100, None),
    ("tls-2k-20", 2_000, 2_048, 20, "rsa"),
    ("tls-ec-2k-20", 2_000, 2_048, 20, "ec"),
]
TLS_CERT = {"rsa": "gateway", "ec": "gateway-ec"}
TLS_TITLE = {"rsa": "STARTTLS RSA", "ec": "STARTTLS EC"}
RELAYS = {"sealgate": "Sealgate, empty policies/",
          "sealgate+policy": "Sealgate, shipped policies/ (PHI scan + policy)",
          "postfix": "Postfix"}


def log(msg: str):
    print(msg, file=sys.stderr, flush=True)


# --- /proc accounting ------------------------------------------------------------------------

def read_stat(pid: int):
    """(ppid, utime+stime, cutime+cstime) in clock ticks, or None if pid is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # fields[0] is state (field 3); ppid is field 4, utime..cstime are fields 14..17.
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def all_stats() -> dict:
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = read_stat(int(name))
            if st:
                out[int(name)] = st
    return out


def tree(root: int, stats: dict) -> list:
    kids = {}
    for pid, (ppid, _, _) in stats.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root] if root in stats else []
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += kids.get(pid, [])
    return out


def tree_cpu_seconds(root: int) -> float:
    """CPU used by root and its descendants so far: utime+stime of each live process plus the
    cutime+cstime it collected from children it reaped (Postfix's master reaps smtpd, cleanup,
    smtp... as they come and go, so their time lands in the master's cutime/cstime)."""
    stats = all_stats()
    return sum(stats[p][1] + stats[p][2] for p in tree(root, stats)) / HZ


def vm_hwm_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def tree_pss_mb(root: int) -> float:
    """Proportional set size summed over the tree: shared pages (Postfix's many smtpd processes
    share their text) are divided between the processes, so the sum is the instance's real use."""
    total = 0
    for pid in tree(root, all_stats()):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                m = re.search(r"^Pss:\s+(\d+) kB", f.read(), re.M)
            total += int(m.group(1)) if m else 0
        except OSError:
            pass
    return total / 1024


def cpu_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    return sum(v[:8]), idle


def busy_seconds() -> float:
    """CPU seconds all CPUs spent in processes since boot: not idle or iowait, and not irq or
    softirq either, which during a run is mostly the loopback traffic and disk completions that
    the bench itself causes and that no process is charged for."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[7]) / HZ  # user + nice + system + steal


def other_load(interval: float = 2.0, exclude=()):
    """Share of all CPUs busy over `interval` seconds, and the busiest processes (name, share)."""
    exclude = set(exclude) | {os.getpid()}
    t0, i0 = cpu_times()
    p0 = all_stats()
    time.sleep(interval)
    t1, i1 = cpu_times()
    p1 = all_stats()
    busy = 1 - (i1 - i0) / max(1, t1 - t0)
    top = []
    for pid, (_, cpu, _) in p1.items():
        if pid in exclude:
            continue
        d = cpu - p0[pid][1] if pid in p0 else cpu  # a process born in the window: all its time
        if d > 0:
            try:
                name = open(f"/proc/{pid}/comm").read().strip()
            except OSError:
                name = "?"
            top.append((d / (interval * HZ * NCPU), f"{name}[{pid}]"))
    top.sort(reverse=True)
    return busy, top[:4]


class Refused(Exception):
    pass


def wait_for_quiet(force: bool, wait: float) -> float:
    """Returns the load seen. Refuses (exit 3) while others use more than QUIET_LIMIT, unless force."""
    deadline = time.monotonic() + wait
    while True:
        busy, top = other_load()
        if busy <= QUIET_LIMIT or force:
            if busy > QUIET_LIMIT:
                log(f"  load {busy:.0%} > {QUIET_LIMIT:.0%} (--force: measuring anyway; DISTURBED) "
                    + ", ".join(f"{n} {s:.0%}" for s, n in top))
            return busy
        if time.monotonic() > deadline:
            raise Refused(f"other processes use {busy:.0%} of the CPU (limit {QUIET_LIMIT:.0%}): "
                          + ", ".join(f"{n} {s:.0%}" for s, n in top)
                          + ". Refusing to measure; run again on a quiet machine, or add --force.")
        log(f"  waiting for a quiet machine: load {busy:.0%}")


# --- the programs ----------------------------------------------------------------------------

class Sink:
    """smtp-sink on 127.0.0.1:2526 with -c: it prints 'sess=N quit=N mesg=N' + CR on each event."""

    def __init__(self, workdir: str):
        self.out_path = os.path.join(workdir, "sink.out")
        self.proc = None

    def start(self):
        if port_is_open(*SINK):
            raise SystemExit(f"bench relay: {SINK[0]}:{SINK[1]} is already in use")
        out = open(self.out_path, "wb")
        self.proc = subprocess.Popen(["smtp-sink", "-u", "root", "-4", "-c", f"{SINK[0]}:{SINK[1]}", "1024"],
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        procs.wait_until(lambda: self.proc.poll() is not None or port_is_open(*SINK), 10, "smtp-sink")
        if self.proc.poll() is not None:
            raise SystemExit(f"smtp-sink exited: {open(self.out_path).read()}")
        return self

    def count(self) -> int:
        with open(self.out_path, "rb") as f:
            f.seek(max(0, os.path.getsize(self.out_path) - 200))
            found = re.findall(rb"mesg=(\d+)", f.read())
        return int(found[-1]) if found else 0

    def stop(self):
        if self.proc:
            procs.stop_popen(self.proc, grace=5)
            self.proc = None


class SealgateRelay:
    def __init__(self, workdir: str, certs: str, policies: bool, cert: str):
        overrides = {
            "listeners": [{"name": "relay", "address": f"{SEALGATE_ADDR[0]}:{SEALGATE_ADDR[1]}",
                           "tls": "starttls", "auth": "optional"}],
            "tls": {"certificate": os.path.join(certs, cert + ".pem"), "key": os.path.join(certs, cert + ".key")},
            "relay": {"trusted_networks": ["127.0.0.0/8"]},
            "limits": {"max_connections": 1000, "max_connections_per_ip": 1000},
            "log": {"format": "text", "level": "warning"},
        }
        if policies:
            overrides["policies"] = os.path.join(REPO, "policies")
        self.sg = Sealgate(workdir, certs, f"[{SINK[0]}]:{SINK[1]}", overrides)
        self.addr = SEALGATE_ADDR

    def start(self):
        if port_is_open(*self.addr):
            raise SystemExit(f"bench relay: {self.addr[0]}:{self.addr[1]} is already in use")
        self.sg.start(timeout=60)
        return self

    @property
    def pid(self) -> int:
        return self.sg.pid

    def memory_mb(self) -> float:
        return vm_hwm_mb(self.pid)

    def stop(self):
        self.sg.stop(grace=30)


class PostfixRelay:
    def __init__(self, workdir: str, certs: str, cert: str):
        settings = {
            "relayhost": f"[{SINK[0]}]:{SINK[1]}",
            "in_flow_delay": "0",
            "smtpd_client_connection_rate_limit": "0",
            "smtpd_client_connection_count_limit": "0",
            "default_process_limit": "200",
            "smtp_destination_concurrency_limit": "100",
            "default_destination_concurrency_limit": "100",
            "smtpd_tls_security_level": "may",
            "smtpd_tls_cert_file": os.path.join(certs, cert + ".pem"),
            "smtpd_tls_key_file": os.path.join(certs, cert + ".key"),
            "smtp_tls_security_level": "none",
        }
        self.pf = Postfix(POSTFIX_ADDR[0], POSTFIX_ADDR[1], workdir, "pfbench.example.test", settings)
        self.addr = POSTFIX_ADDR

    def start(self):
        if port_is_open(*self.addr):
            raise SystemExit(f"bench relay: {self.addr[0]}:{self.addr[1]} is already in use")
        self.pf.start()
        return self

    @property
    def pid(self) -> int:
        pid = self.pf.master_pid()
        if not pid:
            raise RuntimeError(f"Postfix master.pid not found; maillog:\n{self.pf.log()[-2000:]}")
        return pid

    def memory_mb(self) -> float:
        return tree_pss_mb(self.pid)

    def stop(self):
        self.pf.stop()


# --- one measurement -------------------------------------------------------------------------

TLS_LOAD = {"binary": ""}


def build_tls_load(top: str) -> str:
    """Compiles scripts/bench-tls-load.c (the STARTTLS load generator) into the work directory."""
    out = os.path.join(top, "bench-tls-load")
    src = os.path.join(REPO, "scripts", "bench-tls-load.c")
    r = subprocess.run(["cc", "-O2", "-Wall", "-o", out, src, "-lssl", "-lcrypto", "-lpthread"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"bench relay: cannot build {src} (needs cc and libssl-dev):\n{r.stderr}")
    return out


def load_command(case, addr) -> list:
    _, n, size, sessions, tls = case
    if tls:
        return [TLS_LOAD["binary"], addr[0], str(addr[1]),
                "-m", str(n), "-s", str(sessions), "-l", str(size), "-f", SENDER, "-t", RCPT, "--helo", HELO]
    return ["smtp-source", "-4", "-m", str(n), "-s", str(sessions), "-l", str(size), "-f", SENDER,
            "-t", RCPT, "-M", HELO, f"{addr[0]}:{addr[1]}"]


def start_perf(pid: int, out: str):
    """Attaches a profiler to a running relay until stop_perf (SIGINT): `perf record -g` when out
    ends in .data, `strace -f -c` (syscall counts, following the relay's new children) when it
    ends in .txt. Either one's own CPU disturbs the figures."""
    if out.endswith(".txt"):
        cmd = ["strace", "-f", "-c", "-o", out, "-p", str(pid)]
    else:
        cmd = ["perf", "record", "-F", "499", "-g", "-p", str(pid), "-o", out]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc


def stop_perf(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            procs.stop_popen(proc, grace=5)


def measure(relay_name: str, case, workdir: str, certs: str, load: float, perf_out: str | None = None) -> dict:
    _, n, *_, tls = case
    os.makedirs(workdir)
    os.chmod(workdir, 0o755)
    os.makedirs(os.path.join(workdir, relay_name.split("+")[0]))
    cert = TLS_CERT[tls or "rsa"]
    if relay_name == "postfix":
        relay = PostfixRelay(os.path.join(workdir, "postfix"), certs, cert)
    else:
        relay = SealgateRelay(os.path.join(workdir, "sealgate"), certs, relay_name == "sealgate+policy", cert)
    sink, load_proc, perf = Sink(workdir), None, None
    try:
        sink.start()
        relay.start()
        time.sleep(0.5)  # let start-up work (spool recovery, policy load) finish outside the window
        if perf_out:
            perf = start_perf(relay.pid, perf_out)
        cpu0 = tree_cpu_seconds(relay.pid)
        # For the load of others during the window: all busy CPU minus ours (relay, load, sink, bench).
        busy0, sink0, self0 = busy_seconds(), tree_cpu_seconds(sink.proc.pid), sum(os.times()[:2])
        out_path = os.path.join(workdir, "load.out")
        # Only the load generator is reaped while it runs, so the RUSAGE_CHILDREN delta is its CPU.
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(out_path, "wb") as out:
            start = time.monotonic()
            load_proc = subprocess.Popen(load_command(case, relay.addr), stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        accepted_at = e2e_at = None
        last, last_change = 0, start
        # Bounded: ends when the sink has every message, or after 30 s without progress once the
        # load is done, or after an overall deadline.
        deadline = start + max(300, n / 10)
        while time.monotonic() < deadline:
            now = time.monotonic()
            if accepted_at is None and load_proc.poll() is not None:
                accepted_at = now
            count = sink.count()
            if count != last:
                last, last_change = count, now
            if count >= n:
                e2e_at = now
                if accepted_at is None:  # the sink can see the last message before the 250 reaches the client
                    load_proc.wait(timeout=30)
                    accepted_at = time.monotonic()
                break
            if accepted_at is not None and now - last_change > 30:
                break
            time.sleep(0.01)
        load_rc = load_proc.wait(timeout=60)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_cpu = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
        load_out = open(out_path, errors="replace").read()
        time.sleep(1.0)  # post-delivery bookkeeping (queue file removal, audit) belongs to the message
        cpu = tree_cpu_seconds(relay.pid) - cpu0
        stop_perf(perf)
        ours = cpu + load_cpu + tree_cpu_seconds(sink.proc.pid) - sink0 + sum(os.times()[:2]) - self0
        window = time.monotonic() - start
        others = max(0.0, (busy_seconds() - busy0 - ours) / (window * NCPU))
        load = max(load, others)
        mem = relay.memory_mb()
        result = {"relay": relay_name, "case": case[0], "messages": n, "load": round(load, 3),
                  "others_during": round(others, 3), "disturbed": load > QUIET_LIMIT, "load_rc": load_rc,
                  "accepted_per_s": n / (accepted_at - start) if accepted_at else None,
                  "e2e_per_s": n / (e2e_at - start) if e2e_at else None,
                  "cpu_ms_per_msg": 1000 * cpu / n, "memory_mb": mem, "arrived": last,
                  "load_cpu_ms_per_msg": 1000 * load_cpu / n}
        if load_rc != 0 or e2e_at is None:
            result["error"] = (f"load exited {load_rc}, sink has {last}/{n}: " + load_out[-500:]).strip()
        return result
    finally:
        stop_perf(perf)
        if load_proc and load_proc.poll() is None:
            procs.stop_popen(load_proc, grace=5)
        try:
            relay.stop()
        finally:
            sink.stop()


# --- report ----------------------------------------------------------------------------------

def case_title(case) -> str:
    name, n, size, sessions, tls = case
    kb = f"{size // 1024} KB"
    return f"{n:,} x {kb}, {sessions} sess{', ' + TLS_TITLE[tls] if tls else ''}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def machine() -> str:
    model = "?"
    try:
        model = re.search(r"^model name\s*:\s*(.*)$", open("/proc/cpuinfo").read(), re.M).group(1)
    except (OSError, AttributeError):
        pass
    mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) // 1024 ** 2
    return f"{model}, {NCPU} cores, {mem} GB RAM, Linux {platform.release()}"


def fsync_rate(workdir: str, n: int = 200) -> float:
    """Small files written, fsynced and closed per second by one thread in `workdir` (the disk)."""
    d = os.path.join(workdir, "fsync-probe")
    os.makedirs(d)
    start = time.monotonic()
    for i in range(n):
        fd = os.open(os.path.join(d, str(i)), os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, b"x" * 2048)
        os.fsync(fd)
        os.close(fd)
    rate = n / (time.monotonic() - start)
    shutil.rmtree(d)
    return rate


def report(results: list, cases: list, relays: list, header: str) -> str:
    lines = [header, ""]
    cols = f"{'case':<36} {'relay':<16} {'accepted/s':>10} {'e2e/s':>8} {'CPU ms/msg':>10} {'mem MB':>7}" \
           f" | {'acc xPF':>7} {'e2e xPF':>7} {'CPU xPF':>7} {'mem xPF':>7}"
    lines += [cols, "-" * len(cols)]
    verdicts = []
    for case in cases:
        rows = {}
        for r in relays:
            rs = [x for x in results if x["case"] == case[0] and x["relay"] == r]
            if not rs:
                continue
            rows[r] = {k: median([x[k] for x in rs if "error" not in x])
                       for k in ("accepted_per_s", "e2e_per_s", "cpu_ms_per_msg", "memory_mb")}
            rows[r]["runs"] = len([x for x in rs if "error" not in x])
            rows[r]["failed"] = len([x for x in rs if "error" in x])
            rows[r]["disturbed"] = any(x["disturbed"] for x in rs)
        pf = rows.get("postfix", {})
        first = True
        for r in relays:
            if r not in rows:
                continue
            v = rows[r]
            mark = (" DISTURBED" if v["disturbed"] else "") + (f" {v['failed']} FAILED" if v["failed"] else "")
            line = (f"{case_title(case) if first else '':<36} {r:<16} {fmt(v['accepted_per_s'], '10.0f')} "
                    f"{fmt(v['e2e_per_s'], '8.0f')} {fmt(v['cpu_ms_per_msg'], '10.2f')} {fmt(v['memory_mb'], '7.0f')}")
            if r != "postfix" and pf:
                line += (f" | {ratio(v['accepted_per_s'], pf.get('accepted_per_s')):>7} "
                         f"{ratio(v['e2e_per_s'], pf.get('e2e_per_s')):>7} "
                         f"{ratio(v['cpu_ms_per_msg'], pf.get('cpu_ms_per_msg')):>7} "
                         f"{ratio(v['memory_mb'], pf.get('memory_mb')):>7}")
                e2e_ok = v["e2e_per_s"] and pf.get("e2e_per_s") and v["e2e_per_s"] >= 1.5 * pf["e2e_per_s"]
                cpu_ok = v["cpu_ms_per_msg"] and pf.get("cpu_ms_per_msg") and v["cpu_ms_per_msg"] < pf["cpu_ms_per_msg"]
                verdicts.append(f"  {case[0]:<10} {r:<16} e2e >= 1.5x Postfix: {'yes' if e2e_ok else 'NO'}; "
                                f"CPU/msg < Postfix: {'yes' if cpu_ok else 'NO'}"
                                + (f"; peak RSS <= 150 MB: {'yes' if (v['memory_mb'] or 1e9) <= 150 else 'NO'}"
                                   if case[3] >= 100 else ""))
            else:
                line += " |"
            lines.append(line + mark)
            first = False
    lines += ["",
              "accepted/s: messages / smtp-source wall time (250 to the client). e2e/s: messages / time until",
              "smtp-sink counted every one. CPU ms/msg: user+system of all the relay's processes (Postfix: master",
              "and every child, reaped ones through cutime/cstime). mem MB: Sealgate's peak RSS (VmHWM); Postfix's",
              "PSS summed over its processes at the end. xPF: ratio to Postfix (CPU and mem: lower is better).",
              "", "Targets (issue 5):"] + verdicts
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------

def main() -> int:
    p = argparse.ArgumentParser(prog="scripts/bench relay",
                                description="Sealgate vs Postfix relay throughput, CPU/message, memory.",
                                epilog="scripts/bench relay builds the release binary first; --no-build skips that. "
                                       "See docs/performance.md.")
    p.add_argument("--quick", action="store_true", help="1 run, 1/10 of the messages (development)")
    p.add_argument("--runs", type=int, help="runs per case (default 3; --quick: 1); medians are printed")
    p.add_argument("--force", action="store_true", help="measure even when other processes use >10%% CPU "
                   "(results are marked DISTURBED)")
    p.add_argument("--wait", type=float, default=60, help="seconds to wait for a quiet machine before refusing")
    p.add_argument("--cases", default=",".join(c[0] for c in CASES),
                   help="comma-separated subset of: " + ", ".join(c[0] for c in CASES))
    p.add_argument("--relays", default="sealgate,sealgate+policy,postfix",
                   help="comma-separated subset of: " + ", ".join(RELAYS))
    p.add_argument("--bin", help="the sealgate binary (default: the release build's)")
    p.add_argument("--json", help="also write every run's figures to this file")
    p.add_argument("--perf", metavar="DIR", help="perf record -g each Sealgate run into DIR/RELAY-CASE-RUN.data "
                   "(profiling only: perf's own CPU disturbs the figures)")
    p.add_argument("--strace", metavar="DIR", help="strace -f -c each run (both relays) into DIR/RELAY-CASE-RUN.txt: "
                   "syscalls per message (profiling only)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (configs, logs, maillog)")
    args = p.parse_args()

    if os.geteuid() != 0:
        log("bench relay: run as root (Postfix instances, smtp-sink -u root)")
        return 2
    for tool in ("smtp-source", "smtp-sink", "postfix"):
        if not shutil.which(tool):
            log(f"bench relay: {tool} not found (scripts/setup installs Debian's postfix package)")
            return 2
    binary = args.bin or os.path.join(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"],
                                                     cwd=REPO, capture_output=True, text=True,
                                                     check=True).stdout.strip(), "sealgate")
    if not os.access(binary, os.X_OK):
        log(f"bench relay: no sealgate binary at {binary} (swift build -c release --product sealgate)")
        return 2
    binary = os.path.abspath(binary)
    runs = args.runs or (1 if args.quick else 3)
    scale = 10 if args.quick else 1
    wanted = args.cases.split(",")
    cases = [(c[0], c[1] // scale, *c[2:]) for c in CASES if c[0] in wanted]
    relays = [r for r in args.relays.split(",") if r in RELAYS]
    if not cases or not relays:
        p.error("no case or relay selected")

    # SIGTERM/SIGHUP run the same cleanup as Ctrl-C.
    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    top = tempfile.mkdtemp(prefix="sealgate-bench-", dir="/var/tmp")  # on disk, not tmpfs: fsync is real
    os.chmod(top, 0o755)  # Postfix's unprivileged daemons must reach their instance directory
    certs = os.path.join(top, "certs")
    results = []
    try:
        # A private copy: other builds may replace the release binary while the bench runs.
        built = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(binary)))
        shutil.copy2(binary, os.path.join(top, "sealgate"))
        os.environ["SEALGATE_BIN"] = os.path.join(top, "sealgate")
        subprocess.run([os.path.join(REPO, "scripts", "dev-certs"), certs, Sealgate.HOSTNAME], check=True,
                       stdout=subprocess.DEVNULL)
        if any(case[4] for case in cases):
            TLS_LOAD["binary"] = build_tls_load(top)
        fsyncs = fsync_rate(top)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        refused = None
        try:
            measure_all(args, cases, runs, relays, top, certs, results)
        except Refused as e:
            refused = str(e)
            log(f"bench relay: {refused}")
        except KeyboardInterrupt:
            refused = "interrupted (everything started was stopped)"
            log(f"bench relay: {refused}")
        if not results:
            return 3
        disturbed = any(r["disturbed"] for r in results)
        header = (f"Sealgate relay benchmark, {started}: {machine()}; one thread fsyncs {fsyncs:.0f} small "
                  f"files/s here.\n{runs} run(s) per case, medians{'; QUICK (1/10 of the messages)' if args.quick else ''}."
                  f" Sealgate: {binary} (built {built}).\n"
                  + (f"DISTURBED: other processes used up to {max(r['load'] for r in results):.0%} of the CPU "
                     "before or during a run; the rows marked DISTURBED are not a benchmark result." if disturbed
                     else f"Other processes used <= {QUIET_LIMIT:.0%} of the CPU before and during every run.")
                  + (f"\nINCOMPLETE: stopped early: {refused}" if refused else ""))
        print(report(results, cases, relays, header))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"started": started, "machine": machine(), "fsyncs_per_s": fsyncs, "runs": runs,
                           "quick": args.quick, "disturbed": disturbed, "incomplete": refused,
                           "results": results}, f, indent=1)
        return 3 if refused else 1 if any("error" in r for r in results) else 0
    except KeyboardInterrupt:
        log("bench relay: interrupted; everything started was stopped")
        return 130
    finally:
        if args.keep:
            log(f"bench relay: work directory kept: {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)


def measure_all(args, cases, runs, relays, top, certs, results):
    """Every case, `runs` times, every relay in turn; appends to results as it goes."""
    total, i = len(cases) * runs * len(relays), 0
    for case in cases:
        for run in range(runs):
            for relay in relays:
                i += 1
                log(f"[{i}/{total}] {case_title(case)}: {relay}, run {run + 1}/{runs}")
                perf_out = None
                if args.strace:
                    os.makedirs(args.strace, exist_ok=True)
                    perf_out = os.path.join(os.path.abspath(args.strace), f"{relay}-{case[0]}-{run + 1}.txt")
                elif args.perf and relay != "postfix":
                    os.makedirs(args.perf, exist_ok=True)
                    perf_out = os.path.join(os.path.abspath(args.perf), f"{relay}-{case[0]}-{run + 1}.data")
                # Without --force, a run that others disturbed while it ran is measured again (3 tries).
                for attempt in range(3):
                    load = wait_for_quiet(args.force, args.wait)
                    workdir = os.path.join(top, f"m{i}-{relay}-{case[0]}-{attempt}")
                    r = measure(relay, case, workdir, certs, load, perf_out)
                    if args.force or not r["disturbed"] or attempt == 2:
                        break
                    log(f"    others used {r['others_during']:.0%} of the CPU during the run: measuring again")
                    shutil.rmtree(workdir, ignore_errors=True)
                r["run"] = run + 1
                results.append(r)
                log(f"    accepted {fmt(r['accepted_per_s'], '.0f')}/s, e2e {fmt(r['e2e_per_s'], '.0f')}/s, "
                    f"CPU {r['cpu_ms_per_msg']:.2f} ms/msg, mem {r['memory_mb']:.0f} MB "
                    f"(load generator: {r['load_cpu_ms_per_msg']:.2f} ms/msg)"
                    + (f"; others used {r['others_during']:.0%} during the run" if r["others_during"] > QUIET_LIMIT else "")
                    + (f"  ERROR: {r['error']}" if "error" in r else ""))
                if not args.keep:
                    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
