# A small tmpfs mounted for one test (a disk that can fill up), unmounted afterwards; tests run as
# root, and a machine that refuses the mount fails the test rather than skipping it.
import contextlib
import os
import subprocess


@contextlib.contextmanager
def small_tmpfs(path: str, size: str):
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"cannot mount a {size} tmpfs at {path} (tests run as root): {r.stderr}"
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", path], capture_output=True)
