# Two `sealgate serve` nodes sharing one audit log on a private PostgreSQL 15: mail through both,
# one query (every filter), summary, verify and export see both chains (the export checked by the
# documented offline recipe too); a second process with the same node is refused.
import os
import re
import tarfile

import pytest

from harness import net, procs
from harness.bundle import run_recipe
from harness.mail import make_message
from harness.postgres import cluster_with_role
from harness.smtp import queue_id, swaks, swaks_data_file

ROLE, ROLE_PASSWORD = "sealgate", "sealgate-e2e-role"
SENDER, RCPT = "sender@example.org", "rcpt@example.net"


@pytest.fixture(scope="module")
def pg():
    with cluster_with_role(ROLE, ROLE_PASSWORD) as cluster:
        yield cluster


@pytest.fixture
def audit_db(pg, request):
    name = "audit_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    pg.psql(f"CREATE DATABASE {name}")
    return name


def make_node(factory, sink, pg, db, tmp_path, hostname, node_id, start=True, interval="2s"):
    pwfile = tmp_path / f"{hostname}.pw"
    pwfile.write_text(ROLE_PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    g = factory(sink.smarthost, start=False, overrides={
        "hostname": hostname, "node_id": node_id,
        "audit": {"store": pg.url(ROLE, db), "password_file": str(pwfile), "chain_heads_interval": interval}})
    return g.start() if start else g


def init_db(g, pg, db, tmp_path):
    out = g.cli_ok("audit", "init-db", "--as", pg.url("postgres", db),
                   "--password-file", pg.superuser_password_file(str(tmp_path)), "--grant", ROLE)
    assert "audit schema ready" in out and f"{ROLE} may SELECT and INSERT" in out


def send(g, tmp_path, subject):
    msg, _ = make_message(subject)
    ip, port = g.addr("relay")
    r = swaks("--server", f"{ip}:{port}", "--local-interface", net.next_ip(), "--ehlo", "client.example",
              "--from", SENDER, "--to", RCPT, "--data", "@" + swaks_data_file(tmp_path / f"{subject}.eml", msg))
    assert r.returncode == 0, f"swaks failed:\n{r.stdout}"
    return queue_id(r.stdout)


def events(g, qid):
    return [rec["event"] for rec in g.audit(qid)]


def wait_delivered(g, qid, timeout=30):
    procs.wait_until(lambda: "delivered" in events(g, qid), timeout, f"a delivered record for {qid}")


def test_two_nodes_share_one_log_and_verify_sees_both(sealgate_factory, smtp_sink, pg, audit_db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1, start=False)
    init_db(a, pg, audit_db, tmp_path)
    a.start()
    b = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx2.example.test", 2)
    qa, qb = send(a, tmp_path, "via-a"), send(b, tmp_path, "via-b")
    assert qa[11:13] != qb[11:13], "queue IDs carry the node: two nodes need distinct node_id"
    smtp_sink.wait_for(2)
    # One query, on either node, sees the other node's records.
    wait_delivered(a, qb)
    wait_delivered(b, qa)
    recs = a.audit(qb)
    assert {r["node"] for r in recs} == {"mx2.example.test"}
    assert [r["event"] for r in recs][:1] == ["accepted"]
    # Each node quotes the other's head (chain_heads), then verify checks both chains.
    procs.wait_until(lambda: pg.psql("SELECT count(DISTINCT node) FROM audit_records WHERE event = 'chain_heads'",
                                     db=audit_db) == "2", 20, "chain_heads records from both nodes")
    out = a.cli("audit", "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "node mx1.example.test: intact" in out.stdout and "node mx2.example.test: intact" in out.stdout, out.stdout
    # The gateway's role cannot rewrite what it wrote.
    with pytest.raises(AssertionError, match="permission denied"):
        pg.psql("DELETE FROM audit_records", db=audit_db, user=ROLE, password=ROLE_PASSWORD)
    query_and_export_both_nodes(a, qa, qb, tmp_path)


def query_and_export_both_nodes(a, qa, qb, tmp_path):
    """audit query's filters, summary and export on PostgreSQL see both nodes' records."""
    assert {r["node"] for r in a.audit_query("--node", "mx2.example.test")} == {"mx2.example.test"}
    assert {r["queue_id"] for r in a.audit_query("--sender", SENDER.upper())} == {qa, qb}
    delivered = a.audit_query("--recipient", RCPT, "--outcome", "delivered")
    assert sorted((r["queue_id"], r["node"]) for r in delivered) == sorted([(qa, "mx1.example.test"), (qb, "mx2.example.test")])
    assert {r["queue_id"] for r in a.audit_query("--unencrypted")} == {qa, qb}, "the sink takes plaintext"
    assert a.cli("audit", "query", "--tls-below", "1.7").returncode == 2
    summary = a.cli_ok("audit", "summary", "--since", "2000-01-01", "--by", "method")
    assert re.search(r"^total\s+2\s", summary, re.M), summary
    bundle = str(tmp_path / "both.tar")
    out = a.cli_ok("audit", "export", "--since", "2000-01-01", "--out", bundle)
    assert re.search(r"node mx1\.example\.test sequence 1-\d+, head \d+; node mx2\.example\.test sequence 1-\d+, head \d+; signed by",
                     out), out
    v = a.cli("audit", "verify", "--bundle", bundle)
    assert v.returncode == 0 and "; node mx2.example.test sequence 1-" in v.stdout, (v.stdout, v.stderr)
    r = run_recipe(bundle, str(tmp_path / "offline"))
    assert r.returncode == 0, f"recipe failed:\n{r.stdout}\n{r.stderr}"
    assert "chain of mx1.example.test intact" in r.stdout and "chain of mx2.example.test intact" in r.stdout, r.stdout
    # The bundle holds every record verify counted, both chains' runs one after the other.
    with tarfile.open(bundle) as t:
        lines = t.extractfile("records.jsonl").read().decode().splitlines()
    assert len(lines) == int(re.search(r"(\d+) record\(s\)", v.stdout).group(1))


def test_a_truncated_chain_is_named_by_verify(sealgate_factory, smtp_sink, pg, audit_db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1, start=False)
    init_db(a, pg, audit_db, tmp_path)
    a.start()
    qa = send(a, tmp_path, "via-a")
    wait_delivered(a, qa)
    b = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx2.example.test", 2)
    procs.wait_until(lambda: pg.psql("SELECT count(*) FROM audit_records WHERE node = 'mx2.example.test' "
                                     "AND event = 'chain_heads'", db=audit_db) != "0", 20, "mx2 quoting mx1's head")
    a.stop()
    b.stop()
    head = int(pg.psql("SELECT max(sequence) FROM audit_records WHERE node = 'mx1.example.test'", db=audit_db))
    pg.psql("SET session_replication_role = replica; "
            f"DELETE FROM audit_records WHERE node = 'mx1.example.test' AND sequence = {head}", db=audit_db)
    out = a.cli("audit", "verify")
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"node mx1.example.test: truncated at sequence {head} (quoted by node mx2.example.test" in out.stdout, out.stdout


def test_a_second_process_with_the_same_node_is_refused(sealgate_factory, smtp_sink, pg, audit_db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1, start=False)
    init_db(a, pg, audit_db, tmp_path)
    a.start()
    twin = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1, start=False)
    with pytest.raises(AssertionError):
        twin.start(timeout=20)
    assert "another process holds the lock on node name \"mx1.example.test\"" in twin.log(), twin.log()[-2000:]
    other_name_same_id = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx3.example.test", 1,
                                   start=False)
    with pytest.raises(AssertionError):
        other_name_same_id.start(timeout=20)
    assert "node_id 1" in other_name_same_id.log()


