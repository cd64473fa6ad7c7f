# `sealgate probe DOMAIN --json` must tell the truth: its MX/DNSSEC/TLSA/MTA-STS findings are
# checked against the zones we serve, and its STARTTLS results against posttls-finger's.
import json
import re
import subprocess

import pytest

from harness import reftools
from harness.mxhosts import MXWorld, mx_delivery_overrides
from harness.sealgate import sealgate_bin
from harness.ststest import STSServer, policy_text

pytestmark = pytest.mark.slow

# The JSON shape these tests read (spelled out so that Sealgate can match it):
# {"domain": "dane.test", "mx_dnssec": "secure",
#  "mx": [{"host": "mx.dane.test", "preference": 10, "dnssec": "secure", "addresses": ["127.0.0.N"],
#          "tlsa": [{"usage": 3, "selector": 1, "matching_type": 1, "data": "…", "match": true}],
#          "starttls": {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384", "bits": 256,
#                       "subject": "…", "verify": "OK", "trust": "dane-ee", "days_until_expiry": 29},
#          "meets_requirement": true}],
#  "mta_sts": null | {"mode": "enforce", "mx": ["mx-ca.sts.test"], "max_age": 86400, "id": "1"},
#  "requirement": {...}}


def _get(obj: dict, *names, default=None):
    for n in names:
        if isinstance(obj, dict) and n in obj:
            return obj[n]
    return default


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    d = str(tmp_path_factory.mktemp("probe-world"))
    w = MXWorld(certs, d)
    dane = w.host("mx.dane.test", "dane-ee")
    insecure = w.host("mx-ca.insecure.test", "ca")
    sts_mx = w.host("mx-ca.sts.test", "ca")
    w.sts = STSServer(certs, d, {"mta-sts.sts.test": policy_text("enforce", ["mx-ca.sts.test"])})
    w.add_service(w.sts.start, w.sts.stop)
    w.zone("dane.test", "signed", ["@ MX 10 mx", dane.a_record(), dane.tlsa_record(3, 1, 1)])
    w.zone("insecure.test", "unsigned", ["@ MX 10 mx-ca", insecure.a_record()])
    w.zone("sts.test", "unsigned", ["@ MX 10 mx-ca", sts_mx.a_record(), '_mta-sts TXT "v=STSv1; id=1;"']
           + w.sts.a_records())
    w.start()
    yield w
    w.stop()


@pytest.fixture(scope="module")
def gwconf(world, tmp_path_factory, certs):
    """A sealgate.yaml for the probe (no daemon needed): the world's resolver and the test CA."""
    from harness.sealgate import Sealgate
    d = str(tmp_path_factory.mktemp("probe-gw"))
    g = Sealgate(d, certs, None, mx_delivery_overrides(world, {"dane.test": "dane", "sts.test": "may"}))
    return g


def _probe(g, domain) -> dict:
    p = subprocess.run([sealgate_bin(), "probe", domain, "--json", "--config", g.config_path],
                       capture_output=True, text=True, timeout=90, cwd=g.dir)
    assert p.returncode == 0, f"sealgate probe {domain} --json exited {p.returncode}\n{p.stdout}\n{p.stderr}"
    try:
        out = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise AssertionError(f"sealgate probe printed invalid JSON ({e}):\n{p.stdout}") from None
    assert isinstance(out, dict), f"probe --json should print an object: {out!r}"
    return out


def _mx(probe: dict, host: str) -> dict:
    mxs = _get(probe, "mx", "mx_hosts", "hosts", default=[]) or []
    names = [str(_get(m, "host", "name", "hostname", default="")).rstrip(".") for m in mxs]
    assert host in names, f"probe lists MX hosts {names}, expected {host}:\n{json.dumps(probe, indent=1)}"
    return mxs[names.index(host)]


def _dnssec(probe: dict, mx: dict) -> str:
    return str(_get(mx, "dnssec", default=_get(probe, "mx_dnssec", "dnssec", default=""))).lower()


TLS_FROM_LOG = re.compile(r"TLS connection established from \S+: (TLSv[\d.]+) with cipher (\S+)")


