# `sealgate policy explain --probe`: a PHI message to a recipient whose MX has DANE-verified TLS and to
# one whose MX offers no STARTTLS; the receiving Postfix logs are the oracle (STARTTLS, no MAIL, the TLS version).
import json
import re
import subprocess

import pytest

from harness.mxhosts import TLS_FROM_LOG, MXWorld, mx_delivery_overrides
from harness.policyfiles import assert_no_leak, install_shipped, phi_message, synthetic_ssn
from harness.procs import wait_until
from harness.sealgate import Sealgate, sealgate_bin

pytestmark = pytest.mark.slow

SENDER = "a@example.org"
DOC, NURSE, PAT = "doc@dane.test", "nurse@dane.test", "pat@plain.test"
NO_KEYS = "smime: no certificate on file; pgp: no key on file"
# Postfix's summary of each session: the commands it was given, e.g. "ehlo=1 starttls=1 quit=1 commands=3".
DISCONNECT = re.compile(r"smtpd\[\d+\]: disconnect from \S+ (?P<commands>.*)")


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    w = MXWorld(certs, str(tmp_path_factory.mktemp("explain-probe-world")))
    dane = w.host("mx.dane.test", "dane-ee")
    plain = w.host("mx.plain.test", "plain")
    w.zone("dane.test", "signed", ["@ MX 10 mx", dane.a_record(), dane.tlsa_record(3, 1, 1)])
    w.zone("plain.test", "unsigned", ["@ MX 10 mx", plain.a_record()])
    w.start()
    yield w
    w.stop()


@pytest.fixture
def gw(world, tmp_path, certs):
    """A sealgate.yaml (no daemon) with the world's resolver, dane.test at level dane, the shipped
    policies (PHI: verified TLS 1.2+, then the portal) and an empty key store."""
    g = Sealgate(str(tmp_path), certs, None, mx_delivery_overrides(world, {"dane.test": "dane"}))
    install_shipped(g)
    return g


def _explain(g, msg, *extra):
    args = [sealgate_bin(), "policy", "explain", "--config", g.config_path, "--from", SENDER,
            "--to", DOC, "--to", NURSE, "--to", PAT, *extra, msg]
    p = subprocess.run(args, capture_output=True, text=True, timeout=90, cwd=g.dir)
    assert p.returncode == 0, f"{' '.join(args)} exited {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def _sessions(host) -> list:
    return [m["commands"] for m in DISCONNECT.finditer(host.log())]


def _new_sessions(host, before: int) -> list:
    """The sessions that ended since `before` (Postfix writes its log asynchronously)."""
    return wait_until(lambda: _sessions(host)[before:] or None, 20, f"a new session in {host}'s maillog")


def _message(tmp_path):
    ssn, _ = synthetic_ssn()
    path = tmp_path / "phi.eml"
    path.write_bytes(phi_message(SENDER, [DOC, NURSE, PAT], ssn))
    return str(path), ssn


