# audit.retention, legal holds and `sealgate audit prune` on a running gateway with a retention of a
# few seconds: the held message's records stay, the others go, a signed checkpoint starts the chain,
# `audit verify` passes; a forged checkpoint (re-hashed, not re-signable) fails verify with exit 2.
import hashlib
import json
import sqlite3
import time

from harness.mail import make_message
from harness.smtp import RawSMTP, queue_id


def _send(g, sender):
    msg, _ = make_message(f"retention from {sender}")
    with RawSMTP(*g.addr("relay")) as c:
        c.ehlo()
        r = c.send_mail(sender, ["rcpt@example.net"], msg)
        assert r.code == 250, str(r)
    qid = queue_id(f"{r.code} {r.text}")
    g.wait_audit(qid, "delivered")
    return qid


def test_hold_prune_verify_and_a_forged_checkpoint(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, {"audit": {"retention": {"default": "3s"}}})
    kept_before = _send(g, "alice@example.org")
    held = _send(g, "bob@example.org")
    added = g.cli_ok("audit", "hold", "add", "--sender", "bob@example.org", "--reason", "matter 42")
    hold_id = added.split(":")[0]
    assert hold_id.startswith("hold-") and "holding sender bob@example.org (2 record(s)" in added, added
    holds = [json.loads(line) for line in g.cli_ok("audit", "hold", "list", "--json").splitlines()]
    assert holds == [{"id": hold_id, "scope": "sender", "value": "bob@example.org", "reason": "matter 42"}]

    before = g.audit_query()
    time.sleep(4)
    dry = g.cli_ok("audit", "prune", "--dry-run")
    assert dry.startswith("would remove ") and f"held by {hold_id}" in dry, dry
    assert len(g.audit_query()) == len(before), "--dry-run changes nothing"

    out = g.cli_ok("audit", "prune")
    assert out.startswith("removed ") and "checkpoint at sequence" in out and "checkpoint signed by sha256:" in out, out
    v = g.cli("audit", "verify")
    assert v.returncode == 0 and v.stdout.startswith("intact(count: "), (v.stdout, v.stderr)
    assert "checkpoint at sequence" in v.stdout and "(audit.signing_key)" in v.stdout, v.stdout

    after = g.audit_query()
    assert after[0]["event"] == "audit_checkpoint", after[0]
    assert g.audit(kept_before) == [], "the unheld, expired message's records are gone"
    assert [r["event"] for r in g.audit(held)] == ["accepted", "delivered"], "the held message's records remain"
    actions = [r.get("action") for r in after if r["event"] == "admin_action"]
    assert "hold_add" in actions and actions[-1] == "prune", actions
    cp = after[0]
    assert cp["first_sequence"] == 1 and cp["last_sequence"] == cp["sequence"] and cp["count"] == cp["sequence"], cp
    assert cp["holds"] == holds

    # Forge it: claim fewer records were pruned, and re-hash it so the hash matches; the signature cannot follow.
    db = sqlite3.connect(f"{g.dir}/var/audit.sqlite")
    db.executescript("DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete;")
    (canonical,) = db.execute("SELECT canonical FROM audit_records WHERE event = 'audit_checkpoint'").fetchone()
    record = json.loads(canonical)
    record["event"]["count"] -= 1
    record["event"]["first_sequence"] += 1
    forged = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    db.execute("UPDATE audit_records SET canonical = ?, hash = ? WHERE event = 'audit_checkpoint'",
               (forged, hashlib.sha256(forged.encode()).hexdigest()))
    db.commit()
    db.close()
    v = g.cli("audit", "verify")
    assert v.returncode == 2, (v.stdout, v.stderr)
    assert "checkpoint: the checkpoint signature does not verify" in v.stdout, v.stdout


def test_without_retention_prune_keeps_everything(sealgate):
    out = sealgate.cli_ok("audit", "prune")
    assert out.strip() == "audit.retention is not configured: every record is kept forever; nothing to prune"
    r = sealgate.cli("audit", "hold", "add", "--sender", "a@example.org", "--domain", "example.org")
    assert r.returncode == 2 and "give exactly one of --message, --sender, --recipient, --domain" in r.stderr, r.stderr
