"""Load a net2net model directory (model.json + model.safetensors) as a torch.nn.Sequential.

Needs only torch and the standard library. Module names are the net2net layer names, so the
weights load with load_state_dict(strict=True) under their own names (conv1.weight, bn1.running_var).
A residual layer is a Residual module whose body is an nn.Sequential of its layers, so its
parameters are named res1.body.res1_conv1.weight, as PyTorch names them.

    import net2net_torch
    model = net2net_torch.load("runs/student")    # eval mode
    state = net2net_torch.read_safetensors("runs/student/model.safetensors")

CLI: python3 net2net_torch.py MODEL_DIR [MODEL_DIR ...] [--inputs IN ... --outputs OUT ...]
prints each model; with --inputs/--outputs (one pair per model) it runs the tensor "input" of IN
through the model in eval mode and writes the result as the tensor "output" of OUT.
"""
import argparse
import array
import json
import struct
import sys
from collections import OrderedDict
from pathlib import Path

import torch
from torch import nn


# safetensors dtype -> array typecode and torch dtype (int64 for token ids)
DTYPES = {"F32": ("f", torch.float32), "I64": ("q", torch.int64), "I32": ("i", torch.int32)}


def read_safetensors(path):
    """name -> tensor (float32, or int64/int32 token ids). Layout: 8-byte little-endian header length, JSON header, raw data."""
    data = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    start = 8 + length  # data_offsets count from here; any header padding is inside `length`
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in DTYPES:
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}; only {', '.join(DTYPES)} are supported")
        code, dtype = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        values = array.array(code, data[start + begin:start + end])
        if sys.byteorder == "big":
            values.byteswap()  # the file is little-endian
        tensors[name] = torch.frombuffer(values, dtype=dtype).reshape(info["shape"]).clone()
    return tensors


