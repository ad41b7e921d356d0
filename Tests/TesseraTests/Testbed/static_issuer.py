"""A static OIDC issuer for the broker's end-to-end tests (../shared/TESTBED.md, "Static issuer").

Serves OIDC discovery and a JWKS for keys it holds, and mints any token a test asks for: good ones
(RS256, ES256, any claims, expired or not yet valid) and bad ones a correct verifier must reject.

    static_issuer.py PORT [KEYS_FILE] [--issuer URL]

PORT 0 picks a free port. KEYS_FILE keeps the private JWKS across runs (created when missing), so a
restarted issuer publishes the same keys. --issuer sets the `iss` it puts in tokens and the discovery
`issuer` (default http://127.0.0.1:PORT); discovery is also served under the issuer URL's path, so
`--issuer http://127.0.0.1:PORT/gha` answers at /gha/.well-known/openid-configuration. The JWKS is
always at http://127.0.0.1:PORT/jwks. Binds 127.0.0.1 only; prints one ready line on stdout:
`static issuer ready on http://127.0.0.1:PORT issuer ISSUER`.

Endpoints:
    GET  /.well-known/openid-configuration, /jwks
    POST /mint      {"alg": "ES256"|"RS256", "claims": {...}, "ttl": 300, "kid": "...", "header": {...}}
                    -> {"token": "..."}; iss, iat and exp are filled in unless given ("exp": 1000 gives
                    an expired token), a claim or header field given as null is left out ("exp": null
                    gives a token without exp). With a kid of a held key that key signs; with an
                    unknown kid the default key of the alg signs and the header names the unknown kid.
    POST /mint-raw  {"header": {...} or "text", "payload": {...} or "text",
                     "sign": "ES256"|"RS256"|"none"|"HS256-with-rsa-public-pem"} -> {"token": "..."}
                    built by hand, nothing filled in or checked: header and payload are encoded as given
                    (a string is used as the raw JSON text). "none" leaves the signature empty;
                    "HS256-with-rsa-public-pem" is HMAC-SHA256 keyed with the RSA public key's PEM
                    (SubjectPublicKeyInfo, as published in the JWKS): the key-confusion attack.
    POST /add-key   {"alg": "ES256"|"RS256", "kid": "...", "publish": true} -> {"kid": "..."}: a new key,
                    published in the JWKS unless "publish" is false (then it signs tokens whose key no
                    JWKS holds). Used for key rotation and unknown-kid refresh tests. Added keys are
                    not written to KEYS_FILE.
    POST /remove-key {"kid": "..."} -> {"kid": "..."}: stops publishing a key (it still signs).
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.jwk import ECKey, KeySet, RSAKey
from joserfc.jws import JWSRegistry

MAX_BODY = 4 * 1024 * 1024  # big enough for over-size token tests, small enough to stay bounded
ALGORITHMS = ("ES256", "RS256")
# Extra header fields (jwk, x5t, anything a test wants) are allowed when minting.
LENIENT = {alg: JWSRegistry(algorithms=[alg], strict_check_header=False) for alg in ALGORITHMS}


class RequestError(Exception):
    """A bad request: answered with 400 and this message."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_key(alg: str, kid: str):
    parameters = {"kid": kid, "alg": alg, "use": "sig"}
    if alg == "RS256":
        return RSAKey.generate_key(2048, parameters=parameters)
    if alg == "ES256":
        return ECKey.generate_key("P-256", parameters=parameters)
    raise RequestError(f"alg must be one of {list(ALGORITHMS)}, not {alg!r}")


class Keys:
    """The keys this issuer holds, which of them the JWKS publishes, and the default key per alg."""

    def __init__(self, path):
        self.lock = threading.Lock()
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                held = list(KeySet.import_key_set(json.load(f)).keys)
        else:
            held = [new_key("RS256", "rsa-1"), new_key("ES256", "ec-1")]
            if path:
                with open(path + ".tmp", "w", encoding="utf-8") as f:
                    json.dump(KeySet(held).as_dict(private=True), f)
                os.replace(path + ".tmp", path)
        self.held = {key.kid: key for key in held}
        self.published = set(self.held)
        self.default = {}
        for key in held:
            self.default.setdefault(key.alg, key)
        missing = [alg for alg in ALGORITHMS if alg not in self.default]
        if missing:
            raise SystemExit(f"static_issuer: {path} holds no key for {missing}")

    def jwks(self):
        with self.lock:
            keys = [self.held[kid] for kid in sorted(self.published)]
        return KeySet(keys).as_dict(private=False)

    def signing_key(self, alg, kid):
        """The key for `alg`: the held key `kid` when there is one, else the default key of `alg`."""
        if alg not in ALGORITHMS:
            raise RequestError(f"alg must be one of {list(ALGORITHMS)}, not {alg!r}")
        with self.lock:
            key = self.held.get(kid) if kid is not None else None
        if key is None:
            return self.default[alg]
        if key.alg != alg:
            raise RequestError(f"key {kid!r} is for {key.alg}, not {alg}")
        return key

    def add(self, alg, kid, publish):
        key = new_key(alg, kid)
        with self.lock:
            if kid in self.held:
                raise RequestError(f"kid {kid!r} exists")
            self.held[kid] = key
            if publish:
                self.published.add(kid)

    def unpublish(self, kid):
        with self.lock:
            if kid not in self.published:
                raise RequestError(f"kid {kid!r} is not published")
            self.published.discard(kid)


