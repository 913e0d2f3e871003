# Settings for libtorch and glibc, read by ./net2net, ./run-tests and bench/compare.sh (sourced, not
# run). Values already set in the environment win. See docs/performance.md.

# glibc's malloc: keep libtorch's freed activation buffers instead of returning them to the kernel
# and faulting them back in at the next batch. Blocks of 16 MB and more (an evaluation batch's
# activations) still get their own mappings, so they cannot fragment the heap epoch after epoch.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-16777216}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"

# oneDNN on AMD CPUs: with its AVX, AVX2 and AVX-512 kernels, libtorch 2.7.1 (DJL's native
# library) returned NaN at random from convolutions and the layers after them in a JVM on an AMD
# EPYC (Zen 4): 144-484 of 1,200 eval forward passes of fashionnet, the same passes bit-identical
# otherwise; none with the SSE4.1 kernels, and none in PyTorch 1.13 on the same machine.
if grep -q '^vendor_id.*AuthenticAMD' /proc/cpuinfo 2>/dev/null; then
  export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-SSE41}"
fi
