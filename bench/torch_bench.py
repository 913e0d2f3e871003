#!/usr/bin/python3
"""The PyTorch peer of `net2net bench`: the same fashionnet, batch, optimizer and thread count.

fashionnet: conv1 3x3 1->32, bn1, relu, maxpool 2x2, conv2 3x3 32->64, bn2, relu, maxpool 2x2,
flatten, fc1 3136->128, relu, fc2 128->10; softmax cross-entropy; SGD lr 0.01, momentum 0.9,
weight decay 5e-4; batch 128. Prints one JSON object with train_samples_per_s and
infer_samples_per_s, measured after a warm-up, like `net2net bench --json`.

    /usr/bin/python3 bench/torch_bench.py [--threads 2] [--warmup 15] [--steps 120] [--infer-steps 100]

Needs torch (Debian: apt-get install python3-torch; libopenblas0-pthread for a fast BLAS) and,
for real images, numpy and Fashion-MNIST in --data-dir (default /usr/share/datasets/fashion-mnist,
Debian's dataset-fashion-mnist); random images of the same shape otherwise.
"""
import argparse
import gzip
import json
import os
import platform
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit("torch_bench.py: cannot import torch; install it with: apt-get install python3-torch")

BATCH = 128
LR = 0.01


def fashionnet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def load_images(data_dir, count):
    """The first `count` training images and labels as tensors, or None when the files are missing."""
    images = os.path.join(data_dir, "train-images-idx3-ubyte.gz")
    labels = os.path.join(data_dir, "train-labels-idx1-ubyte.gz")
    if not (os.path.isfile(images) and os.path.isfile(labels)):
        return None
    with gzip.open(images) as f:
        raw = f.read()[16:16 + count * 784]
    with gzip.open(labels) as f:
        lab = f.read()[8:8 + count]
    x = torch.frombuffer(bytearray(raw), dtype=torch.uint8).float().div_(255).reshape(count, 1, 28, 28)
    y = torch.frombuffer(bytearray(lab), dtype=torch.uint8).long()
    return x, y


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (match net2net bench's 'threads')")
    p.add_argument("--warmup", type=int, default=15, help="training steps before timing")
    p.add_argument("--steps", type=int, default=120, help="timed training steps")
    p.add_argument("--infer-steps", type=int, default=100, help="timed inference batches")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    count = BATCH * max(1, min(a.steps, 40))  # cycle through up to 40 distinct batches, like net2net's rounds
    data = load_images(a.data_dir, count)
    if data is None:
        x_all, y_all = torch.rand(count, 1, 28, 28), torch.randint(0, 10, (count,))
        data_note = "random images of Fashion-MNIST's shape (Fashion-MNIST not found in %s)" % a.data_dir
    else:
        x_all, y_all = data
        data_note = "fashion-mnist from " + a.data_dir
    batches = count // BATCH

    model = fashionnet()
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    def train(steps, start):
        model.train()
        for s in range(steps):
            b = (start + s) % batches
            x, y = x_all[b * BATCH:(b + 1) * BATCH], y_all[b * BATCH:(b + 1) * BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            loss.item()  # read the loss back, as a training loop reports it

    train(a.warmup, 0)
    t0 = time.perf_counter()
    train(a.steps, a.warmup)
    train_s = time.perf_counter() - t0

    model.eval()
    with torch.no_grad():
        model(x_all[:BATCH])
        t0 = time.perf_counter()
        for s in range(a.infer_steps):
            b = s % batches
            model(x_all[b * BATCH:(b + 1) * BATCH])
        infer_s = time.perf_counter() - t0

    out = {
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "batch": BATCH,
        "data": data_note,
        "train_steps_timed": a.steps,
        "train_samples_per_s": a.steps * BATCH / train_s,
        "infer_samples_per_s": a.infer_steps * BATCH / infer_s,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "openblas_env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