def drop_nulls(fields):
    return {name: value for name, value in fields.items() if value is not None}


def as_object(request, name, default):
    value = request.get(name, default)
    if not isinstance(value, dict):
        raise RequestError(f"{name} must be a JSON object")
    return value


def mint(request, keys, issuer):
    alg = request.get("alg", "ES256")
    kid = request.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise RequestError("kid must be a string")
    ttl = request.get("ttl", 300)
    if not isinstance(ttl, int) or isinstance(ttl, bool):
        raise RequestError("ttl must be an integer (seconds)")
    key = keys.signing_key(alg, kid)
    now = int(time.time())
    claims = drop_nulls({"iss": issuer, "iat": now, "exp": now + ttl, **as_object(request, "claims", {})})
    header = drop_nulls(
        {"typ": "JWT", "kid": kid if kid is not None else key.kid, **as_object(request, "header", {}), "alg": alg}
    )
    payload = json.dumps(claims, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, payload, key, algorithms=[alg], registry=LENIENT[alg])


def raw_part(value, name):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":")).encode("utf-8")
    raise RequestError(f"{name} must be a JSON object or a string")


def mint_raw(request, keys):
    header = request.get("header", {"alg": "none", "typ": "JWT"})
    signing_input = b64url(raw_part(header, "header")) + "." + b64url(raw_part(request.get("payload", {}), "payload"))
    message = signing_input.encode("ascii")
    sign = request.get("sign")
    if sign is None:
        raise RequestError('sign is required: "ES256", "RS256", "none" or "HS256-with-rsa-public-pem"')
    if sign == "none":
        signature = b""
    elif sign == "HS256-with-rsa-public-pem":
        public = keys.signing_key("RS256", None).public_key
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        signature = hmac.new(pem, message, hashlib.sha256).digest()
    elif sign in ALGORITHMS:
        kid = header.get("kid") if isinstance(header, dict) else None
        key = keys.signing_key(sign, kid if isinstance(kid, str) else None)
        signature = JWSRegistry.algorithms[sign].sign(message, key)
    else:
        raise RequestError(f"unknown sign {sign!r}")
    return signing_input + "." + b64url(signature)


def make_handler(keys, issuer, base):
    discovery = {
        "issuer": issuer,
        "jwks_uri": base + "/jwks",
        "id_token_signing_alg_values_supported": list(ALGORITHMS),
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
    }
    discovery_paths = {"/.well-known/openid-configuration"}
    issuer_path = urlparse(issuer).path.rstrip("/")
    if issuer_path:
        discovery_paths.add(issuer_path + "/.well-known/openid-configuration")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def reply(self, code, obj):
            body = json.dumps(obj).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in discovery_paths:
                return self.reply(200, discovery)
            if path == "/jwks":
                return self.reply(200, keys.jwks())
            self.reply(404, {"error": "not_found", "path": path})

        def do_POST(self):
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                return self.reply(400, {"error": f"Content-Length must be 0...{MAX_BODY}"})
            data = self.rfile.read(length)
            try:
                try:
                    request = json.loads(data or b"{}")
                except ValueError as error:
                    raise RequestError(f"body is not JSON: {error}") from None
                if not isinstance(request, dict):
                    raise RequestError("body must be a JSON object")
                if self.path == "/mint":
                    return self.reply(200, {"token": mint(request, keys, issuer)})
                if self.path == "/mint-raw":
                    return self.reply(200, {"token": mint_raw(request, keys)})
                if self.path == "/add-key":
                    kid = request.get("kid")
                    if not isinstance(kid, str) or not kid:
                        raise RequestError("kid must be a non-empty string")
                    keys.add(request.get("alg", "ES256"), kid, request.get("publish", True) is not False)
                    return self.reply(200, {"kid": kid})
                if self.path == "/remove-key":
                    keys.unpublish(request.get("kid"))
                    return self.reply(200, {"kid": request.get("kid")})
                self.reply(404, {"error": "not_found", "path": self.path})
            except RequestError as error:
                self.reply(400, {"error": str(error)})
            except Exception as error:  # a test peer answers, it does not die
                self.reply(500, {"error": f"{type(error).__name__}: {error}"})

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description="static OIDC issuer for tests (loopback only)")
    parser.add_argument("port", type=int)
    parser.add_argument("keys_file", nargs="?")
    parser.add_argument("--issuer", help="iss and discovery issuer (default http://127.0.0.1:PORT)")
    arguments = parser.parse_args()
    keys = Keys(arguments.keys_file)
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), None)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    issuer = arguments.issuer or base
    server.RequestHandlerClass = make_handler(keys, issuer, base)
    print(f"static issuer ready on {base} issuer {issuer}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