def _starttls_matches_finger(mx: dict, finger: reftools.Finger, host: str, mxhost=None):
    """The probe's protocol version agrees with posttls-finger's. The cipher is each client's own
    (TLS 1.3 servers honour the client's preference, and BoringSSL and OpenSSL order AES-128 and
    AES-256 differently), so the probe's cipher is checked against the receiving Postfix's log
    of the probe's own connection instead."""
    st = _get(mx, "starttls", "tls", default=None)
    assert st, f"probe has no STARTTLS result for {host}: {mx}"
    assert finger.tls, f"posttls-finger negotiated no TLS with {host}:\n{finger.output}"
    assert str(_get(st, "version")).replace("TLSv", "") == finger.tls["version"].replace("TLSv", ""), \
        f"probe says {st}, posttls-finger says {finger.tls}"
    if mxhost is not None:
        seen = [(v, c) for v, c in TLS_FROM_LOG.findall(mxhost.log())]
        assert (str(_get(st, "version")), _get(st, "cipher")) in seen, \
            f"probe says {st}; the receiving Postfix logged {seen}"
    return st


def test_probe_dane_test(world, gwconf):
    probe = _probe(gwconf, "dane.test")
    mx = _mx(probe, "mx.dane.test")
    assert _dnssec(probe, mx) == "secure", f"dane.test is signed: the MX answer is secure: {mx}"
    tlsa = _get(mx, "tlsa", default=[]) or []
    assert tlsa, f"probe shows no TLSA records for mx.dane.test: {mx}"
    assert any(_get(t, "match", "matches", "matched") is True for t in tlsa), f"the 3 1 1 record matches: {tlsa}"
    finger = reftools.posttls_finger(world.resolv_conf, "[mx.dane.test]:25", "dane")
    assert finger.verified, f"posttls-finger did not DANE-verify mx.dane.test:\n{finger.output}"
    st = _starttls_matches_finger(mx, finger, "mx.dane.test", world.hosts["mx.dane.test"])
    assert _get(st, "verify") == "OK" and _get(st, "trust") == "dane-ee", st
    assert _get(mx, "meets_requirement", "meets") is True, f"mx.dane.test meets level dane: {mx}"


def test_probe_insecure_test(world, gwconf, certs):
    probe = _probe(gwconf, "insecure.test")
    mx = _mx(probe, "mx-ca.insecure.test")
    assert _dnssec(probe, mx) == "insecure", f"insecure.test is unsigned: {mx}"
    assert not any(_get(t, "match", "matches") for t in (_get(mx, "tlsa", default=[]) or [])), mx
    finger = reftools.posttls_finger(world.resolv_conf, "[mx-ca.insecure.test]:25", "verify",
                                     cafile=f"{certs}/ca.pem")
    assert finger.verified, f"posttls-finger should verify the test-CA host:\n{finger.output}"
    st = _starttls_matches_finger(mx, finger, "mx-ca.insecure.test", world.hosts["mx-ca.insecure.test"])
    assert _get(st, "verify") == "OK", f"the test CA is trusted through delivery.ca_file: {st}"
    assert _get(st, "trust") not in ("dane-ee", "dane-ta"), st


def test_probe_sts_test(world, gwconf, certs):
    probe = _probe(gwconf, "sts.test")
    sts = _get(probe, "mta_sts", "mta_sts_policy", "sts")
    assert sts, f"probe shows no MTA-STS policy for sts.test:\n{json.dumps(probe, indent=1)}"
    policy = _get(sts, "policy", default=sts)
    assert _get(policy, "mode") == "enforce", sts
    assert [str(m).rstrip(".") for m in (_get(policy, "mx", default=[]) or [])] == ["mx-ca.sts.test"], sts
    mx = _mx(probe, "mx-ca.sts.test")
    finger = reftools.posttls_finger(world.resolv_conf, "[mx-ca.sts.test]:25", "verify",
                                     cafile=f"{certs}/ca.pem")
    st = _starttls_matches_finger(mx, finger, "mx-ca.sts.test", world.hosts["mx-ca.sts.test"])
    assert _get(st, "verify") == "OK", st
    assert _get(mx, "meets_requirement", "meets") is True, f"mx-ca.sts.test is listed and valid: {mx}"
