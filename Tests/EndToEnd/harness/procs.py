# Process helpers: wait for a condition with a deadline, and stop a process by PID
# (SIGTERM, then SIGKILL after a grace period). Nothing here kills by name.
import os
import signal
import time


class Timeout(AssertionError):
    pass


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Poll predicate until it returns a truthy value; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Timeout(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie that is not our child still answers kill(0); check its state.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop_popen(proc, grace: float = 10.0) -> int:
    """SIGTERM a subprocess.Popen, SIGKILL it after `grace` seconds; returns its exit status."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            return proc.wait(timeout=grace)
        except Exception:
            pass
    if proc.poll() is None:
        proc.kill()
    return proc.wait(timeout=10)


def stop_pid(pid: int, grace: float = 10.0):
    """SIGTERM a process that is not our child, SIGKILL it after `grace` seconds."""
    if not pid_alive(pid):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        wait_until(lambda: not pid_alive(pid), grace, f"pid {pid} to exit")
    except Timeout:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def children(pid: int) -> list[int]:
    """Direct children of pid (from /proc/PID/task/*/children)."""
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out
