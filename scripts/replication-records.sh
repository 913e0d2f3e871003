#!/usr/bin/env bash
# Copies what a replication needs to continue elsewhere (another machine, a later session) from its --out
# directory OUT into DEST, a few MB instead of the checkpoints' hundreds (docs/replication.md):
#   - every finished run's record, runs/.../result.json;
#   - the checkpoints the students grow from, without their optimizer state: the teachers (runs/*/teacher*)
#     and the deeper experiment's teacher, random init of the full-width net at the largest budget, seed 0.
# Then: ./net2net replicate --profile P --resume --out DEST
#   scripts/replication-records.sh OUT DEST LARGEST_BUDGET   (full: 10)
set -euo pipefail
if [[ $# -ne 3 || ! -d "$1/runs" ]]; then
  echo "usage: scripts/replication-records.sh OUT DEST LARGEST_BUDGET (OUT: a replicate --out directory with runs/)" >&2
  exit 2
fi
out="$(cd "$1" && pwd)"
mkdir -p "$2"
dest="$(cd "$2" && pwd)"
largest="$3"
cd "$out"
{
  find runs -name result.json
  # a parent is read only once finished: copy only checkpoints that have their record
  for dir in runs/*/teacher*/*/*/* runs/wider/random_init/*/"B$largest"/seed0; do
    if [[ -f "$dir/result.json" ]]; then
      for f in model.json model.safetensors train_state.json metrics.jsonl metrics.csv; do
        [[ -f "$dir/$f" ]] && echo "$dir/$f"
      done
    fi
  done
} | sort -u | while read -r f; do
  mkdir -p "$dest/$(dirname "$f")"
  cp -p "$f" "$dest/$f.tmp.$$"
  mv "$dest/$f.tmp.$$" "$dest/$f"
done
