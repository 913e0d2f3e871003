#!/usr/bin/python3
"""The PyTorch peer of `net2net bench`'s token-model figure: the same transformer, batches and optimizer.

The model is built from the architecture JSON that net2net bench writes (--arch), by
python/net2net_torch.py's modules: attention, LayerNorm and RMSNorm written by hand for torch 1.13,
as net2net's DJL network computes them. Each step: batch windows of T + 1 random tokens (inputs the
first T, targets the next token at every position), forward, cross-entropy over all B x T
positions, backward, SGD (lr 0.01, momentum 0.9, weight decay 5e-4), the loss read back. Prints one
JSON object with train_tokens_per_s, measured after a warm-up.

    /usr/bin/python3 bench/torch_lm_bench.py --arch ARCH.json [--threads 2] [--batch 16] [--warmup 3] [--steps 20]
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit("torch_lm_bench.py: cannot import torch; install it with: apt-get install python3-torch")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
import net2net_torch  # noqa: E402  (the loader: the same modules as model files load into)

LR = 0.01


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", required=True, help="a net2net architecture as JSON ({'input': [T], 'layers': [...]})")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (match net2net bench's 'threads')")
    p.add_argument("--batch", type=int, default=16, help="windows per step")
    p.add_argument("--batches", type=int, default=8, help="distinct batches, cycled through")
    p.add_argument("--warmup", type=int, default=3, help="training steps before timing")
    p.add_argument("--steps", type=int, default=20, help="timed training steps")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    arch = json.loads(Path(a.arch).read_text())
    model = net2net_torch.build(arch)
    context = arch["input"][0]
    vocab = arch["layers"][0]["vocab"]
    windows = torch.randint(0, vocab, (a.batches, a.batch, context + 1))
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    def train(steps, start):
        model.train()
        for s in range(steps):
            w = windows[(start + s) % a.batches]
            x, y = w[:, :-1], w[:, 1:]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x).reshape(-1, vocab), y.reshape(-1))
            loss.backward()
            opt.step()
            loss.item()

    train(a.warmup, 0)
    t0 = time.perf_counter()
    train(a.steps, a.warmup)
    seconds = time.perf_counter() - t0
    out = {
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "context": context,
        "parameters": sum(q.numel() for q in model.parameters()),
        "train_steps_timed": a.steps,
        "train_tokens_per_s": a.steps * a.batch * context / seconds,
        "cores": os.cpu_count(),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
