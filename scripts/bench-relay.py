#!/usr/bin/env python3
# scripts/bench-relay.py: `scripts/bench relay`, Sealgate and a private Postfix side by side on one
# machine: smtp-source (or bench-tls-load, for STARTTLS) -> relay -> smtp-sink, rates, CPU/message, memory.
#
# The machinery it shares with scripts/bench-crypto.py (/proc accounting, quiet machine, sink,
# Sealgate, the measured window) is in scripts/benchlib; the e2e harness (Tests/EndToEnd/harness)
# writes the configs and starts/stops Sealgate and Postfix by PID. Every address is in 127.0.0.0/8.
# See docs/performance.md for what is measured.
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from benchlib import REPO  # also puts Tests/EndToEnd on sys.path for the harness
from benchlib.proc import QUIET_LIMIT, fsync_rate, log, machine, tree_pss_mb
from benchlib.programs import SINK, Sink, SealgateRelay
from benchlib.session import (WorkDir, common_arguments, interrupt_on_sigterm, measure_quietly,
                              measure_until_stopped, missing_prerequisite, release_binary, report_header)
from benchlib.window import measure_window
from harness.net import port_is_open
from harness.postfix import Postfix

POSTFIX_ADDR = ("127.0.0.251", 25)
SENDER, RCPT, HELO = "bench@bench.example.test", "rcpt@example.net", "bench.example.test"

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


# --- the programs ----------------------------------------------------------------------------

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
    sink = Sink(workdir)
    try:
        sink.start()
        relay.start()
        result = measure_window(relay, sink, load_command(case, relay.addr), n, workdir, load, perf_out)
        return {"relay": relay_name, "case": case[0], **result}
    finally:
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
    p = common_arguments("relay", "Sealgate vs Postfix relay throughput, CPU/message, memory.")
    p.add_argument("--cases", default=",".join(c[0] for c in CASES),
                   help="comma-separated subset of: " + ", ".join(c[0] for c in CASES))
    p.add_argument("--relays", default="sealgate,sealgate+policy,postfix",
                   help="comma-separated subset of: " + ", ".join(RELAYS))
    p.add_argument("--perf", metavar="DIR", help="perf record -g each Sealgate run into DIR/RELAY-CASE-RUN.data "
                   "(profiling only: perf's own CPU disturbs the figures)")
    p.add_argument("--strace", metavar="DIR", help="strace -f -c each run (both relays) into DIR/RELAY-CASE-RUN.txt: "
                   "syscalls per message (profiling only)")
    args = p.parse_args()

    binary = release_binary(args.bin)
    problem = missing_prerequisite("bench relay", binary, ("smtp-source", "smtp-sink", "postfix"))
    if problem:
        log(problem)
        return 2
    runs = args.runs or (1 if args.quick else 3)
    scale = 10 if args.quick else 1
    wanted = args.cases.split(",")
    cases = [(c[0], c[1] // scale, *c[2:]) for c in CASES if c[0] in wanted]
    relays = [r for r in args.relays.split(",") if r in RELAYS]
    if not cases or not relays:
        p.error("no case or relay selected")

    interrupt_on_sigterm()
    work = WorkDir(binary)
    results = []
    try:
        if any(case[4] for case in cases):
            TLS_LOAD["binary"] = build_tls_load(work.top)
        fsyncs = fsync_rate(work.top)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        refused = measure_until_stopped("bench relay", lambda: measure_all(args, cases, runs, relays, work.top,
                                                                          work.certs, results))
        if not results:
            return 3
        header = report_header("Sealgate relay benchmark", started, fsyncs, runs, args.quick, work, results, refused)
        print(report(results, cases, relays, header))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"started": started, "machine": machine(), "fsyncs_per_s": fsyncs, "runs": runs,
                           "quick": args.quick, "disturbed": any(r["disturbed"] for r in results),
                           "incomplete": refused, "results": results}, f, indent=1)
        return 3 if refused else 1 if any("error" in r for r in results) else 0
    except KeyboardInterrupt:
        log("bench relay: interrupted; everything started was stopped")
        return 130
    finally:
        work.remove(args.keep)


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
                r, workdir = measure_quietly(
                    args.force, args.wait, lambda attempt: os.path.join(top, f"m{i}-{relay}-{case[0]}-{attempt}"),
                    lambda workdir, load: measure(relay, case, workdir, certs, load, perf_out))
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
