# benchlib: the machinery scripts/bench-relay.py and scripts/bench-crypto.py share (CPU accounting
# from /proc, the quiet-machine check, the sink, the Sealgate under test, the measured load window).
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The e2e harness (Tests/EndToEnd/harness) writes configs and starts/stops Sealgate and Postfix by PID.
sys.path.insert(0, os.path.join(REPO, "Tests", "EndToEnd"))
