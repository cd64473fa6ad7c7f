# `sealgate audit prune` on two nodes sharing one PostgreSQL log, with a retention of a few seconds:
# each node prunes its own chain as the table owner (--as); a hold recorded on one node keeps a message
# another node relayed; verify passes on every node afterwards (quotes of pruned records not compared).
import os
import time

from test_audit_postgres import ROLE, ROLE_PASSWORD, audit_db, init_db, pg, send, wait_delivered  # noqa: F401 (fixtures)


def _node(factory, sink, pg, db, tmp_path, hostname, node_id):
    pwfile = tmp_path / f"{hostname}.pw"
    pwfile.write_text(ROLE_PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    return factory(sink.smarthost, start=False, overrides={
        "hostname": hostname, "node_id": node_id,
        "audit": {"store": pg.url(ROLE, db), "password_file": str(pwfile), "chain_heads_interval": "1s",
                  "retention": {"default": "3s"}}})


def test_each_node_prunes_its_own_chain_and_a_hold_spans_nodes(sealgate_factory, smtp_sink, pg, audit_db, tmp_path):
    a = _node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx1.example.test", 1)
    init_db(a, pg, audit_db, tmp_path)
    a.start()
    b = _node(sealgate_factory, smtp_sink, pg, audit_db, tmp_path, "mx2.example.test", 2).start()
    qa, qb = send(a, tmp_path, "prune-a"), send(b, tmp_path, "prune-b")
    wait_delivered(a, qa)
    wait_delivered(b, qb)
    # The hold is recorded in node A's chain; it covers the message node B relayed.
    added = a.cli_ok("audit", "hold", "add", "--message", qb, "--reason", "matter 7")
    assert "(2 record(s) on record now" in added, added
    assert qb in b.cli_ok("audit", "hold", "list"), "every node reads the holds from every chain"
    time.sleep(4)

    owner = ["--as", pg.url("postgres", audit_db), "--password-file", pg.superuser_password_file(str(tmp_path))]
    refused = a.cli("audit", "prune")
    assert refused.returncode != 0, "the gateway's INSERT/SELECT role cannot prune"
    assert "pruning needs the table's owner: pass --as" in refused.stderr, refused.stderr
    assert "must be owner of table audit_records" in refused.stderr, refused.stderr
    out_a = a.cli_ok("audit", "prune", *owner)
    assert out_a.startswith("node mx1.example.test: removed "), out_a
    out_b = b.cli_ok("audit", "prune", *owner)
    assert out_b.startswith("node mx2.example.test: removed ") and "held by hold-" in out_b, out_b

    assert a.audit(qa) == [], "node A's expired records are gone"
    assert [r["event"] for r in a.audit(qb)] == ["accepted", "delivered"], "the held message's records remain"
    # Both nodes keep writing (chain_heads every second) after their checkpoints; verify holds on either.
    time.sleep(2)
    for g in (a, b):
        v = g.cli("audit", "verify")
        assert v.returncode == 0, (v.stdout, v.stderr)
        assert "node mx1.example.test: intact" in v.stdout and "node mx2.example.test: intact" in v.stdout, v.stdout
        assert v.stdout.count("checkpoint at sequence") == 2, v.stdout
