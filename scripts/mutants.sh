#!/usr/bin/env bash
# Mutation testing with cargo-mutants (configuration: .cargo/mutants.toml).
#
#   scripts/mutants.sh [--cap SECONDS] [--shard k/n] FILE...   mutate these files
#   scripts/mutants.sh [--cap SECONDS] --diff REV              mutate the lines changed since REV
#   ... -- CARGO_TEST_ARGS                                      run only these tests for each
#                                                               mutant (e.g. -- --lib -- abandon)
#   --quick                 a debug build (incremental, linked by mold when it is installed),
#                           two mutants at a time, the tests run by cargo-nextest, which stops
#                           at a mutant's first failing test: about 4 s a mutant for the unit
#                           tests, 5 to 15 s with the integration tests, on 2 cores
#   --lib-only              build and run only the library's unit tests (with --quick: a few
#                           seconds a mutant; survivors then get a run with the integration
#                           tests)
#   --re REGEX              only the mutants whose name (file:line:col: change) matches;
#                           repeatable: a second pass gives its survivors' '^file:line:col:'
#   --tests SET             with --quick, run only the tests that bear on a module (SET:
#                           pacing, request, engine; the filters below), skipping the slow
#                           statistical, fitting and load tests that test other modules
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
quick=0
lib_only=0
tests=""
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --) shift; test_args=("$@"); break ;;
        --cap) cap="$2"; shift 2 ;;
        --diff) diff_rev="$2"; shift 2 ;;
        --shard) shard="$2"; shift 2 ;;
        --quick) quick=1; shift ;;
        --lib-only) lib_only=1; shift ;;
        --tests) tests="$2"; shift 2 ;;
        --re) only+=(--re "$2"); shift 2 ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) files+=("$1"); shift ;;
    esac
done
# nextest filters (cargo nextest help: "filtersets"): the unit tests but the fitting ones, and
# the integration tests of each module's behaviour that run in seconds in a debug build.
unit='kind(lib) - test(/^fit::/)'
run='test(/^(engine_pacing|pacer_comparison|calendar_rules|update_task|live|replay|queue_order|abandon_definition|platform_store|scenario_checks|cli)::/)
  | test(/^golden::(quickstart|small_team_8|ivr_automatic|erlang_a_100|mid_team_50|compliance_3pct|campaign_3day)$/)
  | test(/^fidelity::(one_agent_under_load|ten_agents_under_and_over_load|erlang_c_without_abandonment|served_waits_follow_first_in_first_out)$/)'
slow='test(=platform_store::per_task_number_limit) | test(=hostile::scenario_numbers_beyond_the_platform_limits_are_refused)
  | test(=hostile::dev_zero_is_refused_by_size) | test(=sweep_check::a_sweep_can_hold_the_worst_window_of_the_tasks_definition_to_the_cap)'
case "$tests" in
    "") ;;
    # The engine's own unit tests are in world:: and sim::; the rest of the library's do not
    # run it.
    engine) test_args=(-E "(kind(lib) & test(/^(world|sim)::/)) | (binary(integration) & ($run) - ($slow))") ;;
    pacing) test_args=(-E "$unit | (binary(integration) & ($run | test(/^(hostile|sweep_check)::/) | test(=compare::compare_refuses_what_it_cannot_compare)) - ($slow))") ;;
    request) test_args=(-E "$unit | (binary(integration) & test(/^(request_rules|request_props|api_page|platform_store|update_task|scenario_checks|hostile|live|cli)::/) - ($slow))") ;;
    *) echo "mutants: --tests takes pacing, request or engine, not '$tests'" >&2; exit 2 ;;
esac
if [ -n "$tests" ] && [ "$quick" = 0 ]; then
    echo "mutants: --tests needs --quick (the filters are cargo-nextest's)" >&2
    exit 2
fi
if [ -z "$diff_rev" ] && [ ${#files[@]} -eq 0 ]; then
    echo "mutants: give files to mutate or --diff REV" >&2
    exit 2
fi

out="$PWD/target/mutants"
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
args+=("${only[@]}")
if ! cargo mutants --version 2>/dev/null | grep -q "$VERSION"; then
    echo "mutants: installing cargo-mutants $VERSION"
    cargo install cargo-mutants --locked --version "$VERSION" --quiet
fi

# cargo-mutants copies the tree for each job when that job starts, minutes into a run: an edit
# made meanwhile lands in one job's copy and not in the other's, and its mutants are judged by
# a tree nobody tested. Mutate a snapshot of the tree as it is now (uncommitted changes
# included), so that work can go on while a run does.
snap=$(mktemp -d "${TMPDIR:-/tmp}/dialsim-mutants-src.XXXXXX")
trap 'rm -rf "$snap"' EXIT
git ls-files -z --cached --others --exclude-standard \
    | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$snap"
cd "$snap"

if [ "$quick" = 1 ]; then
    # The debug profile rebuilds a mutant incrementally in seconds where the optimised one
    # takes a minute; the invariants' debug assertions are on in both.
    args+=(--profile dev -j 2 --test-tool nextest)
    # No debug info: a mutant's rebuild and relink take half the time.
    export CARGO_PROFILE_DEV_DEBUG=0
    if command -v mold >/dev/null; then
        export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fuse-ld=mold"
    fi
fi
if [ "$lib_only" = 1 ]; then
    args+=(--cargo-arg=--lib)
elif [ "$quick" = 1 ]; then
    # Every test is in the library or tests/integration: build nothing else.
    args+=(--cargo-arg=--lib --cargo-arg=--test=integration)
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
