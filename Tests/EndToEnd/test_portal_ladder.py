# The ladder with the real portal: one PHI message to two patients whose MX hosts offer no STARTTLS,
# one with an S/MIME certificate in the key store and one without. The first gets the message
# encrypted (openssl cms decrypts it), the second a portal notice whose link opens the message; the
# audit has each recipient's method and the portal's notice for the same queue id.
import os

import pytest

from harness.decrypt import smime_decrypt
from harness.keymaterial import smime_certificate
from harness.ladder import deciding, mailbox, skips, ssn_in, wait_decided
from harness.portal import (BODY_PHRASE, Mailbox, clinic_sender, link_in, parsed, phi_mail, portal_records,
                            send, start_world, text_of, wait_portal_event)

pytestmark = pytest.mark.slow

ANN, PIA = "ann@keyed.test", "pia@keyless.test"


@pytest.fixture(scope="module")
def ladder(certs, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("portal-ladder"))
    keys = os.path.join(base, "keys")
    os.makedirs(keys)
    cert, fp = smime_certificate(keys, "ann", ANN)
    pw = start_world(certs, base, ["keyed.test", "keyless.test"], keys=[cert])
    try:
        sender = clinic_sender("ladder")
        sent = phi_mail(sender, [ANN, PIA])
        qid = send(pw, sender, [ANN, PIA], sent)
        records = wait_decided(pw.gw, qid, [ANN, PIA])
        yield {"pw": pw, "qid": qid, "sent": sent, "records": records, "cert": cert,
               "key": os.path.join(keys, "ann.key"), "key_id": f"sha256:{fp[:16]}", "sender": sender}
    finally:
        pw.stop()


def test_the_recipient_with_a_key_gets_smime_that_openssl_decrypts(ladder):
    pw, sent = ladder["pw"], ladder["sent"]
    rec = deciding(ladder["records"], ANN)
    assert rec["event"] == "delivered" and rec["method"]["method"] == "smime", rec
    assert rec["method"]["encryption"]["key_id"] == ladder["key_id"], rec["method"]
    host = pw.mx(ANN)
    [stored] = mailbox(host)
    assert not ssn_in(stored, sent.ssn), "the S/MIME copy shows the SSN outside the encryption"
    assert parsed(stored).get_content_type() == "application/pkcs7-mime", parsed(stored)["Content-Type"]
    inner = smime_decrypt(stored, ladder["key"], ladder["cert"])
    assert BODY_PHRASE.encode() in inner and sent.ssn.encode() in inner and sent.marker.encode() in inner
    assert Mailbox(host, ANN).notices(pw.base_url) == [], "the keyed recipient got a portal notice too"


def test_the_recipient_without_a_key_gets_a_portal_notice(ladder):
    pw, sent = ladder["pw"], ladder["sent"]
    rec = deciding(ladder["records"], PIA)
    assert rec["event"] == "delivered" and rec["method"]["method"] == "portal", rec
    assert skips(rec["method"]) == [("smime", "no-key"), ("pgp", "no-key"), ("tls", "no-starttls")], rec["method"]
    box = Mailbox(pw.mx(PIA), PIA)
    link, mid, _ = box.wait_notice(pw.base_url)
    [notice] = [d for d in box.all() if link_in(d, pw.base_url)]
    assert not ssn_in(notice, sent.ssn) and sent.marker.encode() not in notice, "the notice holds PHI"
    pw.mx(PIA).assert_untouched(ladder["sender"], sent.mid)
    [rec] = wait_portal_event(pw.gw, ladder["qid"], "portal_notice")
    assert rec["portal_message_id"] == mid and str(rec["recipient"]).strip("<>") == PIA, rec
    assert [r for r in portal_records(pw.gw, ladder["qid"]) if str(r.get("recipient", "")).strip("<>") == ANN] == [], \
        "the S/MIME recipient has portal records"
    # The link opens the message for PIA (by code), the same message ANN decrypted.
    c = pw.client()
    page = c.get(c.pick_up(link, box))
    assert page.status_code == 200 and sent.marker in page.text, page.text[:1000]


def test_one_audit_record_per_recipient_names_its_method(ladder):
    by = {r: deciding(ladder["records"], r)["method"]["method"] for r in (ANN, PIA)}
    assert by == {ANN: "smime", PIA: "portal"}, by
    accepted = [r for r in ladder["pw"].gw.audit(ladder["qid"]) if r["event"] == "accepted"]
    assert len(accepted) == 1 and sorted(x.strip("<>") for x in accepted[0]["recipients"]) == sorted([ANN, PIA])
