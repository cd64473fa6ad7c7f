# Policy reload while swaks keeps sending: a broken file (SIGHUP, then `sealgate reload`) keeps
# the old policy in force with a file:line:col diagnostic; a good file takes effect for new
# messages; no message of the background sender is lost or changed; open sessions keep theirs.
import re
import threading
import time
import uuid

import pytest

from harness import net, procs
from harness.mail import check_relayed, make_message
from harness.policyfiles import remove_policy, send, sighup, write_policy
from harness.smtp import RawSMTP, queue_id, swaks, swaks_data_file

SENDER, RCPT = "sender@example.org", "rcpt@example.net"
BACKGROUND_MESSAGES = 30
MARKER = "RELOAD-MARKER-" + uuid.uuid4().hex[:8]
REJECT_TEXT = "Marked messages are refused by the reloaded policy"

DELIVER_ALL = """
    # e2e: the starting policy delivers everything with opportunistic TLS.
    rules:
      - name: deliver-all
        deliver: {tls: may}
    """

# Its first rule is valid and would reject the marker: if the file were half-applied, it would.
BROKEN = f"""
    rules:
      - name: reject-marker-early
        when:
          subject: "{MARKER}"
        reject: "550 5.7.1 half-applied policy"
      - name: broken
        when:
          recipent_domain: example.net
        deliver: {{}}
    """
BROKEN_WHERE = r"20-marker\.yaml:8:7: error: unknown condition .recipent_domain."

GOOD = f"""
    # e2e: refuse messages whose Subject carries the marker.
    rules:
      - name: reject-marker
        when:
          subject: "{MARKER}"
        reject: "550 5.7.1 {REJECT_TEXT}"
    """


class BackgroundSender(threading.Thread):
    """Sends up to BACKGROUND_MESSAGES messages with swaks, one after another, until stopped."""

    def __init__(self, g, tmp_path):
        super().__init__(daemon=True)
        self.g, self.tmp = g, tmp_path
        self.sent, self.failures = {}, []   # marker -> (message bytes, queue id)
        self.stop_flag = threading.Event()

    def run(self):
        ip, port = self.g.addr("relay")
        for i in range(BACKGROUND_MESSAGES):
            if self.stop_flag.is_set():
                break
            msg, marker = make_message(f"background {i}")
            path = swaks_data_file(self.tmp / f"bg{i}.eml", msg)
            try:
                r = swaks("--server", f"{ip}:{port}", "--local-interface", net.next_ip(),
                          "--from", SENDER, "--to", RCPT, "--data", "@" + path, timeout=30)
                if r.returncode != 0:
                    self.failures.append(f"message {i}: swaks exited {r.returncode}:\n{r.stdout[-1500:]}")
                else:
                    self.sent[marker] = (msg, queue_id(r.stdout))
            except Exception as e:  # report in the main thread
                self.failures.append(f"message {i}: {e!r}")

    def wait_sent(self, n, what):
        procs.wait_until(lambda: len(self.sent) + len(self.failures) >= n or not self.is_alive(), 60,
                         f"{n} background messages sent ({what})")


def _marker_message():
    return make_message(f"{MARKER} check")[0]


@pytest.fixture
def gw(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, start=False)
    write_policy(g, "50-deliver-all.yaml", DELIVER_ALL)
    return g.start(), smtp_sink


