# benchlib.window: one measured run of a load generator against a started relay and sink: the
# rates, the relay's CPU per message and what other processes used meanwhile, optionally profiled.
import os
import resource
import signal
import subprocess
import time

from harness import procs

from .proc import NCPU, QUIET_LIMIT, busy_seconds, tree_cpu_seconds


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


def measure_window(relay, sink, command: list, n: int, workdir: str, load: float,
                   perf_out: str | None = None) -> dict:
    """Runs `command` (the load generator, n messages) against the started `relay` (pid,
    memory_mb()) and `sink` (count(), proc), and waits until the sink has every message. Returns
    the figures; "error" is set when the load failed or not every message arrived."""
    load_proc, perf = None, None
    try:
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
            load_proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
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
        result = {"messages": n, "load": round(load, 3), "others_during": round(others, 3),
                  "disturbed": load > QUIET_LIMIT, "load_rc": load_rc,
                  "accepted_per_s": n / (accepted_at - start) if accepted_at else None,
                  "e2e_per_s": n / (e2e_at - start) if e2e_at else None,
                  "cpu_ms_per_msg": 1000 * cpu / n, "memory_mb": relay.memory_mb(), "arrived": last,
                  "load_cpu_ms_per_msg": 1000 * load_cpu / n}
        if load_rc != 0 or e2e_at is None:
            result["error"] = (f"load exited {load_rc}, sink has {last}/{n}: " + load_out[-500:]).strip()
        return result
    finally:
        stop_perf(perf)
        if load_proc and load_proc.poll() is None:
            procs.stop_popen(load_proc, grace=5)