def test_probe_measures_the_tls_rung_and_names_the_choice(world, gw, tmp_path):
    dane, plain = world.hosts["mx.dane.test"], world.hosts["mx.plain.test"]
    msg, ssn = _message(tmp_path)
    seen = (len(_sessions(dane)), len(_sessions(plain)), len(TLS_FROM_LOG.findall(dane.log())))

    out = _explain(gw, msg, "--probe")
    assert_no_leak(out.encode(), ssn, "policy explain --probe")
    # The receiving Postfix saw STARTTLS and no transaction, and says which TLS version it negotiated.
    dane_sessions, plain_sessions = _new_sessions(dane, seen[0]), _new_sessions(plain, seen[1])
    assert all("starttls=1" in s and "mail=" not in s for s in dane_sessions), dane_sessions
    assert all("starttls" not in s and "mail=" not in s for s in plain_sessions), plain_sessions
    versions = {m["version"] for m in TLS_FROM_LOG.finditer(dane.log())}
    assert len(TLS_FROM_LOG.findall(dane.log())) > seen[2] and len(versions) == 1, dane.log()[-2000:]
    number = versions.pop().replace("TLSv", "")

    verified = (f"     ladder: {NO_KEYS}; tls: mx.dane.test TLS {number}, certificate verified (dane-ee): "
                f"meets the requirement; portal: not configured; otherwise: portal\n"
                f"     choice: method=tls; skipped: {NO_KEYS}\n")
    unmet = (f"     ladder: {NO_KEYS}; tls: mx.plain.test offered no STARTTLS; portal: not configured; otherwise: portal\n"
             f"     choice: method=none; outcome=deferred (otherwise: portal); skipped: {NO_KEYS}; "
             f"tls: mx.plain.test offered no STARTTLS; portal: not configured\n")
    blocks = out.split("\nRecipient ")
    assert [b.split("\n", 1)[0] for b in blocks[1:]] == [DOC, NURSE, PAT], out
    assert blocks[1].endswith(verified) and blocks[2].endswith(verified), out
    assert out.endswith(unmet), out
    assert "phi-needs-verified-tls" in blocks[1] and "decided at connect time" not in out, out


def test_probe_json_carries_the_measured_outcome_and_the_choice(world, gw, tmp_path):
    dane, plain = world.hosts["mx.dane.test"], world.hosts["mx.plain.test"]
    msg, ssn = _message(tmp_path)
    seen = (len(_sessions(dane)), len(_sessions(plain)))
    out = _explain(gw, msg, "--probe", "--json")
    # Wait for the probes' sessions to be logged, so that the next test starts with quiet hosts.
    assert all("mail=" not in s for s in _new_sessions(dane, seen[0]) + _new_sessions(plain, seen[1]))
    assert_no_leak(out.encode(), ssn, "policy explain --probe --json")
    by = {e["recipient"]: e for e in json.loads(out)["recipients"]}

    doc = by[DOC]["tls_measured"]
    assert (doc["domain"], doc["host"], doc["measured"]) == ("dane.test", "mx.dane.test", "negotiated"), doc
    assert (doc["verify"], doc["trust"], doc["meets_requirement"]) == ("OK", "dane-ee", True), doc
    assert "dane-ee" in doc["requirement"] and ">= TLSv1.2" in doc["requirement"], doc
    assert by[DOC]["choice"]["method"] == "tls" and by[DOC]["choice"]["line"].startswith("method=tls; "), by[DOC]
    assert by[DOC]["ladder"][2] == doc["line"], by[DOC]
    assert by[NURSE]["tls_measured"] == doc, "same domain and floor: the same measurement"

    pat = by[PAT]["tls_measured"]
    assert (pat["host"], pat["measured"], pat["meets_requirement"]) == ("mx.plain.test", "no-starttls", False), pat
    assert pat["skip"] == {"code": "no-starttls", "reason": "tls: mx.plain.test offered no STARTTLS"}, pat
    choice = by[PAT]["choice"]
    assert ("method" not in choice, choice["outcome"], choice["fallback"]) == (True, "deferred", "portal"), choice
    assert [s["code"] for s in choice["skipped"]] == ["no-key", "no-key", "no-starttls", "portal-not-configured"], choice


def test_without_probe_nothing_is_measured(world, gw, tmp_path):
    dane, plain = world.hosts["mx.dane.test"], world.hosts["mx.plain.test"]
    connections = (dane.connections(), plain.connections())
    msg, _ = _message(tmp_path)
    out = _explain(gw, msg)
    assert out.count("tls: decided at connect time") == 3 and "choice:" not in out, out
    js = json.loads(_explain(gw, msg, "--json"))
    assert all("tls_measured" not in e and "choice" not in e for e in js["recipients"]), js
    assert (dane.connections(), plain.connections()) == connections, "explain without --probe connected to an MX"
