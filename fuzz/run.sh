#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 10) on a working copy of the committed seed
# corpus, so new inputs never land in the repository. Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz --locked`). A crash stops the script with libFuzzer's
# report; the input is kept under fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh 10                 # CI: a minute in all
#   fuzz/run.sh 600 scenario       # one target, ten minutes
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-10}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(request_json request_query scenario sweep_grid sweep_cells scenario_engine fit_records)
fi
work="${FUZZ_WORK:-$(mktemp -d)}"
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "corpus/$t"
  echo "fuzz: $t for ${seconds} s"
  # -a: debug assertions on, so the engine's invariants are checked at every event.
  cargo +nightly fuzz run -a "$t" "$work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|SUMMARY)|DONE|panicked|INFO: seed corpus" \
    | tail -n 6
done
