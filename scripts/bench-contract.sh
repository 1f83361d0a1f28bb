#!/usr/bin/env bash
# The contract benchmark: each seed spec through `xtask::contract` against the stateful mock and
# through schemathesis (`--checks all`, as many cases per operation as the runner sends), timed
# in one process. Prints a Markdown table for BENCHMARKS.md.
#
# schemathesis comes from PyPI into .cache/schemathesis-venv, as scripts/schemathesis.sh does (set SCHEMATHESIS to use another).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SCHEMATHESIS:-}" ]]; then
  venv=.cache/schemathesis-venv
  if [[ ! -x "$venv/bin/st" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet schemathesis
  fi
  export SCHEMATHESIS="$PWD/$venv/bin/st"
fi
"$SCHEMATHESIS" --version
cargo test -p specgen-tests --test contract_bench -- --ignored --nocapture
