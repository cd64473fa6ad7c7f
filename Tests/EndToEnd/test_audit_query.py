# `sealgate audit query|message|summary` against a real run: mail to three Postfix MX hosts (verified
# TLS, TLS 1.2 unverified, no TLS), then filters, JSON lines and CSV parsed back, bad values exit 2.
import csv
import hashlib
import io
import json
import os
import subprocess

import pytest

from harness.mail import make_message
from harness.sealgate import sealgate_bin
from harness.mxhosts import MXWorld, mx_delivery_overrides, submit, unique_sender, wait_outcome

pytestmark = pytest.mark.slow

LEVELS = {"verify.test": "verify"}   # plain.test and tls12.test: the default, may


@pytest.fixture(scope="module")
def world(certs, tmp_path_factory):
    w = MXWorld(certs, str(tmp_path_factory.mktemp("audit-world")))
    for name, kind in (("mx-ca.verify.test", "ca"), ("mx.plain.test", "plain"), ("mx.tls12.test", "tls12")):
        h = w.host(name, kind)
        w.zone(name.split(".", 1)[1], "signed", [f"@ MX 10 {name}.", h.a_record()])
    w.start()
    yield w
    w.stop()


@pytest.fixture
def run(world, sealgate_factory):
    """A gateway that delivered one message to each host: {domain: (qid, message_id, sender)}."""
    gw = sealgate_factory(None, mx_delivery_overrides(world, LEVELS))
    sent = {}
    for domain in ("verify.test", "plain.test", "tls12.test"):
        sender = unique_sender(domain.split(".")[0])
        msg, marker = make_message(f"audit query {domain}")
        qid = submit(gw, sender, f"rcpt@{domain}", msg)
        event, recs = wait_outcome(gw, qid)
        assert event == "delivered", f"{domain}: {event}: {recs}"
        sent[domain] = (qid, f"<{marker}@client.example>", sender)
    return gw, sent


def _delivered(gw, *filters):
    return {r["recipient"] for r in gw.audit_query("--outcome", "delivered", *filters)}


def test_filters_find_exactly_the_expected_deliveries(run):
    gw, sent = run
    everyone = {"rcpt@verify.test", "rcpt@plain.test", "rcpt@tls12.test"}
    assert _delivered(gw) == everyone
    # The auditor's question: only the plaintext hop, nothing that had TLS.
    unencrypted = gw.audit_query("--unencrypted")
    assert [(r["recipient"], r["queue_id"], r["tls"]) for r in unencrypted] == \
        [("rcpt@plain.test", sent["plain.test"][0], None)], unencrypted
    assert _delivered(gw, "--tls-below", "1.2") == {"rcpt@plain.test"}
    not13 = {r["recipient"] for r in gw.audit_query("--outcome", "delivered") if (r["tls"] or {}).get("version") != "TLSv1.3"}
    assert {"rcpt@plain.test", "rcpt@tls12.test"} <= not13
    assert _delivered(gw, "--tls-below", "1.3") == not13
    assert _delivered(gw, "--domain", "tls12.test") == {"rcpt@tls12.test"}
    assert _delivered(gw, "--recipient", "RCPT@verify.test") == {"rcpt@verify.test"}
    assert _delivered(gw, "--method", "tls") == everyone
    assert _delivered(gw, "--method", "smime") == set()
    qid, mid, sender = sent["verify.test"]
    by_sender = gw.audit_query("--sender", sender)
    assert [r["event"] for r in by_sender][:1] == ["accepted"] and {r["queue_id"] for r in by_sender} == {qid}
    by_mid = gw.audit_query("--message-id", mid)
    assert [r["sequence"] for r in by_mid] == [r["sequence"] for r in by_sender]
    assert by_mid[0]["message_id"] == mid
    assert {r["queue_id"] for r in gw.audit_query("--queue-id", sent["plain.test"][0])} == {sent["plain.test"][0]}
    assert gw.audit_query("--node", "no-such-node") == []
    assert len(gw.audit_query("--node", gw.HOSTNAME)) == len(gw.audit_query())
    assert gw.audit_query("--since", "2000-01-01", "--until", "2000-01-02") == []
    assert _delivered(gw, "--since", "2000-01-01") == everyone


def test_json_lines_and_csv_parse_back_with_the_same_records(run):
    gw, _ = run
    records = gw.audit_query()
    # Bytes, not text mode: universal newlines would hide the CRLFs.
    p = subprocess.run([sealgate_bin(), "audit", "query", "--csv", "--config", gw.config_path], capture_output=True,
                       timeout=30, cwd=gw.dir)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode("utf-8")
    assert out.endswith("\r\n") and out.count("\r\n") == len(records) + 1, "RFC 4180 lines end in CRLF"
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [int(r["sequence"]) for r in rows] == [r["sequence"] for r in records]
    for row, rec in zip(rows, records):
        assert (row["event"], row["hash"], row["queue_id"]) == (rec["event"], rec["hash"], rec["queue_id"] or "")
        if rec["event"] == "delivered":
            assert row["recipient"] == rec["recipient"] and row["method"] == rec["method"]["method"]
            assert row["tls_version"] == ((rec["tls"] or {}).get("version") or "")
        if rec["event"] == "accepted":
            assert row["message_id"] == rec["message_id"] and row["sender"] == rec["sender"]
    table = gw.cli_ok("audit", "query").splitlines()
    assert table[0].split()[:3] == ["SEQ", "TIME", "EVENT"] and len(table) == len(records) + 1


