"""Train a net2net model directory with PyTorch DistributedDataParallel, as `net2net train` would.

Needs only torch and the standard library. Start it with torchrun, or with the env:// variables
alone (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK; python/ddp_local.sh sets them for
local ranks), or plainly as one process:

    torchrun --nproc_per_node 4 python/train_ddp.py --model runs/wide --out runs/wide-ddp --epochs 10
    python/ddp_local.sh 2 python/train_ddp.py --model runs/wide --out runs/wide-ddp --limit 2000

Semantics of `net2net train`: the preprocessing recorded in model.json (or the loader's 1/255, with
--standardize fitted on the whole training split), Fashion-MNIST from the same IDX files, the same
class-balanced --limit subsets and the same per-epoch batch order (Java's SplittableRandom is
reproduced below), torch.optim.SGD (what MomentumSgd implements), the learning-rate schedules.
--batch is the GLOBAL batch: each global batch is cut into WORLD_SIZE contiguous shards, and every
rank's loss is its share of the global mean, so DDP's gradient average is the global batch's
gradient. BatchNorm statistics are taken over the global batch too (SyncBatchNorm on CUDA, an
all-reduce below on CPU), so N ranks compute what one process computes with the same --batch, up
to float rounding. Only dropout masks differ between world sizes (each rank draws its own).

Output: a net2net model directory (model.json + model.safetensors under state_dict names), written
by rank 0 into a temporary sibling and renamed into place, with a "train_ddp" history step.
"""
import argparse
import datetime
import gzip
import json
import math
import os
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import net2net_torch  # noqa: E402  (the loader next to this file)

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60000),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000)}
PIXEL_SCALE = 1.0 / 255
NUM_CLASSES = 10
EVAL_BATCH = 1000
# Preprocessing.FORMULA in the Java code, written into model.json with the preprocessing.
FORMULA = ("x = float32(raw * scale) (for bytes and scale 1/255: float32(raw) / 255);"
           " then, if mean is not null, x = (x - mean[c]) / std[c] in float32,"
           " c = index along the first axis of the sample shape (channel, or feature of a flat sample);"
           " a single mean/std applies to all values")
SCHEDULES = ("none", "step", "cosine", "warmup-cosine")
WARMUP_FRACTION = 0.03


class UsageError(Exception):
    """Bad input: reported as one line on stderr, exit code 2."""


# ---------------------------------------------------------------- seeds, subsets, batch order
# Bit-for-bit the Java code's streams (net2net.data.Seeds, Batches, Subsets on java.util.SplittableRandom),
# so a run here trains on the same subset in the same order as `net2net train` with the same seeds.

