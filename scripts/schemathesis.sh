#!/usr/bin/env bash
# Checks the mock against an independent tool: schemathesis (PyPI) fuzzes every operation of each
# OpenAPI spec in specs/ against `cargo xtask mock --stateful` with every check schemathesis has
# (`--checks all`: server errors, schema, content type, headers, negative data rejected, positive
# data accepted, missing and ignored auth, use after free, ...) in all four phases, the stateful
# one included (it chains operations through their links and inferred ids). One mock per spec,
# loopback.
#
# usage: scripts/schemathesis.sh [SPEC ...]        (default: every OpenAPI document in specs/)
# env:   MAX_EXAMPLES (default 30) test cases per operation; PORT (default 4099);
#        CHECKS (default all); PHASES (default examples,coverage,fuzzing,stateful)
#
# It installs schemathesis into .cache/schemathesis-venv on first use. A release-notes spec (a
# directory) has no OpenAPI document of its own; `cargo xtask openapi` writes one from the IR, so
# schemathesis then checks the mock against the IR rather than against vendor-published schemas.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.cache/schemathesis-venv
port="${PORT:-4099}"
max_examples="${MAX_EXAMPLES:-30}"
checks="${CHECKS:-all}"
phases="${PHASES:-examples,coverage,fuzzing,stateful}"
# The token schemathesis sends; the mock accepts only it, so `ignored_auth` can tell a wrong
# token from a right one.
token=schemathesis

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
# Fresh idempotency keys per request (see the hooks module for why).
export PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks
failed=0
for spec in "${specs[@]}"; do
  name=$(basename "$spec"); name=${name%.*}
  document=.cache/schemathesis/$name.json
  # schemathesis reads the document the mock serves: the vendor's file with its overlay applied.
  "$xtask" openapi --spec "$spec" --out "$document"
  config=.cache/schemathesis/$name.toml
  # The mock's address is given with --url. Jiko's servers use a `{partner}` variable the spec
  # never declares, on which schemathesis 4.32 crashes while collecting warnings; drop them.
  # Credentials go in a config per security scheme rather than a global --header, so the
  # missing- and ignored-auth checks can leave them out and send wrong ones.
  "$venv/bin/python" - "$document" "$config" "$token" <<'PY'
import json, sys
path, config, token = sys.argv[1:4]
with open(path) as f:
    document = json.load(f)
document.pop("servers", None)
with open(path, "w") as f:
    json.dump(document, f)
lines = []
for name, scheme in document.get("components", {}).get("securitySchemes", {}).items():
    kind, http = scheme.get("type"), scheme.get("scheme", "").lower()
    if kind == "http" and http == "bearer":
        lines += [f'[auth.openapi."{name}"]', f'bearer = "{token}"']
    elif kind == "http" and http == "basic":
        lines += [f'[auth.openapi."{name}"]', f'username = "{token}"', 'password = ""']
    elif kind == "apiKey":
        lines += [f'[auth.openapi."{name}"]', f'api_key = "{token}"']
with open(config, "w") as f:
    f.write("\n".join(lines) + "\n")
PY
  # Jiko documents uploads of up to 50 MB, above the mock's default body limit.
  "$kit" mock --spec "$spec" --addr "127.0.0.1:$port" --stateful --token "$token" \
    --body-limit 67108864 >/dev/null &
  mock_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "==> schemathesis: $spec"
  if ! "$venv/bin/st" --config-file "$config" run "$document" \
      --url "http://127.0.0.1:$port" \
      --checks "$checks" \
      --max-examples "$max_examples" \
      --phases "$phases" \
      --request-timeout 5 \
      --suppress-health-check data_too_large \
      --seed 1 \
      --report junit --report-junit-path ".cache/schemathesis/$name.junit.xml"; then
    failed=1
  fi
  stop_mock
done
exit "$failed"
