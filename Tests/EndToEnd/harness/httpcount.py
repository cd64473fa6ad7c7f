# A plain-HTTP server on a fresh 127.0.0.N:port that counts every request it gets (method, path,
# headers), for "did anything load a remote resource?". It can also serve fixed pages, so the
# browser harness can be checked against it alone. A threaded http.server, stopped by shutdown().
import http.server
import threading

from . import net

PIXEL_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
             b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


class CountingHTTPServer:
    def __init__(self, pages: dict | None = None, ip: str | None = None):
        """`pages`: {path: (content type, bytes)}; a path under /missing answers 404 (so an img's
        onerror fires), any other path a 1x1 GIF."""
        self.ip = ip or net.next_ip()
        self.port = net.free_port(self.ip)
        self.pages = dict(pages or {})
        self.requests = []
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None

    @property
    def base(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    def start(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, body: bool):
                with server._lock:
                    server.requests.append({"method": self.command, "path": self.path,
                                            "headers": dict(self.headers.items())})
                path = self.path.split("?", 1)[0]
                ctype, data = server.pages.get(path, ("image/gif", PIXEL_GIF))
                missing = path.startswith("/missing") and path not in server.pages
                if missing:
                    ctype, data = "text/plain", b"not found\n"
                self.send_response(404 if missing else 200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self):
                self._answer(True)

            def do_HEAD(self):
                self._answer(False)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self._answer(True)

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer((self.ip, self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"counting-http-{self.port}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=10)
            self._httpd = None

    def count(self, path_prefix: str = "") -> int:
        with self._lock:
            return sum(1 for r in self.requests if r["path"].startswith(path_prefix))

    def paths(self) -> list:
        with self._lock:
            return [r["path"] for r in self.requests]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
