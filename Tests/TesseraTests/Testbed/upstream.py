# The upstream behind Envoy in the ext_authz tests: answers every request with 200 and a JSON echo of
# its method, path and headers, so a test sees what Envoy forwarded (and which headers the
# authorization service added).
#
#   usage: upstream.py PORT      (binds 127.0.0.1; GET /ready answers 200 {"ready": true})
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def echo(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        document = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
        if self.path == "/ready":
            document = {"ready": True}
        body = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = echo

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
