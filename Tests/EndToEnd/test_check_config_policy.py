# `sealgate check-config` validates the policy folder too: every mistake as file:line:col with
# exit 1, shadowed rules as warnings (exit 0), and the repo's shipped policies pass.
import re

import pytest

from harness.policyfiles import install_shipped, write_policy

DIAG = re.compile(r"^(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.+)$", re.M)

BROKEN = """
    rules:
      - name: typo-condition
        when:
          recipent_domain: example.net
        deliver: {}
      - name: typo-level
        deliver: {tls: verfy}
    """


@pytest.fixture
def gw(sealgate_factory, smtp_sink):
    return sealgate_factory(smtp_sink.smarthost, start=False)


def _diags(p):
    return [m.groupdict() for m in DIAG.finditer(p.stdout + p.stderr)]


def test_broken_policy_dir_prints_every_error_and_exits_1(gw):
    write_policy(gw, "20-broken.yaml", BROKEN)
    p = gw.cli("check-config")
    out = p.stdout + p.stderr
    assert p.returncode == 1, f"check-config with a broken policy must exit 1, got {p.returncode}:\n{out}"
    errs = [d for d in _diags(p) if d["sev"] == "error"]
    assert all(d["file"].endswith("policies/20-broken.yaml") for d in errs), errs
    where = {(int(d["line"]), int(d["col"])) for d in errs}
    assert (4, 7) in where, f"expected an error at 20-broken.yaml:4:7 (recipent_domain):\n{out}"
    typo = next(d for d in errs if (int(d["line"]), int(d["col"])) == (4, 7))
    assert "recipent_domain" in typo["msg"] and "did you mean 'recipient_domain'" in typo["msg"], typo
    level = [d for d in errs if int(d["line"]) == 7]
    assert level and "verfy" in level[0]["msg"] and "did you mean 'verify'" in level[0]["msg"], \
        f"expected the unknown TLS level on line 7 too (every error, not only the first):\n{out}"


def test_shipped_policies_pass(gw):
    install_shipped(gw)
    p = gw.cli("check-config")
    assert p.returncode == 0, f"check-config with the shipped policies exited {p.returncode}:\n{p.stdout}{p.stderr}"
    assert not [d for d in _diags(p) if d["sev"] == "error"], p.stdout + p.stderr


def test_shadowed_rule_is_a_warning_not_an_error(gw):
    install_shipped(gw)
    write_policy(gw, "95-late.yaml", """
        rules:
          - name: too-late
            when: {recipient_domain: example.net}
            hold: true
        """)
    p = gw.cli("check-config")
    out = p.stdout + p.stderr
    assert p.returncode == 0, f"a shadowed rule is only a warning, yet check-config exited {p.returncode}:\n{out}"
    warns = [d for d in _diags(p) if d["sev"] == "warning"]
    assert any(d["file"].endswith("95-late.yaml") and "too-late" in d["msg"] and "never match" in d["msg"]
               for d in warns), f"expected a 'can never match' warning at 95-late.yaml:\n{out}"