def test_message_tells_the_whole_story_by_queue_id_or_message_id(run):
    gw, sent = run
    qid, mid, sender = sent["plain.test"]
    text = gw.cli_ok("audit", "message", qid)
    assert text == gw.cli_ok("audit", "message", mid) == gw.cli_ok("audit", "message", mid.strip("<>"))
    lines = text.splitlines()
    assert "status=accepted" in lines[0] and f"from=<{sender}>" in lines[0], lines[0]
    hop = next(l for l in lines if "status=delivered" in l)
    assert "(no TLS) for <rcpt@plain.test>" in hop and "method=tls" in hop, hop
    tls_hop = next(l for l in gw.cli_ok("audit", "message", sent["verify.test"][0]).splitlines() if "status=delivered" in l)
    assert "(using TLSv1." in tls_hop and "verify=OK trust=pkix" in tls_hop, tls_hop
    p = gw.cli("audit", "message", "<nobody@nowhere>")
    assert p.returncode == 2 and "no audit records for <nobody@nowhere>" in p.stderr, (p.returncode, p.stderr)


def test_summary_totals_match_the_records(run):
    gw, _ = run
    delivered = gw.audit_query("--outcome", "delivered")
    summary = json.loads(gw.cli_ok("audit", "summary", "--since", "2000-01-01", "--json"))
    total = summary["total"]
    assert total["outcomes"].get("delivered") == len(delivered) == 3
    verified = [r for r in delivered if r["tls"] and r["tls"]["verify"] == "OK"]
    assert total["secure"] == len(verified) >= 1, (total, [r["tls"] for r in delivered])
    versions = {}
    for r in delivered:
        v = (r["tls"] or {}).get("version") or "none"
        versions[v] = versions.get(v, 0) + 1
    assert total["tls_versions"] == versions
    by_domain = json.loads(gw.cli_ok("audit", "summary", "--since", "2000-01-01", "--by", "domain", "--json"))
    assert [g["key"] for g in by_domain["groups"]] == ["plain.test", "tls12.test", "verify.test"]
    assert all(g["outcomes"] == {"delivered": 1} for g in by_domain["groups"])
    table = gw.cli_ok("audit", "summary", "--since", "2000-01-01", "--by", "method")
    assert table.splitlines()[0].split()[:2] == ["METHOD", "DELIVERED"] and "tls" in table


@pytest.mark.parametrize("args,message", [
    (("query", "--method", "fax"), "unknown --method fax"),
    (("query", "--outcome", "maybe"), "unknown --outcome maybe"),
    (("query", "--tls-below", "1.7"), "unknown --tls-below 1.7"),
    (("query", "--since", "2026-11-24", "--until", "2026-11-22"), "--since 2026-11-24 is after --until 2026-11-22"),
    (("query", "--since", "last tuesday"), "bad --since last tuesday"),
    (("query", "--json", "--csv"), "give --json or --csv, not both"),
    (("summary", "--since", "2026-11-01", "--by", "week"), "unknown --by week"),
])
def test_bad_filter_values_exit_2_with_a_clear_message(sealgate, args, message):
    p = sealgate.cli("audit", *args)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert message in p.stderr and p.stdout == "", p.stderr


def test_admin_changes_and_config_loads_are_recorded_with_file_hashes(sealgate):
    g = sealgate
    with open(g.config_path, "rb") as f:
        config_hash = hashlib.sha256(f.read()).hexdigest()
    loaded = [r for r in g.audit_query() if r.get("action") == "config_loaded"]
    assert len(loaded) == 1 and {"path": g.config_path, "sha256": config_hash} in loaded[0]["files"], loaded
    with open(os.path.join(g.dir, "policies", "extra.yaml"), "w") as f:
        f.write("rules:\n  - name: everyone\n    deliver: {tls: may}\n")
    g.cli_ok("reload")
    reload = [r for r in g.audit_query() if r.get("action") == "reload"]
    assert len(reload) == 1, reload
    policy_hash = hashlib.sha256(open(os.path.join(g.dir, "policies", "extra.yaml"), "rb").read()).hexdigest()
    assert {"path": os.path.join(g.dir, "policies", "extra.yaml"), "sha256": policy_hash} in reload[0]["files"], reload
    # With the daemon running, the CLI's own changes go through its control socket.
    g.user_add("auditee", ["auditee@example.org"], "s3cret-password")
    g.cli_ok("user", "remove", "auditee")
    users = [(r["action"], r["detail"]) for r in g.audit_query() if r.get("action", "").startswith("user_")]
    assert users == [("user_add", "user=auditee addresses=auditee@example.org"), ("user_remove", "user=auditee")], users
    assert "s3cret-password" not in g.cli_ok("audit", "query", "--json")
    assert g.cli_ok("audit", "verify").startswith("intact")
