#!/usr/bin/env bash
# Mutation testing with cargo-mutants (configuration: .cargo/mutants.toml).
#
#   scripts/mutants.sh [--cap SECONDS] [--shard k/n] FILE...   mutate these files
#   scripts/mutants.sh [--cap SECONDS] --diff REV              mutate the lines changed since REV
#   ... -- CARGO_TEST_ARGS                                      run only these tests for each
#                                                               mutant (e.g. -- --lib -- abandon)
#
# Results go to target/mutants/ (mutants.out/outcomes.json, caught.txt, missed.txt, ...).
# Exit 0 when no mutant was missed (caught, unviable, or not reached within the cap), 1 when
# a mutant was missed, 2 on bad usage. Installs cargo-mutants (crates.io) the first time.
# With --cap, the run stops after SECONDS and says how many mutants it did not reach; the
# unmutated tree's tests are not re-run (--baseline skip), so run the test suite first.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=27.1.0
cap=0
diff_rev=""
shard=""
files=()
test_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --) shift; test_args=("$@"); break ;;
        --cap) cap="$2"; shift 2 ;;
        --diff) diff_rev="$2"; shift 2 ;;
        --shard) shard="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) files+=("$1"); shift ;;
    esac
done
if [ -z "$diff_rev" ] && [ ${#files[@]} -eq 0 ]; then
    echo "mutants: give files to mutate or --diff REV" >&2
    exit 2
fi

out=target/mutants
rm -rf "$out"
mkdir -p "$out"
args=(--no-shuffle -o "$out")
if [ -n "$shard" ]; then
    args+=(--shard "$shard")
fi
if [ -n "$diff_rev" ]; then
    git diff "$diff_rev" -- src > "$out/change.diff"
    if [ ! -s "$out/change.diff" ]; then
        echo "mutants: no source change since $diff_rev"
        exit 0
    fi
    args+=(--in-diff "$out/change.diff")
else
    for f in "${files[@]}"; do
        args+=(--file "$f")
    done
fi
if ! cargo mutants --version 2>/dev/null | grep -q "$VERSION"; then
    echo "mutants: installing cargo-mutants $VERSION"
    cargo install cargo-mutants --locked --version "$VERSION" --quiet
fi

if [ "$cap" != "0" ]; then
    # CI runs the whole suite in the same job: skip the baseline, bound each mutant.
    # The first build compiles every dependency in the scratch copy (two to four minutes).
    args+=(--baseline skip --timeout 240 --build-timeout 420)
fi

total=$(cargo mutants "${args[@]}" --list 2>/dev/null | wc -l)
if [ ${#test_args[@]} -gt 0 ]; then
    args+=(-- "${test_args[@]}")
fi
echo "mutants: $total mutant(s) to test"
[ "$total" -eq 0 ] && exit 0

set +e
if [ "$cap" != "0" ]; then
    timeout --signal=INT "$cap" cargo mutants "${args[@]}"
else
    cargo mutants "${args[@]}"
fi
rc=$?
set -e

count() { [ -f "$out/mutants.out/$1" ] && wc -l < "$out/mutants.out/$1" || echo 0; }
caught=$(count caught.txt); missed=$(count missed.txt)
timeout_n=$(count timeout.txt); unviable=$(count unviable.txt)
done_n=$((caught + missed + timeout_n + unviable))
echo "mutants: $caught caught, $missed missed, $timeout_n timed out, $unviable unviable, $((total - done_n)) not reached"
if [ "$missed" -gt 0 ]; then
    echo "mutants: missed (no test fails for these changes):"
    cat "$out/mutants.out/missed.txt"
    exit 1
fi
if [ "$rc" -eq 124 ] || [ "$rc" -eq 130 ]; then
    echo "mutants: stopped at the cap of ${cap} s"
fi
exit 0
