# The fast variant of `scripts/torture crash` (issue 13 item 1): smtp-source sends through the
# gateway to smtp-sink while both are killed with SIGKILL and restarted; every acknowledged message
# arrives whole, duplicates only around a kill, and the spool ends empty (the script checks all of it).
import os
import re
import subprocess
import sys

import pytest

from harness.sealgate import REPO, sealgate_bin

FIGURE = re.compile(r"^crash: accepted=(\d+) delivered=(\d+) lost=(\d+) duplicated=(\d+) kills=(\d+)", re.M)


def run_crash(*args) -> re.Match:
    r = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "torture-crash.py"), "--bin", sealgate_bin(),
                        "--timeout", "300", *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=420)
    assert r.returncode == 0, f"torture crash failed ({r.returncode}):\n{r.stdout}\n{r.stderr[-4000:]}"
    m = FIGURE.search(r.stdout)
    assert m, f"no figure line in:\n{r.stdout}\n{r.stderr[-2000:]}"
    return m


@pytest.mark.parametrize("extra", [["--sink-kills", "1"], ["--policies", "shipped"]], ids=["sink-kill", "shipped-policies"])
def test_every_acknowledged_message_survives_kill_9(extra):
    m = run_crash("--messages", "1200", "--kills", "2", "--seed", "13", *extra)
    accepted, delivered, lost, _, kills = (int(x) for x in m.groups())
    assert accepted == 1200 and delivered == accepted and lost == 0, m.group(0)
    assert kills == 2, m.group(0)
