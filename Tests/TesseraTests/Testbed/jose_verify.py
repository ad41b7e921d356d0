"""Verifies a token the broker minted the way a relying party would, with joserfc.

    jose_verify.py BROKER_BASE_URL TOKEN_FILE [--audience AUD] [--cafile PEM]

Fetches BROKER_BASE_URL/.well-known/openid-configuration, checks that its `issuer` is BROKER_BASE_URL
(a trailing slash on the argument is ignored), fetches its `jwks_uri`, verifies the token's ES256
signature against that JWKS, and checks `iss` (the issuer), `exp` (required, in the future), `nbf` and
`iat` when present, and `aud` (required; it must contain AUD when --audience is given). On success it
prints the claims as one JSON object on stdout and the protected header on stderr, and exits 0; on any
failure it prints `jose_verify: <what failed>` on stderr and exits 1 (2 for bad arguments). The token
itself is never printed.
"""

import argparse
import json
import ssl
import sys
import urllib.error
import urllib.request

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from joserfc.jwt import JWTClaimsRegistry

MAX_DOCUMENT = 1024 * 1024
MAX_TOKEN = 64 * 1024
CLOCK_SKEW = 60  # seconds, as the broker's default


class Failure(Exception):
    pass


def fetch_json(opener, url, what):
    try:
        with opener.open(urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=10) as answer:
            body = answer.read(MAX_DOCUMENT + 1)
    except urllib.error.HTTPError as error:
        raise Failure(f"{what} at {url}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise Failure(f"{what} at {url}: {error}") from None
    if len(body) > MAX_DOCUMENT:
        raise Failure(f"{what} at {url} is over {MAX_DOCUMENT} bytes")
    try:
        document = json.loads(body)
    except ValueError as error:
        raise Failure(f"{what} at {url} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise Failure(f"{what} at {url} is not a JSON object")
    return document


def verify(base, token_file, audience, cafile):
    issuer = base.rstrip("/")
    context = ssl.create_default_context(cafile=cafile) if cafile else None
    # Loopback peers: never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))

    try:
        with open(token_file, "rb") as f:
            raw = f.read(MAX_TOKEN + 1)
    except OSError as error:
        raise Failure(f"cannot read the token file: {error}") from None
    if len(raw) > MAX_TOKEN:
        raise Failure(f"{token_file} is over {MAX_TOKEN} bytes")
    try:
        token = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise Failure(f"{token_file} is not ASCII text") from None
    if token.count(".") != 2:
        raise Failure(f"{token_file} does not hold a compact JWS (header.payload.signature)")

    discovery = fetch_json(opener, issuer + "/.well-known/openid-configuration", "discovery document")
    if discovery.get("issuer") != issuer:
        raise Failure(f"discovery issuer {discovery.get('issuer')!r} is not {issuer!r}")
    jwks_uri = discovery.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise Failure("discovery document has no jwks_uri")
    jwks = fetch_json(opener, jwks_uri, "JWKS")
    try:
        keys = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise Failure(f"JWKS at {jwks_uri} does not import: {error}") from None

    try:
        # A relying party ignores header fields it does not know (RFC 7515 §4), so no strict check.
        # (With a registry, joserfc takes the allowed algorithms from it, not from `algorithms`.)
        registry = JWSRegistry(algorithms=["ES256"], strict_check_header=False)
        decoded = jwt.decode(token, keys, algorithms=["ES256"], registry=registry)
    except JoseError as error:
        raise Failure(f"signature: {type(error).__name__}: {error}") from None
    except ValueError as error:
        raise Failure(f"token does not decode: {error}") from None

    aud = {"essential": True}
    if audience is not None:
        aud["value"] = audience
    claims_registry = JWTClaimsRegistry(
        leeway=CLOCK_SKEW, iss={"essential": True, "value": issuer}, aud=aud, exp={"essential": True}
    )
    try:
        claims_registry.validate(decoded.claims)
    except JoseError as error:
        raise Failure(f"claims: {type(error).__name__}: {error}") from None
    return decoded.header, decoded.claims


def main():
    parser = argparse.ArgumentParser(description="verify a broker-minted JWT as a relying party (joserfc)")
    parser.add_argument("base_url", help="the broker's issuer URL, e.g. http://127.0.0.1:8181")
    parser.add_argument("token_file")
    parser.add_argument("--audience", help="an audience the token's aud must contain")
    parser.add_argument("--cafile", help="PEM bundle to trust for an https broker")
    arguments = parser.parse_args()
    try:
        header, claims = verify(arguments.base_url, arguments.token_file, arguments.audience, arguments.cafile)
    except Failure as failure:
        print(f"jose_verify: {failure}", file=sys.stderr)
        return 1
    print(json.dumps(header, sort_keys=True), file=sys.stderr)
    print(json.dumps(claims, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