def write_safetensors(path, tensors):
    """Writes name -> tensor as float32 safetensors."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        values = array.array("f", tensor.detach().float().flatten().tolist())
        if sys.byteorder == "big":
            values.byteswap()
        raw = values.tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # pad with spaces so that the data starts 8-byte aligned
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


class Residual(nn.Module):
    """activation(x + body(x)); activation is an nn.Module or None (no activation after the addition)."""

    def __init__(self, body, activation=None):
        super().__init__()
        self.body = body
        self.activation = activation

    def forward(self, x):
        y = x + self.body(x)
        return y if self.activation is None else self.activation(y)


class PositionEmbedding(nn.Module):
    """x + weight[:T] for x of shape (B, T, D): learned positions."""

    def __init__(self, context, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(context, dim))

    def forward(self, x):
        return x + self.weight[:x.shape[1]]


class LayerNorm(nn.Module):
    """LayerNorm over the last axis with optional weight and bias (torch 1.13's nn.LayerNorm has no bias=False)."""

    def __init__(self, dim, eps, affine, bias):
        super().__init__()
        self.dim, self.eps = dim, eps
        self.weight = nn.Parameter(torch.ones(dim)) if affine else None
        self.bias = nn.Parameter(torch.zeros(dim)) if affine and bias else None

    def forward(self, x):
        return nn.functional.layer_norm(x, (self.dim,), self.weight, self.bias, self.eps)


class RMSNorm(nn.Module):
    """x / sqrt(mean(x^2) + eps) * weight over the last axis."""

    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    """Causal self-attention; query head h reads kv head h // (heads // kv_heads); optional rotary embedding."""

    def __init__(self, dim, heads, kv_heads, head_dim, bias, rope_theta):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim, self.rope_theta = heads, kv_heads, head_dim, rope_theta
        self.q_proj = nn.Linear(dim, heads * head_dim, bias=bias)
        self.k_proj = nn.Linear(dim, kv_heads * head_dim, bias=bias)
        self.v_proj = nn.Linear(dim, kv_heads * head_dim, bias=bias)
        self.o_proj = nn.Linear(heads * head_dim, dim, bias=bias)

    def forward(self, x):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        if self.rope_theta > 0:
            half = self.head_dim // 2
            inv = self.rope_theta ** (-2.0 * torch.arange(half, dtype=torch.float64) / self.head_dim)
            angles = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
            angles = torch.cat((angles, angles), dim=-1)
            cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
        group = self.heads // self.kv_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        scores = q @ k.transpose(-1, -2) / self.head_dim ** 0.5
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
        out = scores.softmax(-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class GatedMLP(nn.Module):
    """SwiGLU: down(silu(gate(x)) * up(x))."""

    def __init__(self, dim, hidden, bias):
        super().__init__()
        self.gate_proj = nn.Linear(dim, hidden, bias=bias)
        self.up_proj = nn.Linear(dim, hidden, bias=bias)
        self.down_proj = nn.Linear(hidden, dim, bias=bias)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class LMHead(nn.Module):
    """Logits x W^T without bias; tied, W is the embedding's weight (one tensor, not a parameter of the head)."""

    def __init__(self, dim, vocab, tied_embedding=None):
        super().__init__()
        self.tied = [tied_embedding]  # a list, so that the embedding is not registered twice
        self.weight = nn.Parameter(torch.zeros(vocab, dim)) if tied_embedding is None else None

    def forward(self, x):
        w = self.weight if self.tied[0] is None else self.tied[0].weight
        return x @ w.t()


ACTIVATIONS = {None: lambda: None, "relu": nn.ReLU, "tanh": nn.Tanh}


def build(architecture):
    """An untrained nn.Sequential for a net2net architecture, walking the shapes (without batch)."""
    model, _ = build_layers(architecture["layers"], tuple(architecture["input"]))
    return model


def build_layers(layers, shape, embeddings=None):
    """nn.Sequential of the layers (named by their names) and the shape it outputs."""
    embeddings = {} if embeddings is None else embeddings  # name -> nn.Embedding, for tied heads
    modules = OrderedDict()
    for layer in layers:
        kind = layer["type"]
        if kind == "residual":
            body, out = build_layers(layer["body"], shape, embeddings)
            if out != shape:
                raise ValueError(f"residual {layer['name']!r}: body output {out} differs from its input {shape}")
            activation = layer.get("activation")
            if activation not in ACTIVATIONS:
                raise ValueError(f"residual {layer['name']!r}: unknown activation {activation!r}")
            module = Residual(body, ACTIVATIONS[activation]())
        elif kind == "dense":  # acts on the last axis, of a vector or of a sequence (T, D)
            module = nn.Linear(shape[-1], layer["units"], bias=layer.get("bias", True))
            shape = shape[:-1] + (layer["units"],)
        elif kind == "conv2d":
            k = layer.get("kernel", 3)  # odd; stride 1 and "same" padding keep H and W
            module = nn.Conv2d(shape[0], layer["filters"], k, padding=(k - 1) // 2, bias=layer.get("bias", True))
            shape = (layer["filters"],) + shape[1:]
        elif kind == "batchnorm":
            norm = nn.BatchNorm1d if len(shape) == 1 else nn.BatchNorm2d
            module = norm(shape[0], eps=layer.get("eps", 1e-5), momentum=layer.get("momentum", 0.1))
        elif kind == "relu":
            module = nn.ReLU()
        elif kind == "tanh":
            module = nn.Tanh()
        elif kind == "maxpool":
            module = nn.MaxPool2d(2)  # 2x2, stride 2, odd sizes floored
            shape = (shape[0], shape[1] // 2, shape[2] // 2)
        elif kind == "flatten":
            module = nn.Flatten()
            shape = (torch.Size(shape).numel(),)
        elif kind == "dropout":
            module = nn.Dropout(layer.get("rate", 0.5))
        elif kind == "embedding":
            module = nn.Embedding(layer["vocab"], layer["dim"])
            shape = shape + (layer["dim"],)
            embeddings[layer["name"]] = module
        elif kind == "position_embedding":
            module = PositionEmbedding(layer["context"], shape[-1])
        elif kind == "layernorm":
            module = LayerNorm(shape[-1], layer.get("eps", 1e-5), layer.get("affine", True), layer.get("bias", True))
        elif kind == "rmsnorm":
            module = RMSNorm(shape[-1], layer.get("eps", 1e-6))
        elif kind == "attention":
            module = Attention(shape[-1], layer["heads"], layer.get("kv_heads", layer["heads"]), layer["head_dim"],
                               layer.get("bias", True), layer.get("rope_theta", 0.0))
        elif kind == "gelu":
            module = nn.GELU(approximate=layer.get("approximate", "none"))
        elif kind == "silu":
            module = nn.SiLU()
        elif kind == "gated_mlp":
            module = GatedMLP(shape[-1], layer["hidden"], layer.get("bias", False))
        elif kind == "lm_head":
            tie = layer.get("tie")
            if tie is not None and tie not in embeddings:
                raise ValueError(f"lm_head {layer['name']!r} is tied to {tie!r}, which is not an embedding before it")
            module = LMHead(shape[-1], layer["vocab"], embeddings.get(tie))
            shape = shape[:-1] + (layer["vocab"],)
        else:
            raise ValueError(f"unknown layer type {kind!r} in layer {layer['name']!r}")
        modules[layer["name"]] = module
    return nn.Sequential(modules), shape


def load(model_dir):
    """The model in eval mode; its input preprocessing (a dict, or None) is in model.preprocessing."""
    model_dir = Path(model_dir)
    meta = json.loads((model_dir / "model.json").read_text())
    model = build(meta["architecture"])
    # A plain dict has no _metadata, so torch treats it as an old-version state_dict and fills in
    # BatchNorm's num_batches_tracked itself: strict loading needs nothing more.
    model.load_state_dict(read_safetensors(model_dir / "model.safetensors"), strict=True)
    model.preprocessing = meta.get("preprocessing")
    return model.eval()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR")
    parser.add_argument("--inputs", nargs="+", default=[], help="safetensors with a tensor 'input', one per model")
    parser.add_argument("--outputs", nargs="+", default=[], help="where to write each model's tensor 'output'")
    args = parser.parse_args(argv)
    if len(args.inputs) != len(args.outputs) or args.inputs and len(args.inputs) != len(args.model_dirs):
        parser.error("give one --inputs file and one --outputs file per MODEL_DIR, or neither")
    for i, model_dir in enumerate(args.model_dirs):
        model = load(model_dir)
        count = sum(p.numel() for p in model.parameters())
        print(f"{model_dir}: {count:,} parameters, preprocessing {model.preprocessing}\n{model}")
        if args.inputs:
            inputs = read_safetensors(args.inputs[i])
            if "input" not in inputs:
                sys.exit(f"{args.inputs[i]} has no tensor named 'input' (it has {sorted(inputs)})")
            with torch.no_grad():
                output = model(inputs["input"])
            write_safetensors(args.outputs[i], {"output": output})
            print(f"  {tuple(inputs['input'].shape)} -> {tuple(output.shape)} written to {args.outputs[i]}")


if __name__ == "__main__":
    main()