def test_reload_with_bad_then_good_policy_while_sending(gw, tmp_path):
    g, sink = gw
    expected_at_sink = 0
    bg = BackgroundSender(g, tmp_path)
    bg.start()
    try:
        bg.wait_sent(3, "before the broken file")

        # (1) A broken file and SIGHUP: refused with file:line:col, the old policy stays.
        log_before = len(g.log())
        write_policy(g, "20-marker.yaml", BROKEN)
        sighup(g)
        m = procs.wait_until(lambda: re.search(r"reload refused[^\n]*\n?.*" + BROKEN_WHERE, g.log()[log_before:]),
                             20, f"'reload refused' with /{BROKEN_WHERE}/ in the log after SIGHUP")
        assert m
        r = send(g, SENDER, [RCPT], _marker_message())
        assert r.code == 250, f"after a refused reload the old policy (deliver all) must stay in force: {r}"
        expected_at_sink += 1

        p = g.cli("reload")
        assert p.returncode == 1, f"sealgate reload with a broken policy must exit 1, got {p.returncode}\n{p.stdout}{p.stderr}"
        assert re.search(BROKEN_WHERE, p.stdout + p.stderr), \
            f"sealgate reload should print the diagnostic ({BROKEN_WHERE}):\n{p.stdout}{p.stderr}"
        r = send(g, SENDER, [RCPT], _marker_message())
        assert r.code == 250, f"after a refused `sealgate reload` the old policy must stay: {r}"
        expected_at_sink += 1
        bg.wait_sent(10, "between the broken and the good file")

        # (2) A good file and `sealgate reload`: marked messages are refused at DATA from now on.
        write_policy(g, "20-marker.yaml", GOOD)
        p = g.cli("reload")
        assert p.returncode == 0, f"sealgate reload with a good policy exited {p.returncode}:\n{p.stdout}{p.stderr}"
        r = send(g, SENDER, [RCPT], _marker_message())
        assert r.code == 550 and r.enhanced == "5.7.1" and REJECT_TEXT in r.text, \
            f"after the reload a marked message must get the new rule's 550 5.7.1: {r}"
        bg.wait_sent(15, "after the good file")
    except BaseException:
        bg.stop_flag.set()  # a failed step: stop sending, the assertion is what matters
        raise
    finally:
        bg.join(timeout=120)
    assert not bg.is_alive(), "the background sender did not finish"
    assert not bg.failures, "background messages failed:\n" + "\n".join(bg.failures)
    assert len(bg.sent) == BACKGROUND_MESSAGES

    total = len(bg.sent) + expected_at_sink
    got = sink.wait_for(total, timeout=60)
    time.sleep(1)
    got = sink.messages()
    assert len(got) == total, f"expected {total} messages at the sink, got {len(got)}"
    by_marker = {}
    for m in got:
        for marker in bg.sent:
            if marker.encode() in m.data:
                by_marker.setdefault(marker, []).append(m)
    missing = [mk for mk in bg.sent if mk not in by_marker]
    assert not missing, f"{len(missing)} background message(s) lost: {missing}"
    for marker, (msg, qid) in bg.sent.items():
        assert len(by_marker[marker]) == 1, f"background message {marker} arrived {len(by_marker[marker])} times"
        check_relayed(msg, by_marker[marker][0], qid)
    assert not [m for m in got if MARKER.encode() in m.data and b"half-applied" in m.data]


def test_broken_policy_at_start_refuses_to_run(sealgate_factory, smtp_sink):
    g = sealgate_factory(smtp_sink.smarthost, start=False)
    write_policy(g, "20-marker.yaml", BROKEN)
    with pytest.raises(AssertionError) as e:
        g.start(timeout=20)
    assert re.search(BROKEN_WHERE, g.log()), f"the start-up error should name file:line:col:\n{g.log()[-2000:]}"
    assert "exited" in str(e.value), str(e.value)[:500]


def test_open_session_keeps_the_policy_it_started_with(gw):
    g, sink = gw
    with RawSMTP(*g.addr("relay")) as c:
        assert c.ehlo().code == 250
        write_policy(g, "20-marker.yaml", GOOD)
        p = g.cli("reload")
        assert p.returncode == 0, f"sealgate reload exited {p.returncode}:\n{p.stdout}{p.stderr}"
        # A new session already has the new policy ...
        r = send(g, SENDER, [RCPT], _marker_message())
        assert r.code == 550, f"a session opened after the reload must get the new policy: {r}"
        # ... while the one opened before keeps the old one.
        msg = _marker_message()
        r = c.send_mail(SENDER, [RCPT], msg)
        assert r.code == 250, f"a session opened before the reload must keep the old policy: {r}"
        qid = queue_id(f"{r.code} {r.text}")
    [got] = sink.wait_for(1)
    check_relayed(msg, got, qid)
    remove_policy(g, "20-marker.yaml")
    assert g.cli("reload").returncode == 0
    assert send(g, SENDER, [RCPT], _marker_message()).code == 250, "removing the file and reloading should lift the rule"
