#!/usr/bin/env bash
# Checks the mock against an independent tool: schemathesis (PyPI) fuzzes every operation of each
# OpenAPI spec in specs/ against `cargo xtask mock` and checks that no answer is a server error or
# breaks its schema, content type or documented headers. Stateless, one mock per spec, loopback.
#
# usage: scripts/schemathesis.sh [SPEC ...]        (default: every OpenAPI document in specs/)
# env:   MAX_EXAMPLES (default 50) test cases per operation; PORT (default 4099)
#
# It installs schemathesis into .cache/schemathesis-venv on first use. A release-notes spec (a
# directory) has no OpenAPI document of its own; `cargo xtask openapi` writes one from the IR, so
# schemathesis then checks the mock against the IR rather than against vendor-published schemas.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.cache/schemathesis-venv
port="${PORT:-4099}"
max_examples="${MAX_EXAMPLES:-50}"
checks=not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance

if [ ! -x "$venv/bin/st" ]; then
  echo "installing schemathesis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi

cargo build --quiet --package xtask --bin xtask --package specgen-kit --bin specgen-kit
xtask=target/debug/xtask
# The mock runs in the kit's own binary (what `cargo xtask mock` forwards to), started directly
# so that `kill` below reaches the server and not a cargo process in between.
kit=target/debug/specgen-kit

specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
  for f in specs/*.yaml specs/*.yml specs/*.json; do
    [ -e "$f" ] || continue
    case "$f" in *.overlay.yaml) continue ;; esac
    specs+=("$f")
  done
  for d in specs/*/; do
    [ -d "$d" ] && specs+=("${d%/}")
  done
fi

mock_pid=
stop_mock() {
  if [ -n "$mock_pid" ]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
    mock_pid=
  fi
}
trap stop_mock EXIT

mkdir -p .cache/schemathesis
failed=0
for spec in "${specs[@]}"; do
  name=$(basename "$spec"); name=${name%.*}
  document=.cache/schemathesis/$name.json
  # schemathesis reads the document the mock serves: the vendor's file with its overlay applied.
  "$xtask" openapi --spec "$spec" --out "$document"
  "$kit" mock --spec "$spec" --addr "127.0.0.1:$port" >/dev/null &
  mock_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "==> schemathesis: $spec"
  if ! "$venv/bin/st" run "$document" \
      --url "http://127.0.0.1:$port" \
      --checks "$checks" \
      --header "Authorization: Bearer schemathesis" \
      --max-examples "$max_examples" \
      --phases examples,coverage,fuzzing \
      --request-timeout 5 \
      --suppress-health-check data_too_large \
      --seed 1 \
      --report junit --report-junit-path ".cache/schemathesis/$name.junit.xml"; then
    failed=1
  fi
  stop_mock
done
exit "$failed"
