"""The PyTorch reference for `stance train --method top-layers`'s trainer
(src/score/tune.rs), written once to tests/fixtures/tune-parity.json so
that the parity test needs no Python when it runs.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        .venv-train/bin/python models/train/tune_parity.py

The tiny test model (tests/fixtures/tiny-bert, two layers) reads its
golden pairs, padded into one batch of eight labelled pairs and one of
four anchors. For the top one and the top two layers (with the pooler and
the classifier), the objective of tune.rs (mean cross-entropy on the
labels + penalty * squared distance of the trained tensors to the start +
the anchors' cross-entropy against the start's probabilities) is taken at
the start with its gradient, then minimised by three steps of Adam (lr
1e-3, betas 0.9/0.999, eps 1e-8, no weight decay), dropout off. Recorded
per case: the objective and the gradient at the start, the trained
tensors and the objective after the steps, and the fine-tuned model's
logits on all twelve pairs, each alone (what a folder written from it
must give). The `encoder` case does the same for `--method setfit`: the
tiny model's encoder, mean-pooled and unit length, its top layer trained
on SetFit's objective over the eight labelled premises; recorded with the
tuned encoder's embeddings of all twelve premises, each alone.
"""
import json
import os

import torch
from transformers import BertForSequenceClassification

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TINY = os.path.join(ROOT, "tests", "fixtures", "tiny-bert")
OUT = os.path.join(ROOT, "tests", "fixtures", "tune-parity.json")
PENALTY, LR, STEPS = 0.1, 1e-3, 3
# id2label: 0 NEUTRAL, 1 Contradiction, 2 entailment; favor, against and
# none are checkpoint labels 2, 1 and 0.
CHECKPOINT_LABEL = [2, 1, 0]


