# benchlib.programs: the programs a benchmark starts around the relay under test: smtp-sink
# (running counters, and optionally every message dumped to a file) and the release Sealgate.
import os
import re
import subprocess

from harness import procs
from harness.net import port_is_open
from harness.sealgate import REPO, Sealgate, merge
from harness.sinks import parse_sink_dump

from .proc import vm_hwm_mb

SINK = ("127.0.0.1", 2526)
SEALGATE_ADDR = ("127.0.0.250", 2525)


class Sink:
    """smtp-sink on 127.0.0.1:2526 with -c: it prints 'sess=N quit=N mesg=N' + CR on each event.
    With dump=True it also writes every transaction to its own file (-d), so that a benchmark can
    check what arrived; the relay benchmark leaves that off (the files cost the sink's disk time)."""

    def __init__(self, workdir: str, dump: bool = False):
        self.out_path = os.path.join(workdir, "sink.out")
        self.dump_dir = os.path.join(workdir, "sink-dump") if dump else None
        self.proc = None

    def start(self):
        if port_is_open(*SINK):
            raise SystemExit(f"bench: {SINK[0]}:{SINK[1]} is already in use")
        dump = []
        if self.dump_dir:
            os.makedirs(self.dump_dir)
            dump = ["-d", os.path.join(self.dump_dir, "%H%M%S.")]
        out = open(self.out_path, "wb")
        self.proc = subprocess.Popen(["smtp-sink", "-u", "root", "-4", "-c", *dump, f"{SINK[0]}:{SINK[1]}", "1024"],
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

    def received(self) -> list:
        """Every dumped message (harness.sinks.Received, LF line endings), oldest name first. Call it
        once the sink is stopped: smtp-sink writes a file while its DATA streams in."""
        return [parse_sink_dump(os.path.join(self.dump_dir, n)) for n in sorted(os.listdir(self.dump_dir))]

    def stop(self):
        if self.proc:
            procs.stop_popen(self.proc, grace=5)
            self.proc = None


class SealgateRelay:
    """The release Sealgate (SEALGATE_BIN) with a relay listener on 127.0.0.250:2525 delivering to
    the sink. `extra` is deep-merged into the config last (keys, dkim, ...); `policies` uses the
    shipped policies/ instead of an empty folder."""

    def __init__(self, workdir: str, certs: str, policies: bool, cert: str, extra: dict | None = None):
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
        self.sg = Sealgate(workdir, certs, f"[{SINK[0]}]:{SINK[1]}", merge(overrides, extra or {}))
        self.addr = SEALGATE_ADDR

    def start(self):
        if port_is_open(*self.addr):
            raise SystemExit(f"bench: {self.addr[0]}:{self.addr[1]} is already in use")
        self.sg.start(timeout=60)
        return self

    @property
    def pid(self) -> int:
        return self.sg.pid

    def memory_mb(self) -> float:
        return vm_hwm_mb(self.pid)

    def stop(self):
        self.sg.stop(grace=30)
