#!/usr/bin/env python3
# scripts/bench-crypto.py: `scripts/bench crypto`, what S/MIME, PGP/MIME and DKIM signing cost per
# message next to plain relaying, in one run: smtp-source -> release Sealgate -> smtp-sink (dumped).
#
# Every case starts a fresh Sealgate (empty policies/: the built-in default, methods smime, pgp,
# tls, portal) whose key store or dkim config makes it encrypt or sign; a run's figures count only
# if benchlib.delivery_checks finds all the work done. See docs/performance.md.
import json
import os
import secrets
import shutil
import statistics
import sys
import time

from benchlib.proc import QUIET_LIMIT, fsync_rate, log, machine
from benchlib.programs import SealgateRelay, Sink
from benchlib.session import (WorkDir, common_arguments, interrupt_on_sigterm, measure_quietly,
                              measure_until_stopped, missing_prerequisite, release_binary, report_header)
from benchlib.window import measure_window
from harness.keymaterial import gpg_public_key, smime_certificate

try:
    from benchlib import delivery_checks as checks
except ImportError as e:  # dkimpy is the DKIM oracle
    sys.exit(f"bench crypto: {e} (scripts/setup --test installs dkimpy[ed25519])")

SENDER, RCPT, HELO = "bench@bench.example.test", "rcpt@example.net", "bench.example.test"
DKIM_DOMAIN = "bench.example.test"
SESSIONS = 20
# name, body bytes, messages (full run; --quick sends a tenth).
SIZES = [("2k", 2_048, 4_000), ("100k", 102_400, 2_000)]
# name, title, DKIM keys [(selector, algorithm)]. The order is the table's.
KINDS = [
    ("plain", "plain relay", []),
    ("smime", "S/MIME AES-256-CBC, RSA-2048", []),
    ("pgp", "PGP/MIME AES-256, Curve25519", []),
    ("dkim-rsa", "DKIM rsa-sha256 (2048)", [("r2026", "rsa")]),
    ("dkim-ed25519", "DKIM ed25519-sha256", [("e2026", "ed25519")]),
    ("dkim-both", "DKIM rsa + ed25519", [("r2026", "rsa"), ("e2026", "ed25519")]),
]
TITLES = {k[0]: k[1] for k in KINDS}
DKIM_KEYS = {k[0]: k[2] for k in KINDS}

WORDS = ("patient follow up appointment referral results laboratory clinic summary discharge plan "
         "medication review imaging report please confirm schedule thank you regards team office "
         "department the and of to for with on at from by is was will be this that").split()


def bench_message(size: int) -> tuple[bytes, "checks.Original"]:
    """A text/plain message whose body (CRLF on the wire) is `size` bytes of word-like text with
    a random marker line: (the file smtp-source -F sends, LF lines; what must arrive)."""
    rng = secrets.SystemRandom()
    marker = f"bench-plaintext-marker-{secrets.token_hex(8)}".encode()
    lines, length = [marker], len(marker) + 2
    while length < size:
        words, line = [], 0
        while line < 66:
            w = rng.choice(WORDS)
            words.append(w)
            line += len(w) + 1
        lines.append(" ".join(words).encode())
        length += len(lines[-1]) + 2
    body = b"\n".join(lines) + b"\n"
    content_type = b"Content-Type: text/plain; charset=utf-8"
    head = (f"From: Bench <{SENDER}>\nTo: <{RCPT}>\nSubject: crypto bench {size} bytes\n"
            f"Date: Mon, 23 Nov 2026 12:00:00 +0000\nMessage-ID: <crypto-bench-{size}@{DKIM_DOMAIN}>\n"
            "MIME-Version: 1.0\n").encode() + content_type + b"\nContent-Transfer-Encoding: 7bit\n"
    # smtp-source -F ends the data with one more empty line of its own (before the final dot), so
    # that line is part of the body the gateway receives.
    return head + b"\n" + body, checks.Original(body=body + b"\n", content_type=content_type, marker=marker)


def recipient_keys(top: str) -> tuple["checks.RecipientKeys", str, str]:
    """The recipient's RSA-2048 S/MIME certificate (throwaway CA) and Curve25519 OpenPGP key
    (gpg's future-default); returns the keys to decrypt with and the two files to import."""
    d = os.path.join(top, "recipient")
    os.makedirs(d)
    cert, _ = smime_certificate(d, "rcpt", RCPT, key_usage="keyEncipherment", key_type="rsa")
    asc, _, _ = gpg_public_key(d, "rcpt", RCPT)
    return checks.RecipientKeys(smime_cert=cert, smime_key=os.path.join(d, "rcpt.key"),
                                gnupg_home=os.path.join(d, "gnupg-rcpt")), cert, asc