M64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
SALT_SUBSET, SALT_EPOCH = 1, 4


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def derive(seed, salt):
    """Seeds.derive: SplitMix64's finaliser of seed + golden * (salt + 1), as an unsigned 64-bit value."""
    return _mix64((seed + GOLDEN_GAMMA * (salt + 1)) & M64)


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextLong, and nextInt(bound) as Java 17's RandomSupport.boundedNextInt."""

    def __init__(self, seed):
        self.seed = seed & M64

    def _next_seed(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & M64
        return self.seed

    def next_long(self):
        return _mix64(self._next_seed())

    def _next_int32(self):
        z = self._next_seed()
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
        return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32  # unsigned 32 bits

    def next_int(self, bound):
        r = self._next_int32()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1
        while True:
            r = u % bound
            if u + m - r < 1 << 31:  # Java: u + m - r < 0 means the int overflowed: draw again
                return r
            u = self._next_int32() >> 1


def shuffle(a, rng):
    """Batches.shuffle: Fisher-Yates from the end."""
    for i in range(len(a) - 1, 0, -1):
        j = rng.next_int(i + 1)
        a[i], a[j] = a[j], a[i]


def permutation(n, seed):
    p = list(range(n))
    shuffle(p, SplittableRandom(seed))
    return p


def epoch_batches(n, batch, seed, epoch):
    """Batches.epochBatches: a permutation from (seed, epoch) cut into batches, the last one shorter."""
    order = permutation(n, derive(derive(seed, SALT_EPOCH), epoch))
    return [order[i:i + batch] for i in range(0, n, batch)]


def subset_indices(labels, n, seed, shuffled):
    """Subsets.indices for classification: N class-balanced samples, shuffled (--limit) or ascending (--test-limit)."""
    if n <= 0 or n > len(labels):
        raise UsageError(f"limit {n} is outside 1..{len(labels)}: pass a sample count between 1 and the dataset size")
    rng = SplittableRandom(derive(seed, SALT_SUBSET))
    members = [[] for _ in range(NUM_CLASSES)]
    for i, label in enumerate(labels):
        members[label].append(i)
    available = [len(m) for m in members]
    quota, missing = [], 0
    for c in range(NUM_CLASSES):
        wanted = n // NUM_CLASSES + (1 if c < n % NUM_CLASSES else 0)
        quota.append(min(wanted, available[c]))
        missing += wanted - quota[c]
    c = 0
    while missing > 0:
        if quota[c] < available[c]:
            quota[c] += 1
            missing -= 1
        c = (c + 1) % NUM_CLASSES
    chosen = []
    for c in range(NUM_CLASSES):
        shuffle(members[c], rng)
        chosen.extend(members[c][:quota[c]])
    if shuffled:
        shuffle(chosen, rng)
    else:
        chosen.sort()
    return chosen


# ---------------------------------------------------------------- data

def read_idx(path, magic, count, dims):
    """One gzipped IDX file, checked as IdxFile does: magic, count, dimensions, exact length."""
    try:
        data = gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError) as e:
        raise UsageError(f"{path} cannot be read as a gzip file ({e}): fetch the Fashion-MNIST files again")
    header = 8 + 4 * len(dims)
    if len(data) < header:
        raise UsageError(f"{path} is truncated: fetch the Fashion-MNIST files again")
    got = struct.unpack(f">{2 + len(dims)}i", data[:header])
    if got[0] != magic or got[1] != count or list(got[2:]) != dims:
        raise UsageError(f"{path} has header {got}, expected magic {magic}, {count} items of {dims}: "
                         "point --data-dir at the official Fashion-MNIST files")
    if len(data) != header + count * math.prod(dims):
        raise UsageError(f"{path} has {len(data)} bytes, expected {header + count * math.prod(dims)}: fetch it again")
    return torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8)


def load_split(data_dir, split):
    """Raw pixel bytes (N, 1, 28, 28) and labels."""
    images, labels, count = FILES[split]
    pixels = read_idx(data_dir / images, 2051, count, [28, 28]).reshape(count, 1, 28, 28)
    y = read_idx(data_dir / labels, 2049, count, []).long()
    if int(y.max()) >= NUM_CLASSES:
        raise UsageError(f"{data_dir / labels} has labels outside 0..9: fetch it again")
    return pixels, y


def scaled(pixels):
    """float32(byte * (1/255) in double), FashionMnist's byte-to-float table; for all 256 bytes it equals float32(byte) / 255."""
    return pixels.float().div_(255)


def locate_data(data_dir):
    candidates = [Path(data_dir)] if data_dir else [
        Path(p) for p in (os.environ.get("NET2NET_DATA"), DEFAULT_DATA_DIR,
                          Path.home() / ".cache" / "net2net" / "fashion-mnist") if p]
    for d in candidates:
        if all((d / f).is_file() for split in FILES.values() for f in split[:2]):
            return d
    raise UsageError(f"Fashion-MNIST is not in {', '.join(map(str, candidates))}: pass --data-dir DIR holding the four "
                     ".gz files (apt-get install dataset-fashion-mnist, or run `net2net train` once to download them)")


