# A reference decision server on the real OPA engine (opa-golib-python-bindings, OPA v1.20.2), for the
# differential tests of `tessera serve`: the subset of OPA's REST data API they use.
#
#   usage: opa_server.py PORT REGO_DIR      (loads every *.rego file in REGO_DIR; binds 127.0.0.1)
#
#   POST /v1/data/a/b {"input": ...}   -> 200 {"result": <data.a.b>}, or 200 {} when it is undefined
#   GET  /v1/data/a/b?input=<JSON>     -> the same
#   GET  /health                       -> 200 {}
#   malformed JSON                     -> 400 {"code": "invalid_parameter", "message": ...}
#   an evaluation error                -> 500 {"code": "internal_error", "message": ...}
#
# One engine serves every request, one evaluation at a time (a lock). Note: the bindings treat a null
# input as no input, so {"input": null} evaluates with `input` undefined.
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opa_bindings import OpaEngine
from opa_bindings.engine import OpaError, OpaUndefinedError

MAX_BODY = 1 << 20

engine = OpaEngine()
lock = threading.Lock()


def load(directory):
    for name in sorted(os.listdir(directory)):
        if name.endswith(".rego"):
            with open(os.path.join(directory, name), encoding="utf-8") as file:
                engine.add_policy(name, file.read())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def reply(self, code, document):
        body = json.dumps(document).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def bad(self, message):
        self.reply(400, {"code": "invalid_parameter", "message": message})

    def decide(self, path, has_input, value):
        document = path.strip("/").replace("/", ".")
        try:
            with lock:
                result = engine.eval_document(document, value if has_input else None)
        except OpaUndefinedError:
            return self.reply(200, {})
        except OpaError as error:
            return self.reply(500, {"code": "internal_error", "message": str(error)})
        self.reply(200, {"result": result})

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/health":
            return self.reply(200, {})
        if not url.path.startswith("/v1/data"):
            return self.reply(404, {"code": "resource_not_found", "message": "not found"})
        query = urllib.parse.parse_qs(url.query)
        if "input" not in query:
            return self.decide(url.path[len("/v1/data") :], False, None)
        try:
            value = json.loads(query["input"][0])
        except ValueError as error:
            return self.bad(f"body contains malformed input document: {error}")
        self.decide(url.path[len("/v1/data") :], True, value)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.reply(413, {"code": "invalid_parameter", "message": "body too large"})
        raw = self.rfile.read(length)
        if not url.path.startswith("/v1/data"):
            return self.reply(404, {"code": "resource_not_found", "message": "not found"})
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError as error:
            return self.bad(f"body contains malformed input document: {error}")
        if not isinstance(body, dict):
            return self.bad("body must be an object")
        self.decide(url.path[len("/v1/data") :], "input" in body, body.get("input"))

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    load(sys.argv[2])
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
