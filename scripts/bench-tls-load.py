#!/usr/bin/env python3
# scripts/bench-tls-load.py: an SMTP load generator that does STARTTLS (smtp-source cannot). It sends
# N messages over S concurrent sessions, one message per connection, and prints a JSON summary.
#
# Usage: scripts/bench-tls-load.py HOST PORT -m N -s S -l BYTES [-f FROM] [-t TO] [--helo NAME]
# Every connection does a full handshake (no session resumption), as a fresh client would; the
# server certificate is not verified, so the client side spends as little CPU as TLS allows.
import argparse
import asyncio
import json
import ssl
import sys
import time


class SMTPError(Exception):
    pass


async def read_reply(reader: asyncio.StreamReader, expect: str, timeout: float) -> str:
    """Reads one (possibly multi-line) reply; raises SMTPError unless its code starts with expect."""
    lines = []
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
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


async def one_message(args, ctx: ssl.SSLContext, payload: bytes):
    t = args.timeout
    reader, writer = await asyncio.wait_for(asyncio.open_connection(args.host, args.port), t)
    try:
        await read_reply(reader, "220", t)
        writer.write(f"EHLO {args.helo}\r\n".encode())
        ehlo = await read_reply(reader, "250", t)
        if "STARTTLS" not in ehlo.upper():
            raise SMTPError("the server does not offer STARTTLS")
        writer.write(b"STARTTLS\r\n")
        await read_reply(reader, "220", t)
        await asyncio.wait_for(writer.start_tls(ctx), t)
        writer.write(f"EHLO {args.helo}\r\n".encode())
        await read_reply(reader, "250", t)
        writer.write(f"MAIL FROM:<{args.sender}>\r\n".encode())
        await read_reply(reader, "250", t)
        writer.write(f"RCPT TO:<{args.rcpt}>\r\n".encode())
        await read_reply(reader, "250", t)
        writer.write(b"DATA\r\n")
        await read_reply(reader, "354", t)
        writer.write(payload + b".\r\n")
        await read_reply(reader, "250", t)
        writer.write(b"QUIT\r\n")
        await read_reply(reader, "221", t)
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 5)
        except Exception:
            pass


async def run(args) -> dict:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    payload = build_message(args.length, args.sender, args.rcpt)
    state = {"next": 0, "sent": 0, "failed": 0, "errors": []}

    async def worker():
        # Each worker takes message numbers until all N are taken: the loop is bounded by N.
        while state["next"] < args.count and state["failed"] <= args.max_errors:
            state["next"] += 1
            try:
                await one_message(args, ctx, payload)
                state["sent"] += 1
            except (OSError, SMTPError, asyncio.TimeoutError, ssl.SSLError) as e:
                state["failed"] += 1
                if len(state["errors"]) < 5:
                    state["errors"].append(f"{type(e).__name__}: {e}")

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(min(args.sessions, args.count))))
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
    result = asyncio.run(run(args))
    print(json.dumps(result))
    return 0 if result["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
