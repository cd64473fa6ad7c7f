# benchlib.session: what every benchmark run does around its measurements: the prerequisites,
# a work directory on disk with a private copy of the binary and dev certificates, Ctrl-C and
# SIGTERM cleanup, re-measuring runs that others disturbed, and the header lines of the report.
import argparse
import os
import shutil
import signal
import subprocess
import tempfile
import time

from harness.sealgate import REPO, Sealgate

from .proc import QUIET_LIMIT, Refused, log, machine, wait_for_quiet


def common_arguments(prog: str, description: str):
    """An ArgumentParser with the options every benchmark takes; the caller adds its own (--cases...)."""
    p = argparse.ArgumentParser(prog=f"scripts/bench {prog}", description=description,
                                epilog=f"scripts/bench {prog} builds the release binary first; --no-build skips that. "
                                       "See docs/performance.md.")
    p.add_argument("--quick", action="store_true", help="1 run, 1/10 of the messages (development)")
    p.add_argument("--runs", type=int, help="runs per case (default 3; --quick: 1); medians are printed")
    p.add_argument("--force", action="store_true", help="measure even when other processes use >10%% CPU "
                   "(results are marked DISTURBED)")
    p.add_argument("--wait", type=float, default=60, help="seconds to wait for a quiet machine before refusing")
    p.add_argument("--bin", help="the sealgate binary (default: the release build's)")
    p.add_argument("--json", help="also write every run's figures to this file")
    p.add_argument("--keep", action="store_true", help="keep the work directory (configs, logs, sink output)")
    return p


def torture_arguments(prog: str, description: str):
    """An ArgumentParser with what every `scripts/torture` run takes (--bin, --keep); the caller adds its own."""
    p = argparse.ArgumentParser(prog=f"scripts/torture {prog}", description=description)
    p.add_argument("--bin", required=True, help="the sealgate binary")
    p.add_argument("--keep", action="store_true", help="keep the work directory (config, logs, sink output)")
    return p


def release_binary(given: str | None) -> str:
    """The sealgate binary to measure: `given`, or the release build's."""
    if given:
        return os.path.abspath(given)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(path, "sealgate")


def missing_prerequisite(prog: str, binary: str, tools=("smtp-source", "smtp-sink")) -> str | None:
    """Why the benchmark cannot run here (root, Debian's postfix tools, the binary), or None."""
    if os.geteuid() != 0:
        return f"{prog}: run as root (smtp-sink -u root, Postfix instances)"
    for tool in tools:
        if not shutil.which(tool):
            return f"{prog}: {tool} not found (scripts/setup installs Debian's postfix package)"
    if not os.access(binary, os.X_OK):
        return f"{prog}: no sealgate binary at {binary} (swift build -c release --product sealgate)"
    return None


def tear_down(gateway, sink, work: "WorkDir", keep: bool):
    """The end of a torture run: the gateway stopped (SIGKILL if SIGTERM does not end it in 30 s),
    the sink stopped, the work directory removed unless kept."""
    if gateway:
        try:
            gateway.stop(grace=30)
        except AssertionError as e:
            log(str(e))
            gateway.kill9()
    if sink:
        sink.stop()
    work.remove(keep)


def interrupt_on_sigterm():
    """SIGTERM and SIGHUP run the same cleanup as Ctrl-C (KeyboardInterrupt)."""
    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)


class WorkDir:
    """A directory under /var/tmp (on disk, not tmpfs: fsync is real) holding a private copy of
    the binary (other builds may replace the release binary while the bench runs; SEALGATE_BIN
    points the harness at the copy) and scripts/dev-certs' certificates in `certs`."""

    def __init__(self, binary: str):
        self.top = tempfile.mkdtemp(prefix="sealgate-bench-", dir="/var/tmp")
        os.chmod(self.top, 0o755)  # Postfix's unprivileged daemons must reach their instance directory
        self.binary = binary
        self.built = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(binary)))
        copy = os.path.join(self.top, "sealgate")
        shutil.copy2(binary, copy)
        os.environ["SEALGATE_BIN"] = copy
        self.certs = os.path.join(self.top, "certs")
        subprocess.run([os.path.join(REPO, "scripts", "dev-certs"), self.certs, Sealgate.HOSTNAME], check=True,
                       stdout=subprocess.DEVNULL)

    def path(self, *parts) -> str:
        return os.path.join(self.top, *parts)

    def remove(self, keep: bool):
        if keep:
            log(f"bench: work directory kept: {self.top}")
        else:
            shutil.rmtree(self.top, ignore_errors=True)


def measure_quietly(force: bool, wait: float, workdir_for, measure_in, tries: int = 3) -> tuple[dict, str]:
    """Waits for a quiet machine, then measure_in(workdir_for(attempt), load) -> result. Without
    --force, a run that others disturbed while it ran is measured again (its work directory
    removed), up to `tries` times. Returns the result and the work directory it used."""
    for attempt in range(tries):
        load = wait_for_quiet(force, wait)
        workdir = workdir_for(attempt)
        r = measure_in(workdir, load)
        if force or not r["disturbed"] or attempt == tries - 1:
            return r, workdir
        log(f"    others used {r['others_during']:.0%} of the CPU during the run: measuring again")
        shutil.rmtree(workdir, ignore_errors=True)
    raise AssertionError("unreachable")


def measure_until_stopped(prog: str, measure_all) -> str | None:
    """Runs measure_all(); returns why it stopped early (a busy machine, Ctrl-C/SIGTERM) or None."""
    try:
        measure_all()
        return None
    except Refused as e:
        refused = str(e)
    except KeyboardInterrupt:
        refused = "interrupted (everything started was stopped)"
    log(f"{prog}: {refused}")
    return refused


def report_header(title: str, started: str, fsyncs: float, runs: int, quick: bool, work: "WorkDir",
                  results: list, refused: str | None) -> str:
    """The lines above a report's table: when, the machine, the binary, and whether it was quiet."""
    return (f"{title}, {started}: {machine()}; one thread fsyncs {fsyncs:.0f} small files/s here.\n"
            f"{runs} run(s) per case, medians{'; QUICK (1/10 of the messages)' if quick else ''}. "
            f"Sealgate: {work.binary} (built {work.built}).\n" + quiet_line(results)
            + (f"\nINCOMPLETE: stopped early: {refused}" if refused else ""))


def quiet_line(results: list) -> str:
    """The header line that says whether other processes disturbed the measurements."""
    if any(r["disturbed"] for r in results):
        return (f"DISTURBED: other processes used up to {max(r['load'] for r in results):.0%} of the CPU "
                "before or during a run; the rows marked DISTURBED are not a benchmark result.")
    return f"Other processes used <= {QUIET_LIMIT:.0%} of the CPU before and during every run."
