#!/usr/bin/env bash
# A sweep on a real cluster scheduler: installs Debian's single-node Slurm (slurm-wlm, munge),
# starts munged, slurmctld and slurmd on this machine with a generated configuration, submits
# a sharded sweep as a job array, waits, merges the shards with `dialsim merge`, and checks the
# merged sweep.json and sweep.csv equal the unsharded sweep's byte for byte. Then it stops the
# daemons. Runs only as root on a machine with no Slurm of its own (it says SKIPPED otherwise).
#
#   scripts/slurm-sweep-test.sh [path/to/dialsim]
set -euo pipefail
cd "$(dirname "$0")/.."
DIALSIM="$(realpath "${1:-target/release/dialsim}")"

if [ "$(id -u)" != 0 ]; then
  echo "slurm: SKIPPED: needs root (to install and start the daemons)"
  exit 0
fi
if [ -e /etc/slurm/slurm.conf ] || pgrep -x slurmctld > /dev/null 2>&1; then
  echo "slurm: SKIPPED: this machine already has a Slurm configuration or controller"
  exit 0
fi
if ! command -v slurmctld > /dev/null 2>&1 || ! command -v munged > /dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge > /dev/null
fi

WORK="$(mktemp -d /tmp/dialsim-slurm.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT

# munge: a key of its own and a daemon on its own socket.
mkdir -p "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$WORK/munge/munge.key"
munged --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/socket" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/seed"
PIDS+=("$(cat "$WORK/munge/munged.pid")")

HOST="$(hostname -s)"
CPUS="$(nproc)"
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log"
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" << CONF
ClusterName=dialsim
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/socket
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=dialsim Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -D -f "$SLURM_CONF" > "$WORK/log/slurmctld.out" 2>&1 &
PIDS+=("$!")
slurmd -D -f "$SLURM_CONF" > "$WORK/log/slurmd.out" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2> /dev/null | grep -qE '^(idle|mixed)'; then break; fi
  sleep 1
done
if ! sinfo -h -o '%T' 2> /dev/null | grep -qE '^(idle|mixed)'; then
  echo "slurm: the node did not come up; logs:" >&2
  tail -n 20 "$WORK"/log/* >&2 || true
  exit 1
fi

SWEEP=(sweep scenarios/quickstart.json --set Quotiety=1,2,3,4,5 --set Wrapup=10,30 --reps 2)
SHARDS=4
cat > "$WORK/sweep.sbatch" << JOB
#!/usr/bin/env bash
#SBATCH --array=0-$((SHARDS - 1))
#SBATCH --cpus-per-task=1
#SBATCH --output=$WORK/log/job-%a.out
cd "$PWD"
"$DIALSIM" ${SWEEP[*]} --threads 1 --shard "\$SLURM_ARRAY_TASK_ID/$SHARDS" --out "$WORK/shard-\$SLURM_ARRAY_TASK_ID" > /dev/null
JOB
echo "slurm: submitting a $SHARDS-task job array"
JOB_ID="$(timeout 900 sbatch --wait --parsable "$WORK/sweep.sbatch")"
echo "slurm: job array $JOB_ID finished"
"$DIALSIM" merge "$WORK"/shard-* --out "$WORK/merged" > /dev/null
"$DIALSIM" "${SWEEP[@]}" --out "$WORK/whole" > /dev/null 2>&1
for f in sweep.json sweep.csv; do
  if ! cmp "$WORK/merged/$f" "$WORK/whole/$f"; then
    echo "slurm: FAIL: the merged $f differs from the unsharded sweep's" >&2
    exit 1
  fi
done
echo "slurm: PASS: $SHARDS shards run by Slurm and merged equal the unsharded sweep byte for byte"
