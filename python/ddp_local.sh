#!/usr/bin/env bash
# Starts N local ranks of a torch.distributed script with the env:// variables that torchrun sets
# (MASTER_ADDR, MASTER_PORT, RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE), without torchrun's
# elastic agent (Debian's torchrun, PyTorch 1.13 on Python 3.11, crashes in it before any worker starts).
#
#   python/ddp_local.sh N SCRIPT.py [ARGS...]
#
# Python: $PYTHON, else python3 on PATH if it imports torch, else /usr/bin/python3. MASTER_PORT: a
# free port unless set. When a rank fails, the others are stopped and its exit code is returned.
set -uo pipefail
if [[ $# -lt 2 || ! "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 N SCRIPT.py [ARGS...]   (N: number of local ranks, at least 1)" >&2
  exit 2
fi
n="$1"; shift
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  if command -v python3 >/dev/null && python3 -c 'import torch' 2>/dev/null; then python=python3; else python=/usr/bin/python3; fi
fi
if ! "$python" -c 'import torch.distributed' 2>/dev/null; then
  echo "ddp_local.sh: error: $python cannot import torch.distributed; install PyTorch (apt-get install python3-torch) or set PYTHON" >&2
  exit 2
fi
export MASTER_ADDR="${MASTER_ADDR:-127.0.0.1}"
export MASTER_PORT="${MASTER_PORT:-$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export WORLD_SIZE="$n" LOCAL_WORLD_SIZE="$n"

pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap 'stop_all; exit 130' INT TERM
for ((rank = 0; rank < n; rank++)); do
  RANK=$rank LOCAL_RANK=$rank "$python" "$@" &
  pids+=($!)
done

# Wait for the ranks in the order they finish; the first failure stops the rest (they would wait
# for it in a collective until the timeout).
status=0
remaining=$n
while ((remaining > 0)); do
  wait -n
  code=$?
  remaining=$((remaining - 1))
  if ((code != 0 && status == 0)); then
    status=$code
    stop_all
  fi
done
exit $status
