#!/usr/bin/env bash
# Times `cargo xtask drift` on GitHub's 13 MB description against an edited copy of itself
# (issue 9's speed check). The copy is made deterministically: the 6th path (sorted) removed,
# the 11th path's first operation deprecated, a required property added to the first JSON
# request body after the 20th path, an enum value appended to the first component enum, and a
# 404 response removed from the first operation after the 40th path that documents one.
# Needs the npm corpus (README, "Breadth and speed") and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=.cache/corpus/node_modules/@octokit/openapi/generated/api.github.com.json
edited=target/bench/github-edited.json
[ -f "$spec" ] || { echo "missing $spec: npm install --prefix .cache/corpus @octokit/openapi" >&2; exit 2; }
mkdir -p target/bench
python3 - "$spec" "$edited" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
paths = sorted(doc["paths"])
del doc["paths"][paths[5]]
for op in doc["paths"][paths[10]].values():
    if isinstance(op, dict) and "operationId" in op:
        op["deprecated"] = True
        break
def first_body():
    for path in paths[20:]:
        for op in doc["paths"].get(path, {}).values():
            if not isinstance(op, dict):
                continue
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema and "properties" in schema:
                return schema
schema = first_body()
schema["properties"]["specgen_new"] = {"type": "string"}
schema.setdefault("required", []).append("specgen_new")
for value in doc["components"]["schemas"].values():
    if "enum" in value:
        value["enum"].append("specgen-new-value")
        break
def drop_404():
    for path in paths[40:]:
        for op in doc["paths"].get(path, {}).values():
            if isinstance(op, dict) and "404" in op.get("responses", {}):
                del op["responses"]["404"]
                return
drop_404()
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
cargo build --quiet --release -p xtask
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  SPECGEN_TIMINGS=1 /usr/bin/time -f "run $run: %e s wall, %U s user, %M KiB peak" \
    target/release/xtask drift "$spec" "$edited" --fail-on never 2>&1 >/dev/null | grep -E "^run|drift:"
done