def preprocessing_for(model_pre, standardize, train_pixels):
    """What DataOptions.load picks: the model's recorded preprocessing, else 1/255 (standardised with --standardize)."""
    if model_pre is not None:
        if float(model_pre.get("scale", float("nan"))) != PIXEL_SCALE:
            raise UsageError(f"the model was trained on inputs scaled by {model_pre.get('scale')} but fashion-mnist gives "
                             f"inputs scaled by {PIXEL_SCALE}; use the data the model was trained on")
        if standardize and model_pre.get("mean") is None:
            raise UsageError("the model was trained on unstandardised inputs; drop --standardize")
        return model_pre
    if not standardize:
        return {"scale": PIXEL_SCALE, "mean": None, "std": None, "formula": FORMULA}
    # Preprocessing.standardize: mean and unbiased std in double over all training pixels, rounded to float32
    d = scaled(train_pixels).double()
    mean = float(torch.tensor(d.mean().item(), dtype=torch.float32))
    std = float(torch.tensor(math.sqrt(((d - d.mean()) ** 2).sum().item() / (d.numel() - 1)), dtype=torch.float32))
    return {"scale": PIXEL_SCALE, "mean": [mean], "std": [std], "formula": FORMULA}


def standardized(x, pre):
    if pre.get("mean") is None:
        return x
    mean = torch.tensor(pre["mean"], dtype=torch.float32)
    std = torch.tensor(pre["std"], dtype=torch.float32)
    if len(mean) not in (1, x.shape[1]):
        raise UsageError(f"the preprocessing has {len(mean)} channel means but the inputs have {x.shape[1]} channels")
    shape = (1, -1) + (1,) * (x.dim() - 2)
    return (x - mean.reshape(shape)) / std.reshape(shape)


# ---------------------------------------------------------------- schedule

def schedule_factor(schedule, epoch, batch, batches, epochs):
    """Schedule.factor: the multiplier of the base rate in batch `batch` of `batches` of epoch `epoch` of `epochs`."""
    if schedule == "none":
        return 1.0
    if schedule == "step":
        position = epoch / epochs
        return 0.01 if position >= 0.75 else 0.1 if position >= 0.5 else 1.0
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * (epoch + batch / batches) / epochs))
    # warmup-cosine: linear warmup over the first 3% of the run's steps (at least one), then cosine to 0
    total = epochs * batches
    step = epoch * batches + batch
    warmup = max(1, math.floor(WARMUP_FRACTION * total + 0.5))  # Java's Math.round (half up), as Schedule.warmupSteps
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


# ---------------------------------------------------------------- BatchNorm over the global batch on CPU

class GlobalBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm whose training statistics are over the samples of all ranks (what one process with the
    global batch computes). The all-reduces are differentiable (torch.distributed.nn), so the gradient
    flows through the shared mean and variance as in SyncBatchNorm, which 1.13 runs on CUDA only.
    Same parameters and buffers as BatchNorm, so the state_dict names do not change."""

    group = None  # the process group for the statistics, apart from DDP's gradient all-reduces

    def _check_input_dim(self, x):
        if x.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {x.dim()}D input)")

    def forward(self, x):
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        from torch.distributed.nn.functional import all_reduce
        dims = [0] + list(range(2, x.dim()))
        count = torch.tensor([x.numel() / x.shape[1]], dtype=x.dtype)
        total = all_reduce(torch.cat([x.sum(dims), count]), group=self.group)  # sums over all ranks
        n = float(total[-1])
        if n <= 1:
            raise UsageError("a BatchNorm layer got 1 value per channel in a global batch; use a larger --batch "
                             "or a --limit that does not leave a last batch of 1 sample")
        shape = (1, -1) + (1,) * (x.dim() - 2)
        mean = total[:-1] / n
        centred = x - mean.reshape(shape)
        var = all_reduce((centred * centred).sum(dims), group=self.group) / n  # two passes: no cancellation
        with torch.no_grad():
            self.num_batches_tracked += 1
            self.running_mean.mul_(1 - self.momentum).add_(mean.detach(), alpha=self.momentum)
            self.running_var.mul_(1 - self.momentum).add_(var.detach() * (n / (n - 1)), alpha=self.momentum)
        y = centred / torch.sqrt(var + self.eps).reshape(shape)
        return y * self.weight.reshape(shape) + self.bias.reshape(shape) if self.affine else y


def global_batchnorm(module):
    """The module with every BatchNorm replaced by a GlobalBatchNorm sharing its parameters and buffers."""
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        g = GlobalBatchNorm(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats)
        g.load_state_dict(module.state_dict())
        return g
    for name, child in module.named_children():
        module.add_module(name, global_batchnorm(child))
    return module


# ---------------------------------------------------------------- training

def shard(batch, rank, world):
    """This rank's contiguous part of a global batch (the first len % world shards one sample longer)."""
    base, extra = divmod(len(batch), world)
    start = rank * base + min(rank, extra)
    return batch[start:start + base + (1 if rank < extra else 0)]


