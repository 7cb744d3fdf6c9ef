#!/usr/bin/env bash
# Source me: puts a Python with SimPy 4.1.2 (the reference model's version) on PATH as $PY,
# installing it into target/simpy-venv the first time. Needs python3 and PyPI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/target/simpy-venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import simpy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet simpy==4.1.2
fi
PY="$VENV/bin/python"
REF="${DIALER_REF:-$ROOT/../shared/reference/dialer-ref-v1/simpy_dialer.py}"
export PY REF