def test_postgres_down_mail_flows_and_the_outbox_replays(sealgate_factory, smtp_sink, pg, audit_db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1, start=False)
    init_db(a, pg, audit_db, tmp_path)
    a.start()
    first = send(a, tmp_path, "before")
    wait_delivered(a, first)
    outbox = os.path.join(a.dir, "var", "audit.outbox")
    pg.stop()
    try:
        during = [send(a, tmp_path, f"during-{i}") for i in range(3)]
        smtp_sink.wait_for(4)
        procs.wait_until(lambda: os.path.exists(outbox) and
                         sum(1 for _ in open(outbox)) >= 6, 30, "accepted and delivered records in the outbox")
        a.wait_log(r"audit store postgresql://sealgate@127\.0\.0\.1:\d+/\S+ unreachable")
    finally:
        pg.start()
    procs.wait_until(lambda: not os.path.exists(outbox), 60, "the outbox to drain")
    a.wait_log(r"reachable again")
    for qid in [first] + during:
        assert events(a, qid)[:1] == ["accepted"] and "delivered" in events(a, qid), (qid, events(a, qid))
    out = a.cli("audit", "verify")
    assert out.returncode == 0 and "node mx1.example.test: intact" in out.stdout, out.stdout + out.stderr


def test_postgres_down_at_start_does_not_stop_the_daemon(sealgate_factory, smtp_sink, pg, audit_db, tmp_path):
    a = make_node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1, start=False)
    init_db(a, pg, audit_db, tmp_path)
    pg.stop()
    try:
        a.start()
        assert "unreachable" in a.log()
        qid = send(a, tmp_path, "while-down")
        smtp_sink.wait_for(1)
    finally:
        pg.start()
    procs.wait_until(lambda: "delivered" in events(a, qid), 60, "the records replayed after PostgreSQL returned")
    assert a.cli("audit", "verify").returncode == 0
