"""PyTorch reference outputs of a bundled model folder, for the Rust parity
tests (tests/parity.rs reads them).

    python models/train/golden.py MODEL_DIR OUT.json

A stance-head folder: embeds each sentence and hypothesis with transformers
(f16 weights widened to f32, mean pooling, unit length), applies the head
from stance_head.safetensors and the relevance gate from stance_head.json.
A cascade folder (cascade.json): the gate folder's embeddings give the
cosine, and pairs below the threshold are `none`; the others get the
cross-encoder's softmax, labels in its config's id2label order.
Writes the probabilities and cosine of every pair.
"""
import json
import pathlib
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

import common

model_dir = pathlib.Path(sys.argv[1])
cascade = model_dir / "cascade.json"
if cascade.exists():
    c = json.loads(cascade.read_text())
    gate_dir, threshold = (model_dir / c["gate"]).resolve(), c["threshold"]
else:
    gate_dir = model_dir
    head_cfg = json.loads((model_dir / "stance_head.json").read_text())
    w = load_file(str(model_dir / "stance_head.safetensors"))
    threshold = head_cfg.get("relevance_threshold")
tok = AutoTokenizer.from_pretrained(gate_dir)
enc = AutoModel.from_pretrained(gate_dir, torch_dtype=torch.float32).eval()
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
if cascade.exists():
    ce_tok = AutoTokenizer.from_pretrained(model_dir)
    ce = AutoModelForSequenceClassification.from_pretrained(model_dir, torch_dtype=torch.float32).eval()
    labels = [ce.config.id2label[i] for i in range(ce.config.num_labels)]
for text, hyp in pairs:
    u, v = emb[text], emb[hyp]
    if cascade.exists():
        with torch.no_grad():
            logits = ce(**ce_tok(text, hyp, truncation=True, max_length=512, return_tensors="pt")).logits[0]
        probs = dict(zip(labels, torch.softmax(logits, -1).tolist()))
    else:
        logits = common.features(u, v) @ w["weight"].float().T + w["bias"].float()
        probs = dict(zip(head_cfg["labels"], torch.softmax(logits, -1).tolist()))
    cos = float(u @ v)
    if threshold is not None and cos < threshold:
        probs = {"favor": 0.0, "against": 0.0, "none": 1.0}
    out.append({"text": text, "hypothesis": hyp, "cosine": cos, **probs})
pathlib.Path(sys.argv[2]).write_text(json.dumps({"model": model_dir.name, "pairs": out}, indent=1) + "\n")
print(f"wrote {sys.argv[2]}")
