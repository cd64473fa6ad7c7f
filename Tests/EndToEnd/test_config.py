# `sealgate check-config`: a valid file prints "config OK"; a broken one exits 1 and prints
# every error as file:line:col: message, pointing at the offending line.
import os
import re
import subprocess

from harness.sealgate import Sealgate, sealgate_bin

ERR = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$", re.M)


def _check(path):
    p = subprocess.run([sealgate_bin(), "check-config", "--config", path], capture_output=True,
                       text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def _errors(path, stderr):
    errs = [m.groupdict() for m in ERR.finditer(stderr)]
    for e in errs:
        assert e["file"] == path or os.path.basename(e["file"]) == os.path.basename(path), e
    return errs


def _write(tmp_path, text, name="sealgate.yaml"):
    p = tmp_path / name
    p.write_text(text)
    (tmp_path / "policies").mkdir(exist_ok=True)   # the default `policies:` folder, empty: no rules
    return str(p)


GOOD = """\
hostname: gw.example.test
listeners:
  - {name: relay, address: "127.0.0.1:2525", tls: none, auth: none}
spool: var/spool
delivery: {smarthost: "[127.0.0.1]:2526"}
"""


def test_the_harness_config_is_valid(tmp_path, certs):
    g = Sealgate(str(tmp_path), certs, "[127.0.0.1]:2526")
    rc, out, err = _check(g.config_path)
    assert rc == 0 and "config OK" in out + err, out + err


def test_minimal_config_is_valid(tmp_path):
    rc, out, err = _check(_write(tmp_path, GOOD))
    assert rc == 0 and "config OK" in out + err, out + err


def test_unknown_key_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, GOOD + "bogus_key: 1\n")
    rc, out, err = _check(path)
    assert rc == 1
    errs = _errors(path, err)
    assert [e for e in errs if e["line"] == "6" and e["col"] == "1" and "bogus_key" in e["msg"]], err


def test_bad_listener_address_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, GOOD.replace('"127.0.0.1:2525"', '"127.0.0.1:notaport"'))
    rc, out, err = _check(path)
    assert rc == 1
    assert [e for e in _errors(path, err) if e["line"] == "3"], err


def test_missing_smarthost_means_mx_delivery(tmp_path):
    # Like Postfix without a relayhost: no smarthost is valid and means direct MX delivery.
    path = _write(tmp_path, GOOD.replace('delivery: {smarthost: "[127.0.0.1]:2526"}\n', ""))
    rc, out, err = _check(path)
    assert rc == 0 and "config OK" in out + err, out + err


def test_missing_policy_directory_is_an_error(tmp_path):
    # Fail closed: a gateway for PHI must not run without the policies it was pointed at.
    path = _write(tmp_path, GOOD + "policies: no-such-dir/\n")
    rc, out, err = _check(path)
    assert rc == 1 and "policy directory not found" in err, err


def test_every_error_is_printed(tmp_path):
    text = GOOD.replace('"127.0.0.1:2525"', '"999.0.0.1:2525"').replace("tls: none", "tls: sometimes")
    path = _write(tmp_path, text + "limits: {max_message_size: lots}\nretries: 3\n")
    rc, out, err = _check(path)
    assert rc == 1
    lines = {e["line"] for e in _errors(path, err)}
    assert {"3", "6", "7"} <= lines, f"expected errors on lines 3, 6 and 7:\n{err}"


def test_bad_duration_is_reported(tmp_path):
    path = _write(tmp_path, GOOD + "limits: {command_timeout: 5 minutes}\n")
    rc, out, err = _check(path)
    assert rc == 1 and [e for e in _errors(path, err) if e["line"] == "6"], err


def test_serve_refuses_a_broken_config(tmp_path):
    path = _write(tmp_path, GOOD + "bogus_key: 1\n")
    p = subprocess.run([sealgate_bin(), "serve", "--config", path], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode != 0 and "sealgate: ready" not in p.stderr
