#!/usr/bin/env bash
# Record the SimPy reference model's figures over many seeds, for the test that checks dialsim
# against them (tests/integration/reference_model.rs reads the fixture; CI needs no Python).
#   benches/simpy-reference.sh [SEEDS=20] [AGENTS=100]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/simpy-env.sh
SEEDS="${1:-20}"
AGENTS="${2:-100}"
OUT="tests/fixtures/dialer-ref-v1-simpy-$AGENTS.jsonl"
TMP="$OUT.tmp"
: > "$TMP"
for seed in $(seq 1 "$SEEDS"); do
  "$PY" "$REF" --agents "$AGENTS" --hours 8 --seed "$seed" --json \
    | "$PY" -c 'import json,sys; r=json.load(sys.stdin); r.pop("wall_s"); [r.pop(k) for k in list(r) if k.endswith("_per_s")]; print(json.dumps(r, sort_keys=True))' >> "$TMP"
  echo "seed $seed done" >&2
done
mv "$TMP" "$OUT"
echo "wrote $OUT" >&2