def padded(pairs):
    m = max(len(p["input_ids"]) for p in pairs)
    ids = torch.zeros((len(pairs), m), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, p in enumerate(pairs):
        n = len(p["input_ids"])
        ids[i, :n] = torch.tensor(p["input_ids"])
        types[i, :n] = torch.tensor(p["token_type_ids"])
        mask[i, :n] = 1
    return dict(input_ids=ids, token_type_ids=types, attention_mask=mask)


def trained_names(model, layers):
    depth = model.config.num_hidden_layers
    names = []
    for i in range(depth - layers, depth):
        # The key's bias moves no output (softmax ignores a constant per
        # query), so its gradient is rounding noise: tune.rs keeps it frozen.
        names += [n for n, _ in model.named_parameters()
                  if n.startswith(f"bert.encoder.layer.{i}.") and not n.endswith("attention.self.key.bias")]
    names += ["bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"]
    return names


def case(golden, layers):
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(TINY).eval()
    params = dict(model.named_parameters())
    names = trained_names(model, layers)
    for n, p in params.items():
        p.requires_grad_(n in names)
    start = {n: params[n].detach().clone() for n in names}
    labelled, anchors = golden["pairs"][:8], golden["pairs"][8:]
    stance = [i % 3 for i in range(8)]
    y = torch.tensor([CHECKPOINT_LABEL[s] for s in stance])
    xl, xa = padded(labelled), padded(anchors)
    with torch.no_grad():
        q = torch.softmax(model(**xa).logits, dim=-1)

    def objective():
        ce = torch.nn.functional.cross_entropy(model(**xl).logits, y)
        dist = sum(((params[n] - start[n]) ** 2).sum() for n in names)
        soft = -(q * torch.log_softmax(model(**xa).logits, dim=-1)).sum(1).mean()
        return ce + PENALTY * dist + soft

    loss0 = objective()
    loss0.backward()
    grads = {n: params[n].grad.detach().flatten().tolist() for n in names}
    opt = torch.optim.Adam([params[n] for n in names], lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    for _ in range(STEPS):
        opt.zero_grad()
        objective().backward()
        opt.step()
    with torch.no_grad():
        loss1 = objective()
        logits = []
        for p in golden["pairs"]:
            ids = torch.tensor([p["input_ids"]])
            out = model(input_ids=ids, token_type_ids=torch.tensor([p["token_type_ids"]]),
                        attention_mask=torch.ones_like(ids))
            logits.append(out.logits[0].tolist())
    return {
        "layers": layers,
        "names": names,
        "objective_start": loss0.item(),
        "gradient": grads,
        "after": {n: params[n].detach().flatten().tolist() for n in names},
        "objective_after": loss1.item(),
        "logits_after": logits,
    }, stance


def rounded(x):
    """Floats to 7 significant digits (f32's precision), to keep the
    fixture small."""
    if isinstance(x, float):
        return float("%.7g" % x)
    if isinstance(x, list):
        return [rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    return x


def encoder_case(golden):
    """SetFit's objective (tune.rs's contrastive_loss) on the tiny model's
    encoder, mean-pooled and unit length, its top layer trained, on the
    eight labelled premises alone."""
    from tokenizers import Tokenizer
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(TINY).eval()
    bert = model.bert
    params = dict(bert.named_parameters())
    depth = model.config.num_hidden_layers
    names = [n for n in params if n.startswith(f"encoder.layer.{depth - 1}.")
             and not n.endswith("attention.self.key.bias")]
    for n, p in params.items():
        p.requires_grad_(n in names)
    start = {n: params[n].detach().clone() for n in names}
    tok = Tokenizer.from_file(os.path.join(TINY, "tokenizer.json"))
    texts = [p["premise"] for p in golden["pairs"]]
    enc = [tok.encode(t) for t in texts]
    batch = padded([{"input_ids": e.ids, "token_type_ids": e.type_ids} for e in enc[:8]])
    labels = [i % 3 for i in range(8)]
    same = torch.tensor([[float(a == b) for b in labels] for a in labels])
    off = 1 - torch.eye(8)

    def embed(inputs):
        h = bert(**inputs).last_hidden_state
        m = inputs["attention_mask"].unsqueeze(-1).float()
        mean = (h * m).sum(1) / m.sum(1)
        return mean / mean.norm(dim=-1, keepdim=True)

    def objective():
        e = embed(batch)
        cos = e @ e.T
        mse = (((cos - same) ** 2) * off).sum() / (8 * 7)
        dist = sum(((params[n] - start[n]) ** 2).sum() for n in names)
        return mse + PENALTY * dist

    loss0 = objective()
    loss0.backward()
    grads = {n: params[n].grad.detach().flatten().tolist() for n in names}
    opt = torch.optim.Adam([params[n] for n in names], lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    for _ in range(STEPS):
        opt.zero_grad()
        objective().backward()
        opt.step()
    with torch.no_grad():
        loss1 = objective()
        alone = [embed(padded([{"input_ids": e.ids, "token_type_ids": e.type_ids}]))[0].tolist() for e in enc]
    return {
        "layers": 1,
        "texts": texts,
        "labels": labels,
        "names": ["bert." + n for n in names],
        "objective_start": loss0.item(),
        "gradient": {"bert." + n: g for n, g in grads.items()},
        "after": {"bert." + n: params[n].detach().flatten().tolist() for n in names},
        "objective_after": loss1.item(),
        "embeddings_after": alone,
    }


def main():
    golden = json.load(open(os.path.join(TINY, "golden.json")))
    cases = []
    for layers in (1, 2):
        c, stance = case(golden, layers)
        cases.append(c)
        print(f"top {layers}: objective {c['objective_start']:.6f} -> {c['objective_after']:.6f}")
    # At the start the objective is the same whichever layers train, so
    # the top layer's gradient is in the two-layer case already.
    del cases[0]["gradient"]
    encoder = encoder_case(golden)
    print(f"encoder: objective {encoder['objective_start']:.6f} -> {encoder['objective_after']:.6f}")
    fixture = {
        "about": "models/train/tune_parity.py: the PyTorch reference of src/score/tune.rs on the tiny model",
        "labelled": [[p["premise"], p["hypothesis"]] for p in golden["pairs"][:8]],
        "stance": stance,
        "anchors": [[p["premise"], p["hypothesis"]] for p in golden["pairs"][8:]],
        "all": [[p["premise"], p["hypothesis"]] for p in golden["pairs"]],
        "penalty": PENALTY,
        "learning_rate": LR,
        "steps": STEPS,
        "cases": cases,
        "encoder": encoder,
    }
    with open(OUT, "w") as f:
        json.dump(rounded(fixture), f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