def configure(kind: str, relay: SealgateRelay, imports: dict) -> dict:
    """Puts the recipient's key into the fresh gateway's store, or its DKIM keys into the config;
    returns the DKIM TXT records (owner -> value) for the check."""
    if kind in imports:
        relay.sg.cli_ok("keys", "import", imports[kind])
    records, entry = {}, {}
    for i, (selector, algorithm) in enumerate(DKIM_KEYS[kind]):
        owner, txt = relay.sg.dkim_keygen(DKIM_DOMAIN, selector, algorithm)
        records[owner] = txt
        prefix = "second_" if i else ""
        entry[prefix + "selector"] = selector
        entry[prefix + "key"] = f"certs/dkim/{DKIM_DOMAIN}.{selector}.key"
    if entry:
        relay.sg.config["dkim"] = {"domains": {DKIM_DOMAIN: entry}}
        relay.sg.write_config()
    return records


def check(kind: str, sink: Sink, n: int, original, keys, records: dict, workdir: str):
    """Raises CheckFailed unless every message arrived and the work was done in full."""
    received = sink.received()
    checks.check_envelopes(received, n, SENDER, RCPT)
    if kind == "plain":
        checks.check_plain(received, original)
    elif kind == "smime":
        checks.check_smime(received, original, keys, workdir)
    elif kind == "pgp":
        checks.check_pgp(received, original, keys, workdir)
    else:
        algorithms = [a for _, a in DKIM_KEYS[kind]]
        checks.check_dkim(received, original, DKIM_DOMAIN, algorithms, records)


def measure(kind: str, size, message_file: str, original, keys, imports: dict, workdir: str, certs: str,
            load: float) -> dict:
    name, _, n = size
    os.makedirs(os.path.join(workdir, "sealgate"))
    relay = SealgateRelay(os.path.join(workdir, "sealgate"), certs, False, "gateway")
    sink = Sink(workdir, dump=True)
    command = ["smtp-source", "-4", "-m", str(n), "-s", str(SESSIONS), "-F", message_file, "-f", SENDER,
               "-t", RCPT, "-M", HELO, f"{relay.addr[0]}:{relay.addr[1]}"]
    try:
        records = configure(kind, relay, imports)
        sink.start()
        relay.start()
        result = {"kind": kind, "size": name, **measure_window(relay, sink, command, n, workdir, load)}
    finally:
        try:
            relay.stop()
        finally:
            sink.stop()
    if "error" not in result:
        try:
            check(kind, sink, n, original, keys, records, workdir)
        except checks.CheckFailed as e:
            result["check_failed"] = str(e)
    return result


# --- report ----------------------------------------------------------------------------------

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def report(results: list, sizes: list, header: str) -> str:
    cols = (f"{'messages':<18} {'case':<30} {'msgs/s':>7} {'accepted/s':>10} {'CPU ms/msg':>10} {'mem MB':>6}"
            f" | {'msgs/s xplain':>13} {'CPU +ms/msg':>11}")
    lines = [header, "", cols, "-" * len(cols)]
    failures = []
    for size_name, size, n in sizes:
        plain = None
        first = True
        for kind, title, _ in KINDS:
            rs = [r for r in results if r["size"] == size_name and r["kind"] == kind]
            if not rs:
                continue
            label = f"{n:,} x {size // 1024} KB" if first else ""
            first = False
            bad = [r for r in rs if "error" in r or "check_failed" in r]
            if bad:
                failures += [f"  {n:,} x {size // 1024} KB, {title}, run {r['run']}: "
                             + (r.get("check_failed") or r["error"]) for r in bad]
                lines.append(f"{label:<18} {title:<30} {'CHECK FAILED (below): no figures':>47}")
                continue
            v = {k: median([r[k] for r in rs]) for k in ("e2e_per_s", "accepted_per_s", "cpu_ms_per_msg", "memory_mb")}
            if kind == "plain":
                plain = v
            line = (f"{label:<18} {title:<30} {v['e2e_per_s']:7.0f} {v['accepted_per_s']:10.0f} "
                    f"{v['cpu_ms_per_msg']:10.2f} {v['memory_mb']:6.0f} |")
            if plain and kind != "plain":
                line += (f" {v['e2e_per_s'] / plain['e2e_per_s']:12.2f}x "
                         f"{v['cpu_ms_per_msg'] - plain['cpu_ms_per_msg']:+11.2f}")
            lines.append(line + (" DISTURBED" if any(r["disturbed"] for r in rs) else ""))
    lines += ["",
              f"msgs/s: messages / time until smtp-sink had every one ({SESSIONS} smtp-source sessions). accepted/s: "
              "until the",
              "last 250. CPU ms/msg: Sealgate's user+system CPU over the run / messages. xplain, +ms: against plain relay",
              "at the same size in the same run. Every row passed the checks: every message arrived whole, encrypted",
              "(S/MIME, PGP) or signed (DKIM) as asked; one sample per run decrypted with openssl cms / gpg to the",
              "original body, or verified with dkimpy."]
    if failures:
        lines += ["", "FAILED: these runs did not do the work in full, so they have no figures:"] + failures
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------

