# The fast variant of `scripts/torture mx-away` (issue 13 item 3): the smarthost goes away for 10 s
# while a client keeps sending; every message arrives once it is back, deferrals are logged and the
# spool ends empty (the script checks all of it and exits 1 otherwise).
import os
import re
import subprocess
import sys

from harness.sealgate import REPO, sealgate_bin

FIGURE = re.compile(r"^mx-away: sent=(\d+) delivered=(\d+) lost=(\d+) away_s=\d+ deferrals=(\d+)", re.M)


def test_everything_sent_while_the_mx_was_away_arrives_when_it_returns():
    r = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "torture-mxaway.py"), "--bin", sealgate_bin(),
                        "--away", "10", "--retry", "2s", "--timeout", "120"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=220)
    assert r.returncode == 0, f"torture mx-away failed ({r.returncode}):\n{r.stdout}\n{r.stderr[-4000:]}"
    m = FIGURE.search(r.stdout)
    assert m, f"no figure line in:\n{r.stdout}\n{r.stderr[-2000:]}"
    sent, delivered, lost, deferrals = (int(x) for x in m.groups())
    assert sent >= 10 and delivered == sent and lost == 0, m.group(0)
    assert deferrals > 0, m.group(0)