def evaluate(model, x, y, rank, world, device):
    """Mean cross-entropy and accuracy on (x, y), each rank taking its shard, summed over ranks."""
    model.eval()
    idx = shard(list(range(len(y))), rank, world)
    sums = torch.zeros(3, dtype=torch.float64, device=device)
    with torch.no_grad():
        for i in range(0, len(idx), EVAL_BATCH):
            part = idx[i:i + EVAL_BATCH]
            xb, yb = x[part[0]:part[-1] + 1].to(device), y[part[0]:part[-1] + 1].to(device)
            out = model(xb)
            sums += torch.stack([F.cross_entropy(out, yb, reduction="sum").double(),
                                 (out.argmax(1) == yb).sum().double(), torch.tensor(float(len(part)), device=device).double()])
    if world > 1:
        dist.all_reduce(sums)
    model.train()
    return (sums[0] / sums[2]).item(), (sums[1] / sums[2]).item()


def data_label(args):
    """DataOptions.label: e.g. "fashion-mnist --limit 10000"."""
    return ("fashion-mnist" + (f" --limit {args.limit}" if args.limit else "")
            + (f" --test-limit {args.test_limit}" if args.test_limit else "")
            + (f" --data-seed {args.data_seed}" if args.data_seed else ""))


def refuse_existing(out, force):
    if out.exists() and not force:
        raise UsageError(f"output {out} already exists; choose another --out or add --force to replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out} is a file, not a directory; choose another --out")


