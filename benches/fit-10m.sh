#!/usr/bin/env bash
# The fit bench: `dialsim fit` over 10 million call records (issue 11's target: <= 30 s and
# <= 2 GiB peak memory on the project's 2-core machine). The records are the quickstart's own
# (`dialsim run --cdr`), repeated with fresh UniqueIds until there are N of them (default
# 10 000 000, about 1.1 GB of CSV in a temporary directory, removed at the end). Prints the
# wall time and the peak resident memory of the fit alone.
#   benches/fit-10m.sh [N] [csv|jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000000}"
format="${2:-csv}"
cargo build --release -q
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
./target/release/dialsim run scenarios/quickstart.json --cdr "$dir/seed.$format" > /dev/null
if [ "$format" = csv ]; then
  awk -F, -v OFS=, -v n="$n" '
    NR == 1 { print; next }
    { rows[++m] = $0 }
    END {
      for (k = 0; ; k++) for (i = 1; i <= m; i++) {
        if (written++ >= n) exit
        $0 = rows[i]; $3 = $3 "." k; print
      }
    }' "$dir/seed.csv" > "$dir/records.csv"
else
  awk -v n="$n" '
    { rows[++m] = $0 }
    END {
      for (k = 0; ; k++) for (i = 1; i <= m; i++) {
        if (written++ >= n) exit
        line = rows[i]; sub(/"UniqueId":"[^"]*/, "&." k, line); print line
      }
    }' "$dir/seed.jsonl" > "$dir/records.jsonl"
fi
echo "records: $(($(wc -l < "$dir/records.$format"))) lines, $(du -h "$dir/records.$format" | cut -f1)"
/usr/bin/time -f "fit: %e s wall, %M KiB peak resident" \
  ./target/release/dialsim fit "$dir/records.$format" --json > "$dir/fit.json"
grep -m1 '"used"' "$dir/fit.json"
