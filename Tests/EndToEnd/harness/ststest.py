# MTA-STS policy hosting for the tests: an HTTPS server (stdlib http.server + ssl) on
# 127.0.0.N:443 with a test-CA certificate, serving /.well-known/mta-sts.txt per Host name.
import http.server
import os
import ssl
import threading

from . import net
from .mxhosts import issue_ca_cert


def policy_text(mode: str, mx: list, max_age: int = 86400) -> str:
    """An RFC 8461 §3.2 policy body (CRLF line ends)."""
    lines = ["version: STSv1", f"mode: {mode}", *[f"mx: {m}" for m in mx], f"max_age: {max_age}"]
    return "\r\n".join(lines) + "\r\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        srv: STSServer = self.server.sts
        host = (self.headers.get("Host") or "").split(":")[0].lower().rstrip(".")
        with srv.lock:
            srv.requests.append((host, self.path))
        body = srv.policies.get(host)
        if self.path != "/.well-known/mta-sts.txt" or body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # keep pytest output clean; requests are recorded above
        pass


class _Server(http.server.ThreadingHTTPServer):
    """TLS is started per connection in the handler thread, so a client that stalls in the
    handshake never blocks the accept loop."""
    daemon_threads = True

    def finish_request(self, request, client_address):
        try:
            request = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with self.sts.lock:
                self.sts.handshake_errors.append(f"{client_address[0]}: {e}")
            return
        super().finish_request(request, client_address)


class STSServer:
    """Serves `policies` ({"mta-sts.sts.test": policy_text(...)}) over HTTPS on ip:443 with one
    test-CA certificate naming every policy host. `requests` lists (host, path) fetched."""

    def __init__(self, certs: str, workdir: str, policies: dict, port: int = 443, ip: str | None = None):
        self.ip, self.port = ip or net.next_ip(), port
        self.policies = {h.lower(): body for h, body in policies.items()}
        self.requests, self.handshake_errors, self.lock = [], [], threading.Lock()
        os.makedirs(workdir, exist_ok=True)
        self.cert, self.key = issue_ca_cert(certs, list(self.policies), os.path.join(workdir, "mta-sts"))
        self.server = None

    def a_records(self, ttl: int = 300) -> list:
        return [f"{h}. {ttl} IN A {self.ip}" for h in self.policies]

    def start(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        self.server = _Server((self.ip, self.port), _Handler)
        self.server.sts, self.server.tls = self, ctx
        net.serve_in_thread(self.server)
        return self

    def stop(self):
        net.stop_server(self.server)
        self.server = None

    def fetched(self, host: str) -> bool:
        with self.lock:
            return any(h == host.lower() for h, _ in self.requests)
