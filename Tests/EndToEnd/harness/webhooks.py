# A webhook receiver for the e2e tests: HTTPS on 127.0.0.1 with the test CA's mx certificate (its
# SAN holds IP:127.0.0.1), checking each request's Sealgate-Signature HMAC; it can answer 500 for a while.
import hashlib
import hmac
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import net, procs


def verify(secret: bytes, header: str, body: bytes, tolerance: float | None = 300) -> bool:
    """The receiver's check, as docs/webhooks.md gives it."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    expected = hmac.new(secret, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = tolerance is None or abs(time.time() - int(parts["t"])) <= tolerance
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


class WebhookReceiver:
    """Keeps every request (verified or not). `fail_first` requests get 500 before any 200."""

    def __init__(self, certs: str, secret: bytes, fail_first: int = 0):
        self.ip, self.port = "127.0.0.1", net.free_port("127.0.0.1")
        self.secret, self.fail_first = secret, fail_first
        self.requests, self.lock = [], threading.Lock()
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(f"{certs}/mx.pem", f"{certs}/mx.key")
        self.server = None

    @property
    def url(self) -> str:
        return f"https://{self.ip}:{self.port}/hooks/sealgate"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    n = len(receiver.requests)
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "verified": verify(receiver.secret,
                                                                 self.headers.get("Sealgate-Signature", ""), body)})
                status = 500 if n < receiver.fail_first else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((self.ip, self.port), Handler)
        self.server.socket = self.ctx.wrap_socket(self.server.socket, server_side=True)
        net.serve_in_thread(self.server)
        return self

    def stop(self):
        net.stop_server(self.server)
        self.server = None

    def all(self) -> list:
        with self.lock:
            return list(self.requests)

    def accepted_events(self) -> list:
        """The events of the requests answered 200 (parsed), in arrival order."""
        reqs = self.all()
        return [json.loads(r["body"]) for i, r in enumerate(reqs) if i >= self.fail_first]

    def wait_events(self, pred, timeout: float = 30) -> list:
        procs.wait_until(lambda: any(pred(e) for e in self.accepted_events()), timeout, "a webhook event")
        return self.accepted_events()
