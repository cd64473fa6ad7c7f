# benchlib.proc: CPU and memory of a process tree read from /proc, the load of other processes,
# the quiet-machine check every benchmark makes before it measures, and the machine's description.
import os
import platform
import re
import shutil
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
QUIET_LIMIT = 0.10  # other processes may use at most this share of all CPUs while we measure


def log(msg: str):
    print(msg, file=sys.stderr, flush=True)


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
