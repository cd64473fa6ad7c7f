# Fixtures for the end-to-end suite: test certificates (once per session), smarthosts
# (smtp-sink, PySink, Postfix), and sealgate instances. Every process is stopped by PID in a
# finalizer, also when the test fails; everything lives in pytest's temp dirs.
import os
import signal
import subprocess
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

import pytest

from harness import net
from harness.postfix import Postfix
from harness.sealgate import REPO, Sealgate
from harness.sinks import PySink, SmtpSink

TEST_TIME_LIMIT = 240  # seconds; the whole suite must stay well under 10 minutes


@pytest.fixture(autouse=True)
def _time_limit():
    def expired(signum, frame):
        raise TimeoutError(f"test exceeded {TEST_TIME_LIMIT}s")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_TIME_LIMIT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> str:
    """scripts/dev-certs output: ca.pem, gateway.{pem,key} for gw.example.test, mx.*, client.*."""
    d = str(tmp_path_factory.mktemp("certs"))
    subprocess.run([os.path.join(REPO, "scripts", "dev-certs"), d, Sealgate.HOSTNAME], check=True,
                   capture_output=True, timeout=60)
    return d


@pytest.fixture
def sink_factory(tmp_path):
    """make(start=True, extra_args=()) -> SmtpSink on a fresh 127.0.0.N:port."""
    made = []

    def make(start=True, extra_args=()):
        ip, port = net.endpoint()
        d = tmp_path / f"sink{len(made)}"
        d.mkdir()
        s = SmtpSink(ip, port, str(d), extra_args)
        made.append(s)
        return s.start() if start else s
    yield make
    for s in made:
        s.stop()


@pytest.fixture
def smtp_sink(sink_factory) -> SmtpSink:
    return sink_factory()


@pytest.fixture
def pysink_factory():
    """make(reject={addr: reply}, start=True) -> PySink on a fresh 127.0.0.N:port."""
    made = []

    def make(reject=None, start=True):
        ip, port = net.endpoint()
        s = PySink(ip, port, reject)
        made.append(s)
        return s.start() if start else s
    yield make
    for s in made:
        s.stop()


@pytest.fixture
def sealgate_factory(tmp_path, certs):
    """make(smarthost, overrides=None, wrap=None, start=True, env=None) -> Sealgate. `overrides` is
    deep-merged into the default config (None deletes a key); `wrap` prefixes the command (strace);
    `env` is added to the daemon's environment."""
    made = []

    def make(smarthost, overrides=None, wrap=None, start=True, env=None):
        d = tmp_path / f"sealgate{len(made)}"
        d.mkdir()
        g = Sealgate(str(d), certs, smarthost, overrides, wrap, env)
        made.append(g)
        return g.start() if start else g
    yield make
    for g in made:
        try:
            g.stop()
        except Exception as e:  # report, but make sure it is gone
            print(f"stopping sealgate failed: {e}")
            g.kill9()
        print(f"--- sealgate log ({g.log_path}), last 3000 chars:\n{g.log()[-3000:]}")


@pytest.fixture
def sealgate(sealgate_factory, smtp_sink) -> Sealgate:
    """A running sealgate relaying to the test's smtp_sink."""
    return sealgate_factory(smtp_sink.smarthost)


@pytest.fixture
def postfix_factory():
    """relay_client(relayhost, extra=None) / tls_smarthost(cert, key, extra=None): started Postfix."""
    made = []

    class Factory:
        @staticmethod
        def relay_client(relayhost, extra=None):
            ip, port = net.endpoint()
            p = Postfix.relay_client(ip, port, None, relayhost, extra)
            made.append(p)
            return p.start()

        @staticmethod
        def tls_smarthost(cert, key, extra=None):
            ip, port = net.endpoint()
            p = Postfix.tls_smarthost(ip, port, None, cert, key, extra=extra)
            made.append(p)
            return p.start()
    yield Factory
    for p in made:
        p.stop()
        print(f"--- postfix maillog ({p.maillog}), last 3000 chars:\n{p.log()[-3000:]}")
        p.cleanup()


# --- the attack battery's tally (issue 13 item 5): each attack a test makes is counted -----------

class AttackTally:
    """How many attacks the suite tried and how many the gateway refused; printed at the end."""

    def __init__(self):
        self.tried = self.refused = 0

    def __call__(self, refused: bool) -> bool:
        self.tried += 1
        self.refused += bool(refused)
        return refused


_ATTACKS = pytest.StashKey[AttackTally]()


def pytest_configure(config):
    config.stash[_ATTACKS] = AttackTally()


@pytest.fixture
def attack(request) -> AttackTally:
    """attack(refused) counts one attack; returns `refused` so a test can assert on it."""
    return request.config.stash[_ATTACKS]


_LEAKS = pytest.StashKey[tuple]()


def pytest_sessionfinish(session, exitstatus):
    """The PHI-leak sweep over everything the run's gateways wrote; a hit fails the run."""
    from harness import phileak
    from harness.policyfiles import ISSUED_SSNS
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or not ISSUED_SSNS:
        return
    files, hits = phileak.sweep(str(factory.getbasetemp()), ISSUED_SSNS)
    session.config.stash[_LEAKS] = (files, hits)
    if hits:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tally = config.stash.get(_ATTACKS, None)
    if tally and tally.tried:
        terminalreporter.write_line(f"attacks: tried={tally.tried} refused={tally.refused}")
    leaks = config.stash.get(_LEAKS, None)
    if leaks:
        files, hits = leaks
        terminalreporter.write_line(f"phi-leak: files={files} hits={len(hits)}")
        for path, ssn in hits[:20]:
            terminalreporter.write_line(f"  PHI LEAK: an issued SSN ({ssn[:3]}-**-****) is in {path}")