def write_model(out, force, meta, tensors):
    """model.json + model.safetensors into a temporary sibling, renamed into place (OutputDirs.writeAtomically)."""
    refuse_existing(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    old = None
    try:
        (tmp / "model.json").write_text(json.dumps(meta, indent=2) + "\n")
        net2net_torch.write_safetensors(tmp / "model.safetensors", tensors)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            old.rmdir()
            out.rename(old)
        tmp.rename(out)
        tmp = None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and not out.exists():
                old.rename(out)
                old = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, type=Path, metavar="DIR", help="the net2net model directory to train")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="where to write the trained model")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--batch", type=int, default=128, help="the GLOBAL batch, cut into one shard per rank")
    p.add_argument("--schedule", default="warmup-cosine", choices=SCHEDULES)
    p.add_argument("--seed", type=int, default=0, help="seed of the batch order and dropout")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=f"the four Fashion-MNIST .gz files (default: $NET2NET_DATA, {DEFAULT_DATA_DIR}, ~/.cache/net2net/fashion-mnist)")
    p.add_argument("--limit", type=int, help="train on a class-balanced subset of N samples (the same as net2net's)")
    p.add_argument("--test-limit", type=int, help="evaluate on a class-balanced subset of N test samples")
    p.add_argument("--data-seed", type=int, default=0, help="seed of the --limit subsets")
    p.add_argument("--standardize", action="store_true", help="standardise inputs (only for a model without recorded preprocessing)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="auto: cuda when available")
    p.add_argument("--backend", choices=("gloo", "nccl"), help="default: nccl on cuda, gloo on cpu")
    p.add_argument("--local-batchnorm", action="store_true",
                   help="BatchNorm statistics per rank (plain DDP; faster, but no longer the global batch's)")
    args = p.parse_args(argv)
    if args.epochs < 1:
        p.error(f"--epochs must be at least 1, got {args.epochs}")
    if not args.lr > 0 or math.isinf(args.lr):
        p.error(f"--lr must be a positive number, got {args.lr}")
    if not 0 <= args.momentum < 1:
        p.error(f"--momentum must be in [0, 1), got {args.momentum}")
    if not args.weight_decay >= 0 or math.isinf(args.weight_decay):
        p.error(f"--weight-decay must be a non-negative number, got {args.weight_decay}")
    if args.batch < 1:
        p.error(f"--batch must be at least 1, got {args.batch}")
    return args


def main(argv=None):
    args = parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    distributed = "WORLD_SIZE" in os.environ
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if use_cuda and not torch.cuda.is_available():
        raise UsageError("--device cuda but torch sees no GPU; use --device cpu")
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    backend = args.backend or ("nccl" if use_cuda else "gloo")
    if backend == "nccl" and not use_cuda:
        raise UsageError("--backend nccl needs GPUs; use gloo on CPU")
    out = args.out.resolve()
    refuse_existing(out, args.force)  # every rank checks before any work, so a refusal stops all of them
    if distributed:
        if use_cuda:
            torch.cuda.set_device(device)
        dist.init_process_group(backend, init_method="env://", timeout=datetime.timedelta(minutes=30))
        world, rank = dist.get_world_size(), dist.get_rank()
    try:
        train(args, out, rank, world, device, backend, distributed)
    finally:
        if distributed:
            dist.destroy_process_group()


def train(args, out, rank, world, device, backend, distributed):
    log = (lambda *a: print(*a, file=sys.stderr, flush=True)) if rank == 0 else (lambda *a: None)
    model_dir = args.model
    if not (model_dir / "model.json").is_file():
        raise UsageError(f"{model_dir} is not a net2net model directory (no model.json); create one with `net2net init`")
    try:
        meta = json.loads((model_dir / "model.json").read_text())
        model = net2net_torch.load(model_dir)
        names = list(net2net_torch.read_safetensors(model_dir / "model.safetensors"))  # written back in this order
    except (OSError, ValueError, KeyError, RuntimeError, struct.error) as e:
        raise UsageError(f"cannot load {model_dir} ({type(e).__name__}: {e}); check it with `net2net info --model {model_dir}`")
    if list(meta["architecture"]["input"]) != [1, 28, 28]:
        raise UsageError(f"{model_dir} takes inputs of shape {meta['architecture']['input']}, "
                         "but Fashion-MNIST images are [1, 28, 28]")

    data_dir = locate_data(args.data_dir)
    train_x, train_y = load_split(data_dir, "train")
    test_x, test_y = load_split(data_dir, "test")
    pre = preprocessing_for(meta.get("preprocessing"), args.standardize, train_x)
    if args.limit:
        idx = subset_indices(train_y.tolist(), args.limit, args.data_seed, True)
        train_x, train_y = train_x[idx], train_y[idx]
    if args.test_limit:
        idx = subset_indices(test_y.tolist(), args.test_limit, args.data_seed, False)
        test_x, test_y = test_x[idx], test_y[idx]
    train_x, test_x = standardized(scaled(train_x), pre), standardized(scaled(test_x), pre)
    log(f"train_ddp: {model_dir} on {data_label(args)} ({len(train_y)} training, {len(test_y)} test samples), "
        f"world size {world}, backend {backend if distributed else 'none'}, device {device}")

    model.train()
    sync_bn = distributed and world > 1 and not args.local_batchnorm
    if sync_bn:
        if device.type == "cuda":
            model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
        else:
            GlobalBatchNorm.group = dist.new_group(backend="gloo")
            model = global_batchnorm(model)
    model.to(device)
    net = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) \
        if distributed else model
    sgd = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)

    examples, seconds, metrics = 0, 0.0, []
    for epoch in range(args.epochs):
        # Dropout masks: one stream per (seed, epoch, rank), so a rerun draws the same ones.
        torch.manual_seed(derive(derive(args.seed, epoch), rank) & ((1 << 63) - 1))
        batches = epoch_batches(len(train_y), args.batch, args.seed, epoch)
        loss_sum = torch.zeros(1, dtype=torch.float64, device=device)
        clock = time.perf_counter()
        for b, batch in enumerate(batches):
            for group in sgd.param_groups:
                group["lr"] = args.lr * schedule_factor(args.schedule, epoch, b, len(batches), args.epochs)
            mine = torch.tensor(shard(batch, rank, world), dtype=torch.long)
            x, y = train_x[mine].to(device), train_y[mine].to(device)
            # Sum over this shard / global size: summed over ranks, the global batch's mean. DDP averages
            # gradients over the ranks, so the loss is scaled by the world size to make that average the sum.
            loss = F.cross_entropy(net(x), y, reduction="sum") / len(batch)
            if not torch.isfinite(loss):
                raise UsageError(f"training diverged at epoch {epoch + 1}, batch {b + 1} (loss {loss.item()}); "
                                 f"lower --lr (now {args.lr}); nothing was written to {out}")
            sgd.zero_grad(set_to_none=True)
            (loss * world).backward()
            sgd.step()
            loss_sum += loss.detach().double()
            examples += len(batch)
        if distributed:
            dist.all_reduce(loss_sum)
        seconds += time.perf_counter() - clock
        test_loss, test_accuracy = evaluate(model, test_x, test_y, rank, world, device)
        metrics.append({"epoch": epoch + 1, "train_loss": loss_sum.item() / len(batches),
                        "test_loss": test_loss, "test_accuracy": test_accuracy})
        log(f"epoch {epoch + 1}/{args.epochs}: train_loss {loss_sum.item() / len(batches):.6g} "
            f"test_loss {test_loss:.6g} test_accuracy {test_accuracy:.4f} ({seconds:.1f} s)")

    if rank == 0:
        state = model.state_dict()
        engine = f"torch {torch.__version__}" + (" DistributedDataParallel" if distributed else ", one process")
        step = {"op": "train_ddp", "engine": engine,
                "world_size": world, "backend": backend if distributed else "none", "device": device.type,
                "batchnorm": "global" if sync_bn else "local" if distributed and world > 1 else "single process",
                "data": data_label(args), "train_samples": len(train_y), "test_samples": len(test_y),
                "loss": "cross_entropy", "epochs": args.epochs, "lr": args.lr, "momentum": args.momentum,
                "weight_decay": args.weight_decay, "batch": args.batch, "schedule": args.schedule, "seed": args.seed,
                "examples": examples, "seconds": seconds,
                "test_loss": metrics[-1]["test_loss"], "test_accuracy": metrics[-1]["test_accuracy"]}
        out_meta = dict(meta, history=list(meta.get("history", [])) + [step], preprocessing=pre)
        write_model(out, args.force, out_meta, {n: state[n].detach().cpu() for n in names})
        result = dict(model=str(out), world_size=world, backend=step["backend"], **metrics[-1])
        print(json.dumps(result), flush=True)
    if distributed:
        dist.barrier()  # the others wait until the model is written


def run():
    try:
        main()
    except UsageError as e:
        print(f"train_ddp.py: error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    run()
