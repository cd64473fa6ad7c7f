# `sealgate scan [--json] FILE.eml`: the exact JSON shape for an SSN in a base64 part, an NPI in
# HTML, a PDF it cannot inspect and a clean message; exit 0 either way, 2 for unreadable input.
import json
import subprocess

import pytest

from harness.policyfiles import (assert_no_leak, bin_path, minimal_pdf, multipart_message,
                                 synthetic_npi, synthetic_ssn, text_message)

S, R = "a@example.org", "b@example.net"
FINDING_KEYS = {"type", "sample", "part", "confidence"}
UNINSPECTED_KEYS = {"part", "content_type", "reason"}


def _scan(*args):
    return subprocess.run([bin_path(), "scan", *map(str, args)], capture_output=True, timeout=30)


def _scan_json(path):
    p = _scan("--json", path)
    assert p.returncode == 0, f"scan exited {p.returncode}: {p.stderr.decode()}"
    try:
        out = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise AssertionError(f"scan --json printed invalid JSON ({e}):\n{p.stdout!r}")
    assert isinstance(out, dict) and set(out) == {"findings", "uninspected"}, \
        f'expected exactly {{"findings": [...], "uninspected": [...]}}, got {out}'
    for f in out["findings"]:
        assert set(f) == FINDING_KEYS, f"finding keys should be {sorted(FINDING_KEYS)}: {f}"
        assert isinstance(f["type"], str) and isinstance(f["sample"], str) and isinstance(f["part"], str)
        assert isinstance(f["confidence"], (int, float)) and 0 < f["confidence"] <= 1, f
    for u in out["uninspected"]:
        assert set(u) == UNINSPECTED_KEYS, f"uninspected keys should be {sorted(UNINSPECTED_KEYS)}: {u}"
    return out, p


def test_ssn_in_a_base64_part(tmp_path):
    ssn, masked = synthetic_ssn()
    msg = multipart_message(S, [R], "Notes", [
        ("text/plain; charset=utf-8", "7bit", b"Notes attached.\n", None),
        ("text/plain; charset=utf-8", "base64", f"Patient SSN: {ssn}\n".encode(), "notes.txt")])
    path = tmp_path / "ssn.eml"
    path.write_bytes(msg)
    out, p = _scan_json(path)
    assert len(out["findings"]) == 1, f"expected exactly one finding (ssn {masked} in part 2): {out}"
    f = out["findings"][0]
    assert (f["type"], f["sample"], f["part"]) == ("ssn", masked, "2"), f"expected ssn {masked} in part 2: {f}"
    assert out["uninspected"] == [], out
    assert_no_leak(p.stdout + p.stderr, ssn, "scan --json output")
    text = _scan(path)
    assert text.returncode == 0 and b"ssn" in text.stdout and masked.encode() in text.stdout, text.stdout
    assert_no_leak(text.stdout + text.stderr, ssn, "scan (text) output")


def test_npi_in_html_and_an_uninspected_pdf(tmp_path):
    npi = synthetic_npi()
    html = f"<html><body><p>Referring provider NPI: <b>{npi}</b></p><!-- x --></body></html>\n"
    msg = multipart_message(S, [R], "Referral", [
        ("text/html; charset=utf-8", "quoted-printable", html.encode(), None),
        ("application/pdf", "base64", minimal_pdf(), "referral.pdf")])
    path = tmp_path / "npi.eml"
    path.write_bytes(msg)
    out, p = _scan_json(path)
    npis = [f for f in out["findings"] if f["type"] == "npi"]
    assert len(npis) == 1 and npis[0]["part"] == "1", f"expected one npi finding in part 1: {out}"
    assert npi not in npis[0]["sample"] and "*" in npis[0]["sample"] and npis[0]["sample"].endswith(npi[-4:]), \
        f"the NPI sample must be masked (last 4 digits kept): {npis[0]}"
    assert npi.encode() not in p.stdout, "scan printed the full NPI"
    assert out["uninspected"] == [{"part": "2", "content_type": "application/pdf", "reason": "unsupported type"}], out


def test_clean_message_has_no_findings_and_exits_0(tmp_path):
    path = tmp_path / "clean.eml"
    path.write_bytes(text_message(S, [R], "Lunch", "Noon on Friday? Order 4711-22 ships today.\n"))
    out, _ = _scan_json(path)
    assert out == {"findings": [], "uninspected": []}, out


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_unreadable_input_exits_2(tmp_path, what):
    path = tmp_path / "nope.eml" if what == "missing" else tmp_path
    for args in (("--json", path), (path,)):
        p = _scan(*args)
        assert p.returncode == 2, f"scan {args} on a {what} file should exit 2, got {p.returncode}: {p.stderr}"
        assert p.stderr.strip(), "scan should say why it cannot read the input"
