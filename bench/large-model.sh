#!/usr/bin/env bash
# Hand check for weights over 2 GiB (issue 12): creates a 24,000 x 32,000 dense model (3.07 GB of
# float32 in one tensor, a 3 GiB model.safetensors), then runs `info` and `verify` on it. Needs
# about 17 GB of free memory (verify holds teacher, student and a copy of each, plus the mapped
# file) and a few minutes; it is not part of the test suite. Usage: bench/large-model.sh [DIR] (default: a temporary directory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$(mktemp -d)}"
mkdir -p "$dir"
printf '{"input": [32000], "layers": [{"type": "dense", "name": "fc1", "units": 24000}]}\n' > "$dir/arch.json"
timed() { local s=$SECONDS; "$@"; echo "  ($(( SECONDS - s )) s: $*)" >&2; }
timed "$here/net2net" init --arch "$dir/arch.json" --out "$dir/big" --force
ls -l "$dir/big"
timed "$here/net2net" info --model "$dir/big"
timed "$here/net2net" verify --teacher "$dir/big" --student "$dir/big" --samples 16