def main() -> int:
    p = common_arguments("crypto", "S/MIME, PGP/MIME and DKIM cost per message next to plain relaying.")
    p.add_argument("--cases", default=",".join(k[0] for k in KINDS),
                   help="comma-separated subset of: " + ", ".join(k[0] for k in KINDS) + " (plain is always run)")
    p.add_argument("--sizes", default=",".join(s[0] for s in SIZES), help="comma-separated subset of: 2k, 100k")
    args = p.parse_args()

    binary = release_binary(args.bin)
    problem = missing_prerequisite("bench crypto", binary, ("smtp-source", "smtp-sink", "openssl", "gpg"))
    if problem:
        log(problem)
        return 2
    runs = args.runs or (1 if args.quick else 3)
    scale = 10 if args.quick else 1
    sizes = [(s[0], s[1], s[2] // scale) for s in SIZES if s[0] in args.sizes.split(",")]
    kinds = ["plain"] + [k[0] for k in KINDS if k[0] != "plain" and k[0] in args.cases.split(",")]
    if not sizes:
        p.error("no size selected")

    interrupt_on_sigterm()
    work = WorkDir(binary)
    results = []
    try:
        keys, cert, asc = recipient_keys(work.top)
        fsyncs = fsync_rate(work.top)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        refused = measure_until_stopped("bench crypto", lambda: measure_all(
            args, sizes, kinds, runs, work, keys, {"smime": cert, "pgp": asc}, results))
        if not results:
            return 3
        header = report_header("Sealgate crypto benchmark", started, fsyncs, runs, args.quick, work, results, refused)
        print(report(results, sizes, header))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"started": started, "machine": machine(), "runs": runs, "quick": args.quick,
                           "disturbed": any(r["disturbed"] for r in results), "incomplete": refused,
                           "results": results}, f, indent=1)
        failed = any("error" in r or "check_failed" in r for r in results)
        return 3 if refused else 1 if failed else 0
    except KeyboardInterrupt:
        log("bench crypto: interrupted; everything started was stopped")
        return 130
    finally:
        work.remove(args.keep)


def measure_all(args, sizes, kinds, runs, work, keys, imports, results):
    """Per size and run, every case in turn (so plain relay and each crypto case meet the same
    conditions); appends to results as it goes."""
    total, i = len(sizes) * runs * len(kinds), 0
    for size in sizes:
        message_file = work.path(f"message-{size[0]}.eml")
        data, original = bench_message(size[1])
        with open(message_file, "wb") as f:
            f.write(data)
        for run in range(runs):
            for kind in kinds:
                i += 1
                log(f"[{i}/{total}] {size[2]:,} x {size[1] // 1024} KB: {TITLES[kind]}, run {run + 1}/{runs}")
                r, workdir = measure_quietly(
                    args.force, args.wait, lambda attempt: work.path(f"m{i}-{kind}-{size[0]}-{attempt}"),
                    lambda workdir, load: measure(kind, size, message_file, original, keys, imports, workdir,
                                                  work.certs, load))
                r["run"] = run + 1
                results.append(r)
                e2e = r["e2e_per_s"]
                log((f"    {e2e:.0f} msgs/s, CPU {r['cpu_ms_per_msg']:.2f} ms/msg" if e2e else "    no rate")
                    + (f"; others used {r['others_during']:.0%} during the run" if r["others_during"] > QUIET_LIMIT else "")
                    + (f"  ERROR: {r['error']}" if "error" in r else "")
                    + (f"  CHECK FAILED: {r['check_failed']}" if "check_failed" in r else ""))
                if not args.keep:
                    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
