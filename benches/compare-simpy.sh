#!/usr/bin/env bash
# The reference model dialer-ref v1, SimPy then dialsim, one after the other on this machine,
# and the ratio of their wall times.
#   benches/compare-simpy.sh [AGENTS=1000] [HOURS=8] [SEED=1]
# SimPy's time is its event loop only (model build excluded, as simpy_dialer.py reports it);
# dialsim's is the whole process (reading and validating the scenario included), the
# conservative side. Installs SimPy 4.1.2 into target/simpy-venv the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/simpy-env.sh
AGENTS="${1:-1000}"
HOURS="${2:-8}"
SEED="${3:-1}"
cargo build --release --quiet
SC="target/dialer-ref-v1-$AGENTS.json"
"$PY" - "$AGENTS" "$HOURS" > "$SC" <<'PY'
import json, sys
n, hours = int(sys.argv[1]), float(sys.argv[2])
s = json.load(open("scenarios/dialer-ref-v1-100.json"))
s["name"] = f"dialer-ref-v1-{n}"
s["duration_s"] = int(hours * 3600)
s["enterprise"]["agents"]["count"] = n
first = s["enterprise"]["agents"]["first_cno"]
# The platform holds at most 1 000 000 numbers a task (about 8 hours of 1 000 agents here):
# a larger team is split into tasks of at most 1 000 agents, each with its own group, list
# and ratio dialer (the ratio pacer dials per idle agent, so the load per agent is the same).
k = -(-n // 1000)
groups, tasks = [], []
for j in range(k):
    members = [str(first + i) for i in range(j * n // k, (j + 1) * n // k)]
    groups.append({"id": str(j + 1), "cnos": members})
    t = json.loads(json.dumps(s["tasks"][0]))
    t["request"]["Name"] = f"{s['tasks'][0]['request']['Name']}-{j}"
    t["request"]["AgentGroup"] = str(j + 1)
    t["numbers"]["count"] = min(1_000_000, int(2000 * len(members) * max(hours, 1)))
    tasks.append(t)
s["enterprise"]["agent_groups"] = groups
s["tasks"] = tasks
print(json.dumps(s))
PY
echo "dialer-ref v1: $AGENTS agents, $HOURS h, seed $SEED ($(nproc) cores, $(uname -m))"
SIMPY_JSON="$("$PY" "$REF" --agents "$AGENTS" --hours "$HOURS" --seed "$SEED" --json)"
SIMPY_S="$(echo "$SIMPY_JSON" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["wall_s"])')"
SIMPY_EV="$(echo "$SIMPY_JSON" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["model_events"])')"
START="$(date +%s.%N)"
DIALSIM_JSON="$(./target/release/dialsim run "$SC" --seed "$SEED" --json 2>/dev/null)"
END="$(date +%s.%N)"
DIALSIM_EV="$(echo "$DIALSIM_JSON" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["events"])')"
"$PY" - "$SIMPY_S" "$SIMPY_EV" "$START" "$END" "$DIALSIM_EV" <<'PY'
import sys
simpy_s, simpy_ev, start, end, dialsim_ev = map(float, sys.argv[1:])
dialsim_s = end - start
print(f"SimPy:   {simpy_s:8.3f} s  {simpy_ev:10.0f} model events  {simpy_ev / simpy_s / 1e6:6.2f} M events/s")
print(f"dialsim: {dialsim_s:8.3f} s  {dialsim_ev:10.0f} events        {dialsim_ev / dialsim_s / 1e6:6.2f} M events/s")
print(f"dialsim is {simpy_s / dialsim_s:.0f}x faster")
PY
