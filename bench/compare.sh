#!/usr/bin/env bash
# Runs `net2net bench --json` and then the PyTorch peer (bench/torch_bench.py) on this machine, with the
# same thread count, and prints one JSON object {"net2net": ..., "pytorch": ..., "ratios": ...} on stdout
# and a short summary on stderr. Extra arguments go to `net2net bench` (e.g. --quick).
#
# The PyTorch peer runs twice: as the system runs it, and with the malloc settings that ./net2net
# exports from native-env.sh (MALLOC_*: glibc keeps freed buffers instead of returning them), so that the allocator's
# share of the difference shows ("pytorch_same_malloc").
#
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS bugs) are unset for the
# PyTorch command alone, so that OpenBLAS picks its kernel for this CPU; KEEP_OPENBLAS_ENV=1 keeps them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3
if ! "$py" -c "import torch" 2>/dev/null; then
  echo "compare.sh: $py cannot import torch; install it with: apt-get install python3-torch libopenblas0-pthread" >&2
  exit 2
fi
ours="$("$here/../net2net" bench --json "$@")"
threads="$("$py" -c 'import json,sys; print(json.load(sys.stdin)["threads"])' <<<"$ours")"
unset_note="none were set"
env_cmd=(env)
if [[ "${KEEP_OPENBLAS_ENV:-0}" != 1 ]]; then
  set_vars=()
  for v in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; do
    if [[ -n "${!v+x}" ]]; then set_vars+=("$v=${!v}"); fi
    env_cmd+=(-u "$v")
  done
  ((${#set_vars[@]})) && unset_note="unset for the PyTorch run: ${set_vars[*]}"
else
  unset_note="kept (KEEP_OPENBLAS_ENV=1)"
fi
echo "compare.sh: running the PyTorch peer with $threads threads (OpenBLAS variables: $unset_note)" >&2
for v in MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_ MALLOC_TOP_PAD_ MALLOC_ARENA_MAX; do env_cmd+=(-u "$v"); done
peer="$("${env_cmd[@]}" "$py" "$here/torch_bench.py" --threads "$threads")"
malloc_env=($(grep -o '^export MALLOC_[A-Z_]*="${MALLOC_[A-Z_]*:-[0-9]*}"' "$here/../native-env.sh" | sed 's/^export \(MALLOC_[A-Z_]*\)="${[A-Z_]*:-\([0-9]*\)}"/\1=\2/'))
echo "compare.sh: again with the launcher's malloc settings: ${malloc_env[*]}" >&2
peer_malloc="$("${env_cmd[@]}" "${malloc_env[@]}" "$py" "$here/torch_bench.py" --threads "$threads")"
"$py" - "$ours" "$peer" "$unset_note" "$peer_malloc" "${malloc_env[*]}" <<'PY'
import json, sys
ours, peer, note = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
peer_malloc, malloc_env = json.loads(sys.argv[4]), sys.argv[5]
ratios = {
    "train_ours_over_pytorch": ours["train_samples_per_s"] / peer["train_samples_per_s"],
    "infer_ours_over_pytorch": ours["infer_samples_per_s"] / peer["infer_samples_per_s"],
    "train_ours_over_raw_djl": ours["train_samples_per_s"] / ours["raw_djl_train_samples_per_s"],
    "train_ours_over_pytorch_same_malloc": ours["train_samples_per_s"] / peer_malloc["train_samples_per_s"],
}
print(json.dumps({"net2net": ours, "pytorch": peer, "pytorch_same_malloc": peer_malloc, "malloc_env": malloc_env,
                  "openblas_env": note, "ratios": ratios}, indent=2))
err = sys.stderr
print(f"machine: {ours['cpu']}, {ours['cores']} cores; threads {ours['threads']} (net2net) / {peer['threads']} (pytorch)", file=err)
print(f"train samples/s: net2net {ours['train_samples_per_s']:.0f}, raw DJL {ours['raw_djl_train_samples_per_s']:.0f}, "
      f"PyTorch {peer['torch_version']} {peer['train_samples_per_s']:.0f} -> {ratios['train_ours_over_pytorch']:.2f}x", file=err)
print(f"infer samples/s: net2net {ours['infer_samples_per_s']:.0f}, PyTorch {peer['infer_samples_per_s']:.0f} "
      f"-> {ratios['infer_ours_over_pytorch']:.2f}x", file=err)
print(f"train samples/s, PyTorch with the launcher's malloc settings: {peer_malloc['train_samples_per_s']:.0f} "
      f"-> {ratios['train_ours_over_pytorch_same_malloc']:.2f}x", file=err)
lm = ours.get("transformers", {})
if "ours_over_pytorch" in lm:  # bench runs the token-model peer itself (bench/torch_lm_bench.py)
    print(f"tinygpt train tokens/s: net2net {lm['train_tokens_per_s']:.0f}, PyTorch "
          f"{lm['pytorch']['train_tokens_per_s']:.0f} -> {lm['ours_over_pytorch']:.2f}x", file=err)
PY
