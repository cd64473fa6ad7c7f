#!/usr/bin/env python3
# scripts/bench-tls-load.py: an SMTP load generator that does STARTTLS (smtp-source cannot). It sends
# N messages over S concurrent sessions, one message per connection, and prints a JSON summary.
#
# Usage: scripts/bench-tls-load.py HOST PORT -m N -s S -l BYTES [-f FROM] [-t TO] [--helo NAME]
# Every connection does a full handshake (no session resumption), as a fresh client would; the
# server certificate is not verified, so the client side spends as little CPU as TLS allows.
# One thread per session with blocking sockets: asyncio's TLS runs OpenSSL through Python-level
# memory BIOs and cost ~3 ms of CPU per message here, more than the relays themselves.
import argparse
import json
import socket
import ssl
import sys
import threading
import time


class SMTPError(Exception):
    pass


def read_reply(f, expect: str) -> str:
    """Reads one (possibly multi-line) reply; raises SMTPError unless its code starts with expect."""
    lines = []
    while True:
        line = f.readline(4096)
        if not line:
            raise SMTPError("connection closed by the server")
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        lines.append(text)
        if len(text) < 4 or text[3] != "-":
            break
        if len(lines) > 100:
            raise SMTPError("reply longer than 100 lines")
    if not lines[-1].startswith(expect):
        raise SMTPError(" / ".join(lines))
    return "\n".join(lines)


def build_message(size: int, sender: str, rcpt: str) -> bytes:
    """Headers plus `size` bytes of 78-character lines (CRLF included), already dot-safe."""
    head = (f"From: <{sender}>\r\nTo: <{rcpt}>\r\nSubject: bench\r\n"
            "Message-ID: <bench@bench.example.test>\r\n\r\n").encode()
    line = b"X" * 76 + b"\r\n"
    body = line * (size // len(line))
    rest = size - len(body)
    if rest >= 3:
        body += b"X" * (rest - 2) + b"\r\n"
    return head + body


def one_message(args, ctx: ssl.SSLContext, payload: bytes):
    """One connection, one message. Blocking sockets: the TLS records are handled inside OpenSSL
    (no Python-level memory BIO as in asyncio), so the generator spends little CPU per message."""
    with socket.create_connection((args.host, args.port), timeout=args.timeout) as raw:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = raw.makefile("rb")
        read_reply(f, "220")
        raw.sendall(f"EHLO {args.helo}\r\n".encode())
        if "STARTTLS" not in read_reply(f, "250").upper():
            raise SMTPError("the server does not offer STARTTLS")
        raw.sendall(b"STARTTLS\r\n")
        read_reply(f, "220")
        f.close()
        with ctx.wrap_socket(raw, server_hostname=None) as tls:
            f = tls.makefile("rb")
            tls.sendall(f"EHLO {args.helo}\r\n".encode())
            read_reply(f, "250")
            # PIPELINING is not used, as with smtp-source's default: one command, one reply.
            tls.sendall(f"MAIL FROM:<{args.sender}>\r\n".encode())
            read_reply(f, "250")
            tls.sendall(f"RCPT TO:<{args.rcpt}>\r\n".encode())
            read_reply(f, "250")
            tls.sendall(b"DATA\r\n")
            read_reply(f, "354")
            tls.sendall(payload + b".\r\n")
            read_reply(f, "250")
            tls.sendall(b"QUIT\r\n")
            read_reply(f, "221")
            f.close()


def run(args) -> dict:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    payload = build_message(args.length, args.sender, args.rcpt)
    lock = threading.Lock()
    state = {"next": 0, "sent": 0, "failed": 0, "errors": []}

    def worker():
        # Each session takes message numbers until all N are taken: the loop is bounded by N.
        while True:
            with lock:
                if state["next"] >= args.count or state["failed"] > args.max_errors:
                    return
                state["next"] += 1
            try:
                one_message(args, ctx, payload)
                with lock:
                    state["sent"] += 1
            except (OSError, SMTPError, ssl.SSLError) as e:
                with lock:
                    state["failed"] += 1
                    if len(state["errors"]) < 5:
                        state["errors"].append(f"{type(e).__name__}: {e}")

    start = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(args.sessions, args.count))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    return {"sent": state["sent"], "failed": state["failed"], "wall": wall, "errors": state["errors"]}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("-m", dest="count", type=int, default=1, help="messages to send")
    p.add_argument("-s", dest="sessions", type=int, default=1, help="concurrent sessions")
    p.add_argument("-l", dest="length", type=int, default=2048, help="body bytes per message")
    p.add_argument("-f", dest="sender", default="bench@bench.example.test")
    p.add_argument("-t", dest="rcpt", default="rcpt@example.net")
    p.add_argument("--helo", default="bench.example.test")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per SMTP step")
    p.add_argument("--max-errors", type=int, default=10, help="stop after this many failed messages")
    args = p.parse_args()
    if not args.host.startswith("127."):
        print("bench-tls-load: only 127.0.0.0/8 targets are allowed", file=sys.stderr)
        return 2
    result = run(args)
    print(json.dumps(result))
    return 0 if result["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
