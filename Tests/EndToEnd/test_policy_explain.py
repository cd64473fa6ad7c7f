# `sealgate policy explain`: for each recipient the matched rule (shipped policies plus a reject
# rule sorted before 10-phi), with no SSN digits in the JSON or text output; `policy check` on a folder.
import json
import subprocess

import pytest

from harness.policyfiles import (assert_no_leak, bin_path, install_shipped, phi_message,
                                 synthetic_ssn, text_message, write_policy)

S = "a@example.org"
OK_RCPT, FREEMAIL = "doc@example.net", "pat@gmail.com"

FREEMAIL_RULE = """
    rules:
      - name: no-ssn-to-freemail
        when:
          recipient_domain: [gmail.com, yahoo.com]
          phi: {types: [ssn]}
        reject: "550 5.7.1 Social Security numbers may not be sent to free-mail addresses"
    """


@pytest.fixture
def pdir(tmp_path):
    d = str(tmp_path / "policies")
    install_shipped(d)
    write_policy(d, "05-freemail.yaml", FREEMAIL_RULE)
    return d


def _explain(pdir, path, *rcpts, json_out=True):
    args = [bin_path(), "policy", "explain", "--from", S, "--policies", pdir]
    for r in rcpts:
        args += ["--to", r]
    if json_out:
        args.append("--json")
    return subprocess.run([*args, str(path)], capture_output=True, timeout=30)


def _rule_of(entry) -> str:
    return str(entry.get("decision_rule") or (entry.get("trace") or {}).get("matched_rule") or entry.get("rule"))


def test_explain_names_the_rule_per_recipient_without_the_ssn(pdir, tmp_path):
    ssn, _ = synthetic_ssn()
    path = tmp_path / "m.eml"
    path.write_bytes(phi_message(S, [OK_RCPT, FREEMAIL], ssn))
    p = _explain(pdir, path, OK_RCPT, FREEMAIL)
    assert p.returncode == 0, p.stderr.decode()
    assert_no_leak(p.stdout + p.stderr, ssn, "policy explain --json")
    out = json.loads(p.stdout)
    entries = out.get("recipients") if isinstance(out, dict) else out
    assert isinstance(entries, list) and len(entries) == 2, f"one entry per recipient expected: {out}"
    by = {e.get("recipient"): e for e in entries}
    assert set(by) == {OK_RCPT, FREEMAIL}, f"entries should name their recipient: {list(by)}"
    assert _rule_of(by[OK_RCPT]) == "10-phi.yaml:5 phi-needs-verified-tls", by[OK_RCPT]
    assert _rule_of(by[FREEMAIL]) == "05-freemail.yaml:2 no-ssn-to-freemail", by[FREEMAIL]
    t = by[OK_RCPT]["trace"]
    assert t.get("action") == "deliver" and t.get("findings_summary") == {"ssn": 1}, t
    assert str(by[FREEMAIL]["trace"].get("action")).startswith("reject"), by[FREEMAIL]

    text = _explain(pdir, path, OK_RCPT, FREEMAIL, json_out=False)
    assert text.returncode == 0, text.stderr.decode()
    assert_no_leak(text.stdout + text.stderr, ssn, "policy explain (text)")
    assert b"10-phi.yaml:5 phi-needs-verified-tls" in text.stdout and b"no-ssn-to-freemail" in text.stdout


def test_explain_clean_message_takes_the_default_rule(pdir, tmp_path):
    path = tmp_path / "clean.eml"
    path.write_bytes(text_message(S, [FREEMAIL], "Lunch", "Noon?\n"))
    p = _explain(pdir, path, FREEMAIL)
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    [e] = out["recipients"]
    assert _rule_of(e) == "90-default.yaml:4 no-phi-opportunistic-tls", e


def test_policy_check_on_the_folder(pdir):
    p = subprocess.run([bin_path(), "policy", "check", pdir], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    write_policy(pdir, "16-bad.yaml", "rules:\n  - name: x\n    deliver: {tls: verfy}\n")
    p = subprocess.run([bin_path(), "policy", "check", pdir], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "16-bad.yaml:3:" in p.stdout + p.stderr, p.stdout + p.stderr
