"""PyTorch reference outputs of a stance-head model folder, for the Rust
parity test (tests/parity.rs reads them).

    python models/train/golden.py MODEL_DIR OUT.json

Embeds each sentence and hypothesis with transformers (f16 weights widened
to f32, mean pooling, unit length), applies the head from
stance_head.safetensors and the relevance gate from stance_head.json, and
writes the probabilities and cosine of every pair.
"""
import json
import pathlib
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoModel, AutoTokenizer

import common

model_dir = pathlib.Path(sys.argv[1])
tok = AutoTokenizer.from_pretrained(model_dir)
enc = AutoModel.from_pretrained(model_dir, torch_dtype=torch.float32).eval()
head_cfg = json.loads((model_dir / "stance_head.json").read_text())
w = load_file(str(model_dir / "stance_head.safetensors"))
# Written for this test; none comes from the founding article.
pairs = [
    ("Investigators concluded that Russian agents hacked party emails in 2016.",
     "Russia interfered in the 2016 US election."),
    ("“We never touched your election,” the ambassador insisted.",
     "Russia interfered in the 2016 US election."),
    ("The bakery on Main Street now opens at six in the morning.",
     "Russia interfered in the 2016 US election."),
    ("Scientists at the institute attribute most of the recent warming to fossil fuels.",
     "Climate change is caused by human activity."),
    ("A short one.", "The minimum wage should be raised."),
]
texts = sorted({t for p in pairs for t in p})
emb = dict(zip(texts, common.embed(tok, enc, texts)))
out = []
for text, hyp in pairs:
    u, v = emb[text], emb[hyp]
    logits = common.features(u, v) @ w["weight"].float().T + w["bias"].float()
    p = torch.softmax(logits, -1)
    cos = float(u @ v)
    probs = dict(zip(head_cfg["labels"], p.tolist()))
    gate = head_cfg.get("relevance_threshold")
    if gate is not None and cos < gate:
        probs = {"favor": 0.0, "against": 0.0, "none": 1.0}
    out.append({"text": text, "hypothesis": hyp, "cosine": cos, **probs})
pathlib.Path(sys.argv[2]).write_text(json.dumps({"model": model_dir.name, "pairs": out}, indent=1) + "\n")
print(f"wrote {sys.argv[2]}")
