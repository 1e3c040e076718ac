"""Fine-tune all-MiniLM-L6-v2 for stance on the real data: a cross-encoder
(variant c) or a bi-encoder with the SBERT classification head (variant b).

    python models/train/train_stance.py --arch cross --run ce1 [--epochs 2] [--pairs-per-epoch N]
    python models/train/train_stance.py --arch bi --run bi1
    python models/train/train_stance.py --arch cross --base mpnet --run teacher1 --max-length 64
    python models/train/train_stance.py --arch cross --run mine --init models/minilm-stance-ce \
        --train my-labels.csv --dev my-dev.csv --epochs 3 --lr 2e-5

`--base mpnet` starts from all-mpnet-base-v2 (fetch_mpnet.sh) instead of
MiniLM: the teacher of the distillation (models/train/README.md, "The
teacher"). The last form adapts the bundled cross-encoder to your own claim: a few
hundred rows of text,target,label (favor, against, none) are enough; see
models/train/README.md, "Your own claim".

Run it in the background with nohup; it saves a checkpoint at least every
--ckpt-minutes (default 10) under target/train/RUN/, logs loss and dev
macro-F1 per checkpoint to target/train/RUN/log.jsonl, and the same command
resumes from the last checkpoint. The finished model is written to
target/train/RUN/final/ as a model folder that `stance` loads.

Needs target/stance-split/ (stance_data.py) and SNLI (setup.sh). Runs on
Debian's torch 1.13 with transformers 4.30.2, and on recent versions (GPU if
one is present). The mixture is written to target/train/RUN/mixture.json.

Mixture (train side of the claim-disjoint split only), per epoch:
- every favor/against pair of every source, every pair of Emergent,
  Climate-FEVER and Check-COVID;
- FNC-1 and ARC: at most 3,000 (FNC-1) / 1,500 (ARC) `discuss` and 3,000 /
  1,500 `unrelated` sentences, both `none`;
- the project's written sentences (datasets/stance-train.csv);
- --snli SNLI pairs (entailment→favor, contradiction→against, neutral→none);
- --random-none pairs of a favor/against text with the claim of another
  cluster, as `none` (several sets have no `none`);
- --contrast-frames pairs of a train claim inside a frame of a trained
  family of FRAME_FAMILIES (negated doubt, undecided, dismissal,
  evidence); the held-out families are never used;
- --new-sets: the train side of sets added later (stance_data.py's
  new-train.csv: ukp, pstance, nixon-kennedy), capped like the rest;
- --negated-claims pairs of a train row with its claim negated by `stance
  negate` and favor and against swapped (`none` stays `none`); with
  --negation-forms, in every wording of `stance negate --every-form`;
- --reported pairs of reported speech (see `reported`): a short train text
  put in a generic frame of saying or denying ("critics denied that T."),
  its label kept under a frame that asserts T and swapped (favor for
  against) under one that denies it; `none` stays `none`. News reports
  positions this way, and the real sets rarely do;
- --soft NAME: distillation. The teacher's probabilities on the pool's
  pairs (distil_pool.py, teacher_label.py), learnt through the KL
  divergence at --temperature beside the gold rows' cross-entropy;
  --soft-repeat K counts each of them K times in the mixture,
  --soft-drop-gated leaves out the rows a cascade teacher's gate decided,
  and --soft-kinds keeps only pool rows of the kinds named.
"""
import argparse
import collections
import csv
import json
import math
import os
import pathlib
import random
import sys
import time

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

LABELS = common.STANCE  # favor, against, none
CAPS = {("fnc1", "discuss"): 3000, ("fnc1", "unrelated"): 3000,
        ("arc", "discuss"): 1500, ("arc", "unrelated"): 1500}
EVAL_CAP = 300  # dev pairs per source for the per-checkpoint check


def hyp(target):
    """The hypothesis `stance` builds with its default template `{}.`."""
    t = target.strip()
    return t if t.endswith((".", "?", "!")) else t + "."


# Generic frames of reported speech. No speaker name: role nouns and
# pronouns, so that the model learns the frame, not who uses it.
SPEAKERS = ["the minister", "a spokeswoman", "critics", "the senator", "the company", "officials",
            "the president", "she", "he", "they", "the group", "analysts", "the mayor", "his lawyer",
            "the governor", "researchers", "the ambassador", "opponents", "supporters", "the chairman"]
ASSERT = ["{S} said that {T}.", "{S} argued that {T}.", "{S} insisted that {T}.",
          "{S} believed that {T}.", "{S} told reporters that {T}.", "According to {S}, {T}.",
          "{S} acknowledged that {T}.", "{S} has long maintained that {T}.", "{S} said {P} felt sure that {T}.",
          "{S} said {P} had no doubt that {T}.", "{S} confirmed that {T}.", "\u201c{T},\u201d {S} said."]
DENY = ["{S} denied that {T}.", "{S} said it is not true that {T}.", "{S} said {P} didn't believe that {T}.",
        "{S} rejected claims that {T}.", "{S} dismissed the idea that {T}.", "{S} disputed that {T}.",
        "{S} said there is no evidence that {T}.", "{S} did not think that {T}.",
        "{S} called the claim that {T} false.", "{S} doubted that {T}.",
        "{S} said {P} did not accept that {T}.", "{S} refuted the suggestion that {T}."]
PRONOUN = {"she": "she", "a spokeswoman": "she", "he": "he", "his lawyer": "he"}
FLIP = {"favor": "against", "against": "favor", "none": "none"}
# Declarative sentences only: arguments and evidence, not headlines or comments.
REPORT_SOURCES = {"perspectrum", "argkp", "ibm-claim-stance", "climate-fever", "check-covid"}
OPENERS = ("i ", "i'm", "my ", "in my", "we ", "instead", "but ", "and ", "however", "yes", "no ", "so ",
           "an ", "this ", "that ", "it ", "they ", "he ", "she ")


def reported(rows, n, rng):
    """`n` pairs of reported speech from short train texts: half asserting
    frames (label kept), half denying ones (favor and against swapped)."""
    pool = [r for r in rows if r["source"] in REPORT_SOURCES and 4 <= len(r["text"].split()) <= 30
            and r["text"].count(".") <= 1 and "\u201c" not in r["text"] and '"' not in r["text"]
            and not r["text"].lower().startswith(OPENERS)]
    polar = [r for r in pool if r["label"] != "none"]
    neutral = [r for r in pool if r["label"] == "none"]
    out = []
    for i in range(n):
        # Three in four from favor/against texts: the polarity swap is the lesson.
        r = rng.choice(polar if i % 4 else neutral)
        deny = i % 2 == 0
        s = rng.choice(SPEAKERS)
        t = r["text"].strip().rstrip(".!")
        frame = rng.choice(DENY if deny else ASSERT)
        text = frame.format(S=s, T=t, P=PRONOUN.get(s, "they"))
        text = text[0].upper() + text[1:]
        out.append({"text": text, "target": r["target"], "source": "reported",
                    "frame": "deny" if deny else "assert",
                    "label": FLIP[r["label"]] if deny else r["label"]})
    return out


# Frames that leave open whether the claim holds (label none).
OPEN = ["{S} asked whether {T}.", "{S} said it was too early to say whether {T}.",
        "{S} would not say whether {T}.", "Reporters asked {S} whether {T}.",
        "{S} said an inquiry would look at whether {T}."]
# Sources whose targets are declarative claims (not motions or questions).
CLAIM_SOURCES = {"climate-fever", "check-covid", "emergent"}


def frameable_claims(rows):
    """The claims of `rows` that frames can hold: declarative claims of
    4 to 25 words, no question, quotation or bracket, not a headline in
    title case (`Mob Strips Adulterous Woman`)."""
    claims = sorted({r["target"].strip().rstrip(".!") for r in rows if r["source"] in CLAIM_SOURCES
                     and 4 <= len(r["target"].split()) <= 25
                     and not any(c in r["target"] for c in "?\"“”[]")})
    return [t for t in claims if sum(w[:1].isupper() for w in t.split()) <= 0.5 * len(t.split())]


def claim_frames(rows, n, rng):
    """`n` pairs that put the target claim itself inside a frame of saying:
    asserted (favor), denied (against) or left open (none), a third each.
    A news sentence reports a position on the claim more often than it
    argues it: `X denied that <claim>`, `X said he doesn't believe that
    <claim>`. Claims come from the train split only."""
    claims = frameable_claims(rows)
    lower_first = {"the", "a", "an", "this", "these", "those", "there", "it", "its", "some", "most",
                   "many", "all", "no", "more", "less", "global", "human", "climate", "by", "with",
                   "in", "on", "at", "after", "since", "during", "for", "over", "far"}
    out = []
    for i in range(n if claims else 0):
        t = rng.choice(claims)
        kind = ("assert", "deny", "open")[i % 3]
        frame = rng.choice({"assert": ASSERT, "deny": DENY, "open": OPEN}[kind])
        s = rng.choice(SPEAKERS)
        body = t[0].lower() + t[1:] if t.split()[0].lower() in lower_first else t
        text = frame.format(S=s, T=body, P=PRONOUN.get(s, "they"))
        out.append({"text": text[0].upper() + text[1:], "target": t, "source": "claim-frame",
                    "frame": kind, "label": {"assert": "favor", "deny": "against", "open": "none"}[kind]})
    return out


def negated_claims(rows, n, rng, every_form=False):
    """`n` pairs with the claim negated (`stance negate`: by grammar where
    the claim allows it, else by template) and favor and against swapped;
    `none` stays `none`. Three in four from favor/against rows: the swap is
    the lesson. With `every_form`, each pair takes one of the claim's
    negations at random: the grammar's, where the claim allows one, or any
    wording of `stance negate --every-form` (none of them the held-out
    wordings of negation_dev.py)."""
    polar = [r for r in rows if r["label"] != "none"]
    neutral = [r for r in rows if r["label"] == "none"]
    picked = [rng.choice(polar if i % 4 else neutral) for i in range(n if polar and neutral else 0)]
    def claim(r):
        return r["target"].strip().rstrip(".").strip()

    if every_form:
        forms = common.negation_forms([claim(r) for r in picked])
        return [{"text": r["text"], "target": rng.choice(forms[claim(r)]), "source": "negated-claim",
                 "label": FLIP[r["label"]]} for r in picked if claim(r)]
    neg = common.negations([claim(r) for r in picked])
    return [{"text": r["text"], "target": neg[claim(r)], "source": "negated-claim",
             "label": FLIP[r["label"]]} for r in picked if claim(r)]


# Contrast frames: the logic of saying, in families, each with frames
# that make the framed claim favor, against or none. Written generally,
# none from any test text. A third of the families is HELD_OUT: no
# training run uses them; frames_dev.py puts them (and the trained ones)
# around dev claims, to show whether a model learned polarity or the
# frames' words.
FRAME_FAMILIES = {
    "negated-doubt": {
        "favor": ["{S} said there was no doubt that {T}.", "There is little doubt that {T}.",
                  "{S} never doubted that {T}."],
        "against": ["There is every reason to doubt that {T}.", "{S} said there was no reason to think that {T}."],
    },
    "undecided": {
        "none": ["{S} has not decided whether {T}.", "It remains unclear whether {T}.",
                 "{S} said the question of whether {T} was still open.", "{S} would not say whether {T}."],
    },
    "dismissal": {
        "against": ["{S} dismissed as nonsense the idea that {T}.", "{S} scoffed at claims that {T}.",
                    "{S} called the notion that {T} a myth."],
        "favor": ["{S} dismissed doubts that {T}.", "{S} brushed aside claims that it is untrue that {T}."],
    },
    "evidence": {
        "favor": ["{S} cited evidence that {T}.", "Records show that {T}.", "An inquiry confirmed that {T}."],
        "against": ["{S} found no evidence that {T}.", "An inquiry found nothing to suggest that {T}."],
    },
    "double-negation": {
        "favor": ["Nobody seriously doubts that {T}.", "No one disputes that {T}.",
                  "{S} did not deny that {T}."],
        "against": ["Nobody seriously believes that {T}.", "No serious expert thinks that {T}."],
    },
    "one-remove": {
        "favor": ["{S} said most experts believe that {T}.", "{S} said it is widely accepted that {T}."],
        "against": ["{S} said few experts believe that {T}.", "{S} said the idea that {T} has been debunked."],
        "none": ["{S} said experts are divided on whether {T}."],
    },
}
HELD_OUT_FAMILIES = {"double-negation", "one-remove"}


def framed_claims(rows, families, n, rng, source):
    """`n` pairs that put a claim of `rows` (declarative claims only, as
    `claim_frames` picks them) inside a frame of one of `families`, labelled
    by the frame."""
    claims = frameable_claims(rows)
    lower_first = {"the", "a", "an", "this", "these", "those", "there", "it", "its", "some", "most",
                   "many", "all", "no", "more", "less", "global", "human", "climate"}
    frames = [(fam, label, f) for fam in sorted(families) for label, fs in FRAME_FAMILIES[fam].items()
              for f in fs]
    out = []
    for _ in range(n if claims else 0):
        t = rng.choice(claims)
        fam, label, frame = rng.choice(frames)
        s = rng.choice(SPEAKERS)
        body = t[0].lower() + t[1:] if t.split()[0].lower() in lower_first else t
        text = frame.format(S=s, T=body)
        out.append({"text": text[0].upper() + text[1:], "target": t, "source": source, "frame": fam,
                    "label": label})
    return out


def mixture(split_dir, n_snli, n_random, seed, n_reported=0, caps=None, repeat=None, n_claim_frames=0,
            n_negated=0, n_contrast=0, new_sets=(), negation_forms=False):
    """The training pool. `repeat` maps a source to how many times its
    (capped) rows enter the pool: `stance eval`'s mean weighs every source
    alike, however few pairs it has."""
    caps = {**CAPS, **(caps or {})}
    repeat = repeat or {}
    rng = random.Random(seed)
    rows = common.read_stance(split_dir / "train.csv")
    if new_sets:
        new = [r for r in common.read_stance(split_dir / "new-train.csv") if r["source"] in new_sets]
        missing = set(new_sets) - {r["source"] for r in new}
        if missing:
            raise SystemExit(f"--new-sets: no rows of {sorted(missing)} in {split_dir / 'new-train.csv'}; "
                             "run stance_data.py with the sets in ../shared")
        rows += new
    by = collections.defaultdict(list)
    for r in rows:
        by[(r["source"], r["raw"])].append(r)
    out = []
    for key in sorted(by):
        group = by[key]
        rng.shuffle(group)
        out += group[: caps.get(key, len(group))] * repeat.get(key[0], 1)
    counts = collections.Counter((r["source"], r["label"]) for r in out)
    written = common.read_stance(common.REPO / "datasets" / "stance-train.csv")
    out += [dict(r, source="written") for r in written]
    polar = [r for r in rows if r["label"] != "none"]
    targets = sorted({(r["target"], r["cluster"]) for r in rows})
    for _ in range(n_random):
        r = rng.choice(polar)
        t, c = rng.choice(targets)
        while c == r["cluster"]:
            t, c = rng.choice(targets)
        out.append({"text": r["text"], "target": t, "label": "none", "source": "random-claim"})
    out += reported(rows, n_reported, rng)
    out += claim_frames(rows, n_claim_frames, rng)
    out += negated_claims(rows, n_negated, rng, negation_forms)
    out += framed_claims(rows, set(FRAME_FAMILIES) - HELD_OUT_FAMILIES, n_contrast, rng, "contrast-frame")
    if n_snli:
        snli = common.read_snli("train")
        rng.shuffle(snli)
        out += [{"text": p, "target": h, "label": LABELS[l], "source": "snli"} for p, h, l in snli[:n_snli]]
    info = {"pairs": len(out), "by_source_label": {f"{s}/{l}": n for (s, l), n in sorted(
        collections.Counter((r["source"], r["label"]) for r in out).items())},
        "caps": {f"{s}/{raw}": n for (s, raw), n in caps.items()}, "snli": n_snli, "random_none": n_random,
        "reported": n_reported, "repeat": repeat, "claim_frames": n_claim_frames,
        "negated_claims": n_negated, "negation_forms": negation_forms, "contrast_frames": n_contrast, "new_sets": sorted(new_sets),
        "held_out_frame_families": sorted(HELD_OUT_FAMILIES)}
    del counts
    return [(r["text"], hyp(r["target"]), LABELS.index(r["label"])) for r in out], info


# The probabilities a cascade teacher's gate gives a pair it sends to
# `none` outright, in LABELS' order.
GATED = tuple(1.0 if l == "none" else 0.0 for l in LABELS)


def teacher_probs(row, drop_gated=False):
    """One row of teacher_label.py's output (a dict by label) as
    probabilities in LABELS' order, or None where the row was left
    unlabelled (empty cells) or, with `drop_gated`, where a cascade
    teacher's gate decided it (GATED) rather than the teacher itself."""
    if not all(row[l] for l in LABELS):
        return None
    probs = tuple(float(row[l]) for l in LABELS)
    return None if drop_gated and probs == GATED else probs


def argmax_label(probs):
    """The label of the largest of `probs` (in LABELS' order)."""
    return LABELS[probs.index(max(probs))]


def soft_rows(name, n=None, drop_gated=False, kinds=None):
    """The teacher's soft labels (teacher_label.py): pool rows of
    target/distil/pool.csv with NAME.csv's probabilities, the first `n` of
    them (default: every labelled row), as (text, hypothesis, probs).
    With `drop_gated`, rows a cascade teacher's gate sent to `none`
    (probabilities exactly 0, 0, 1) are left out. Rows a run with
    `teacher_label.py --sources` passed over (empty) are left out too;
    `n` counts pool rows, labelled or not. With `kinds`, only pool rows
    of those kinds (distil_pool.py's own, cluster, random, default) are
    kept."""
    base = common.REPO / "target" / "distil"
    if not (base / f"{name}.csv").exists():
        sys.exit(f"{base / name}.csv is missing: label the pool with teacher_label.py --name {name}, "
                 f"or unpack committed labels with pack_labels.py unpack {name}")
    probs = common.read_whole_rows(base / f"{name}.csv")
    pool = list(csv.DictReader(open(base / "pool.csv", encoding="utf-8", newline="")))
    n = min(len(probs), n or len(probs))
    if kinds:
        unknown = set(kinds) - {r["kind"] for r in pool}
        if unknown:
            sys.exit(f"--soft-kinds: {', '.join(sorted(unknown))} not in {base / 'pool.csv'}'s kind column")
    out = []
    for r, p in zip(pool[:n], probs[:n]):
        q = teacher_probs(p, drop_gated)
        if q is None or (kinds and r["kind"] not in kinds):
            continue
        out.append((r["text"], hyp(r["target"]), q))
    return out


def batch_loss(logits, batch, temperature):
    """Cross-entropy on gold labels (an index) and, on the teacher's soft
    labels (three probabilities), the KL divergence from the teacher's
    distribution to the student's, both softened by `temperature`, scaled
    by its square (Hinton et al. 2015); the mean over the batch."""
    gold = [i for i, r in enumerate(batch) if isinstance(r[2], int)]
    soft = [i for i, r in enumerate(batch) if not isinstance(r[2], int)]
    loss = logits.new_zeros(())
    if gold:
        loss = loss + torch.nn.functional.cross_entropy(
            logits[gold], torch.tensor([batch[i][2] for i in gold], device=logits.device), reduction="sum")
    if soft:
        t = temperature
        q = torch.tensor([batch[i][2] for i in soft], device=logits.device).clamp_min(1e-6)
        q = torch.softmax(torch.log(q) / t, -1)
        log_p = torch.log_softmax(logits[soft] / t, -1)
        loss = loss + t * t * torch.sum(q * (torch.log(q) - log_p))
    return loss / len(batch)


def own_rows(path):
    """A user's labelled pairs: CSV with text, target and label columns."""
    rows = common.read_stance(path)
    for i, r in enumerate(rows, start=2):
        missing = [c for c in ("text", "target", "label") if not r.get(c)]
        if missing or r["label"] not in LABELS:
            raise SystemExit(f"{path}:{i}: needs text, target and a label among {LABELS} "
                             f"(missing {missing or 'a valid label'})")
        r.setdefault("source", "own")
        r["source"] = r["source"] or "own"
    return rows


def eval_rows(split_dir, cap=EVAL_CAP, path=None):
    """Dev pairs: all of them, or a fixed sample of `cap` per source."""
    rows = own_rows(path) if path else common.read_stance(split_dir / "dev.csv")
    if not cap:
        return rows
    rng = random.Random(1)
    by = collections.defaultdict(list)
    for r in rows:
        by[r["source"]].append(r)
    out = []
    for s in sorted(by):
        rng.shuffle(by[s])
        out += by[s][:cap]
    return out


def macro_f1_present(pred, gold):
    """Macro-F1 over the labels that occur in gold (favor/against-only sets average two)."""
    f = []
    for c in sorted(set(gold)):
        tp = sum(1 for p, g in zip(pred, gold) if p == c and g == c)
        fp = sum(1 for p, g in zip(pred, gold) if p == c and g != c)
        fn = sum(1 for p, g in zip(pred, gold) if p != c and g == c)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f)


class BiEncoder(torch.nn.Module):
    """Mean-pooled unit-length embeddings u (sentence) and v (hypothesis), and
    a linear layer over [u, v, |u-v|, u*v]: the `stance train` head format."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(4 * encoder.config.hidden_size, 3)
        torch.nn.init.zeros_(self.head.weight)
        torch.nn.init.zeros_(self.head.bias)

    def embed(self, batch):
        return common.mean_pool(self.encoder, batch)

    def forward(self, a, b):
        return self.head(common.features(self.embed(a), self.embed(b)))


class Model:
    def __init__(self, arch, device, init=None, base="minilm"):
        from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer
        src = init or common.base_dir(base)
        self.arch, self.device = arch, device
        self.tok = AutoTokenizer.from_pretrained(src)
        if arch == "cross":
            self.net = AutoModelForSequenceClassification.from_pretrained(
                src, num_labels=3, id2label=dict(enumerate(LABELS)),
                label2id={l: i for i, l in enumerate(LABELS)})
        else:
            self.net = BiEncoder(AutoModel.from_pretrained(src))
        self.net.to(device)

    def enc(self, *texts, max_length):
        b = self.tok(*texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        return {k: v.to(self.device) for k, v in b.items()}

    def logits(self, batch, max_length):
        texts, hyps = [r[0] for r in batch], [r[1] for r in batch]
        if self.arch == "cross":
            return self.net(**self.enc(texts, hyps, max_length=max_length)).logits
        return self.net(self.enc(texts, max_length=max_length), self.enc(hyps, max_length=max_length))

    def predict(self, pairs, max_length=256, bs=64):
        self.net.eval()
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = [None] * len(pairs)
        with torch.no_grad():
            for s in range(0, len(order), bs):
                idx = order[s:s + bs]
                p = torch.softmax(self.logits([pairs[i] for i in idx], max_length).float(), -1).cpu()
                for k, i in enumerate(idx):
                    out[i] = p[k].tolist()
        self.net.train()
        return out

    def save(self, out):
        out.mkdir(parents=True, exist_ok=True)
        if self.arch == "cross":
            self.net.save_pretrained(out, safe_serialization=True)
        else:
            from safetensors.torch import save_file
            self.net.encoder.save_pretrained(out, safe_serialization=True)
            save_file({"weight": self.net.head.weight.detach().cpu().contiguous(),
                       "bias": self.net.head.bias.detach().cpu().contiguous()},
                      str(out / "stance_head.safetensors"))
            # The `stance train` head format, so that `stance --model` reads it;
            # no relevance gate (the encoder was tuned, the cosines moved).
            (out / "stance_head.json").write_text(json.dumps({
                "format": "stance-head/1", "labels": LABELS,
                "hidden_size": self.net.encoder.config.hidden_size,
                "relevance_threshold": None,
                "trained_on": {"script": "models/train/train_stance.py --arch bi"}}, indent=1) + "\n")
        self.tok.save_pretrained(out)


def dev_report(model, rows):
    pairs = [(r["text"], hyp(r["target"]), LABELS.index(r["label"])) for r in rows]
    probs = model.predict(pairs)
    per = {}
    for s in sorted({r["source"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["source"] == s]
        pred = [max(range(3), key=lambda c: probs[i][c]) for i in idx]
        gold = [pairs[i][2] for i in idx]
        per[s] = round(macro_f1_present(pred, gold), 4)
    return {"dev_macro_f1": per, "dev_mean": round(sum(per.values()) / len(per), 4)}, probs


def freeze_lower(net, k):
    """Fix the embeddings and the lowest `k` encoder layers of a
    sequence-classification model (BERT or MPNet); MPNet's relative position
    bias, shared by every layer, stays trainable. Returns the number of
    parameters fixed."""
    base = getattr(net, net.base_model_prefix)
    layers = base.encoder.layer
    if not 0 < k < len(layers):
        raise SystemExit(f"--freeze-layers {k}: the model has {len(layers)} layers; give 1 to {len(layers) - 1}")
    fixed = 0
    for module in [base.embeddings, *layers[:k]]:
        for p in module.parameters():
            p.requires_grad_(False)
            fixed += p.numel()
    return fixed


def save_ckpt(path, state):
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=["cross", "bi"], required=True)
    ap.add_argument("--run", required=True, help="name of the run folder under target/train/")
    ap.add_argument("--split", default=str(common.REPO / "target" / "stance-split"))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--pairs-per-epoch", type=int, default=None, help="default: the whole mixture")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--head-lr", type=float, default=2e-3,
                    help="learning rate of the bi-encoder's new head (the encoder uses --lr)")
    ap.add_argument("--snli", type=int, default=8000)
    ap.add_argument("--random-none", type=int, default=4000)
    ap.add_argument("--cap", action="append", default=[], metavar="SOURCE/RAW=N",
                    help="per-epoch cap of a source's raw label, replacing the default "
                         "(e.g. fnc1/discuss=6000); repeat for several")
    ap.add_argument("--claim-frames", type=int, default=0,
                    help="pairs with the target claim itself asserted, denied or left open (see `claim_frames`)")
    ap.add_argument("--negated-claims", type=int, default=0,
                    help="pairs with the claim negated by `stance negate` and the label swapped "
                         "(see `negated_claims`)")
    ap.add_argument("--negation-forms", action="store_true",
                    help="negated claims in every wording of `stance negate --every-form`, not only "
                         "the grammar's or the one template")
    ap.add_argument("--contrast-frames", type=int, default=0,
                    help="pairs of a claim in a contrast frame of a trained family (see FRAME_FAMILIES)")
    ap.add_argument("--soft", default=None, metavar="NAME",
                    help="distillation: add the teacher's soft labels of target/distil/NAME.csv "
                         "(teacher_label.py) on the pool's pairs to the mixture")
    ap.add_argument("--soft-pairs", type=int, default=None,
                    help="with --soft: the labels of the first N pool rows (default: all; rows "
                         "teacher_label.py --sources passed over stay out)")
    ap.add_argument("--soft-drop-gated", action="store_true",
                    help="with --soft: leave out the rows a cascade teacher's gate sent to none "
                         "(0, 0, 1); the student sits behind the same gate, and they are half the pool")
    ap.add_argument("--soft-kinds", default=None, metavar="A,B",
                    help="with --soft: only pool rows of these kinds (own, cluster, random, default); "
                         "e.g. cluster,default,random leaves out the pairs that have gold labels")
    ap.add_argument("--soft-repeat", type=int, default=1, metavar="K",
                    help="with --soft: put each soft row in the mixture K times, so that a pool "
                         "labelled in one session still makes a fair share of an epoch's sample")
    ap.add_argument("--temperature", type=float, default=2.0,
                    help="with --soft: the distillation temperature (KL at T, scaled by T squared)")
    ap.add_argument("--new-sets", default="", metavar="SOURCE,...",
                    help="mix in these sources of new-train.csv (ukp, pstance, nixon-kennedy)")
    ap.add_argument("--repeat", action="append", default=[], metavar="SOURCE=K",
                    help="put a source's rows into the pool K times (e.g. check-covid=3); repeat for several")
    ap.add_argument("--reported", type=int, default=0,
                    help="pairs of reported speech, asserting and denying frames (see `reported`)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ckpt-minutes", type=float, default=10)
    ap.add_argument("--eval-minutes", type=float, default=None,
                    help="dev report at most this often (default: at every checkpoint); a checkpoint in "
                         "between is saved without one, so a slow model (the teacher) keeps its cores for training")
    ap.add_argument("--eval-cap", type=int, default=EVAL_CAP,
                    help="dev pairs per source for the checkpoint report (0: all of them)")
    ap.add_argument("--train", default=None, metavar="CSV",
                    help="train on these text,target,label rows (your own claim) instead of the mixture")
    ap.add_argument("--dev", default=None, metavar="CSV",
                    help="report on these text,target,label rows instead of the split's dev.csv")
    ap.add_argument("--init", default=None,
                    help="start from this finished cross-encoder folder (a previous run's final/) instead of MiniLM")
    ap.add_argument("--limit", type=int, default=None, help="smoke test: a seeded sample of N mixture pairs")
    ap.add_argument("--base", default="minilm",
                    help="encoder to start from: minilm (default), mpnet (the teacher, see fetch_mpnet.sh) "
                         "or a model folder; ignored with --init")
    ap.add_argument("--freeze-layers", type=int, default=0, metavar="K",
                    help="cross-encoder: keep the embeddings and the lowest K encoder layers fixed, so "
                         "that no gradient flows below layer K (faster steps for a large base)")
    ap.add_argument("--threads", type=int, default=None,
                    help="torch threads (default: torch's own choice, all cores)")
    args = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = common.REPO / "target" / "train" / args.run
    run.mkdir(parents=True, exist_ok=True)
    split_dir = pathlib.Path(args.split)
    if args.train:
        own = own_rows(args.train)
        data = [(r["text"], hyp(r["target"]), LABELS.index(r["label"])) for r in own]
        info = {"pairs": len(data), "train": args.train,
                "by_label": dict(collections.Counter(r["label"] for r in own))}
    else:
        caps = {}
        for c in args.cap:
            key, _, n = c.partition("=")
            source, _, raw = key.partition("/")
            if not (source and raw and n.isdigit()):
                ap.error(f"--cap {c!r}: expected SOURCE/RAW=N, e.g. fnc1/discuss=6000")
            caps[(source, raw)] = int(n)
        repeat = {}
        for c in args.repeat:
            source, _, k = c.partition("=")
            if not (source and k.isdigit() and int(k) >= 1):
                ap.error(f"--repeat {c!r}: expected SOURCE=K, e.g. check-covid=3")
            repeat[source] = int(k)
        data, info = mixture(split_dir, args.snli, args.random_none, args.seed, args.reported, caps, repeat,
                             args.claim_frames, args.negated_claims, args.contrast_frames,
                             tuple(x for x in args.new_sets.split(",") if x), args.negation_forms)
    if args.soft:
        kinds = tuple(k for k in (args.soft_kinds or "").split(",") if k)
        soft = soft_rows(args.soft, args.soft_pairs, args.soft_drop_gated, kinds)
        if args.soft_repeat < 1:
            ap.error("--soft-repeat takes K >= 1")
        data += soft * args.soft_repeat
        info["pairs"] = len(data)
        info["soft_rows"] = len(soft)
    info.update(vars(args))
    (run / "mixture.json").write_text(json.dumps(info, indent=1))
    if args.limit:
        # A seeded sample, not the first rows: the pool is grouped by source.
        data = random.Random(args.seed).sample(data, min(args.limit, len(data)))
    per_epoch = args.pairs_per_epoch or len(data)
    steps_per_epoch = math.ceil(per_epoch / args.batch_size)
    total = args.epochs * steps_per_epoch
    warm = max(1, int(0.06 * total))
    if args.init and args.arch != "cross":
        ap.error("--init takes a finished cross-encoder; the bi-encoder starts from MiniLM")
    model = Model(args.arch, device, args.init, args.base)
    if args.freeze_layers:
        if args.arch != "cross":
            ap.error("--freeze-layers is for the cross-encoder")
        frozen = freeze_lower(model.net, args.freeze_layers)
        print(f"--freeze-layers {args.freeze_layers}: {frozen:,} parameters fixed", flush=True)
    # A new classifier (the bi-encoder's zero-initialised head) learns at
    # --head-lr: at the encoder's 4e-5 it barely moved in a 16k-pair run
    # (bi1: loss 1.10 to 1.00). The encoder keeps --lr.
    head = [p for n, p in model.net.named_parameters() if args.arch == "bi" and n.startswith("head.")]
    body = [(n, p) for n, p in model.net.named_parameters()
            if p.requires_grad and not (args.arch == "bi" and n.startswith("head."))]
    decay = [p for n, p in body if not any(k in n for k in ("bias", "LayerNorm"))]
    rest = [p for n, p in body if any(k in n for k in ("bias", "LayerNorm"))]
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}]
    if head:
        groups.append({"params": head, "weight_decay": 0.0, "lr": args.head_lr})
    opt = torch.optim.AdamW(groups, lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    ckpt = run / "checkpoint.pt"
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, map_location=device)
        model.net.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        print(f"resumed {ckpt} at step {step}/{total}", flush=True)
    dev = eval_rows(split_dir, args.eval_cap, args.dev)
    log = open(run / "log.jsonl", "a")
    model.net.train()
    t_ckpt = t_eval = time.time()
    t0, s0 = time.time(), step
    losses = []
    eval_every = 60 * (args.eval_minutes if args.eval_minutes is not None else args.ckpt_minutes)

    def checkpoint(final=False):
        nonlocal t_eval
        save_ckpt(ckpt, {"model": model.net.state_dict(), "opt": opt.state_dict(),
                         "sched": sched.state_dict(), "step": step})
        if not final and time.time() - t_eval < eval_every:
            print(f"checkpoint at step {step}/{total}", flush=True)
            return
        t_eval = time.time()
        rep, _ = dev_report(model, dev)
        rec = {"step": step, "of": total, "epoch": round(step / steps_per_epoch, 3),
               "loss": round(sum(losses) / max(1, len(losses)), 4),
               "pairs_per_s": round((step - s0) * args.batch_size / max(1e-9, time.time() - t0), 1),
               "time": time.strftime("%Y-%m-%d %H:%M:%S"), **rep, "final": final}
        print(json.dumps(rec), flush=True)
        log.write(json.dumps(rec) + "\n")
        log.flush()
        losses.clear()

    while step < total:
        epoch, pos = divmod(step, steps_per_epoch)
        rng = random.Random(args.seed * 1000 + epoch)
        order = list(range(len(data)))
        rng.shuffle(order)
        order = order[:per_epoch]
        # Length-sorted inside windows of 50 batches, so that batches pad little;
        # the batch order is shuffled again, all from the epoch's seed.
        win = 50 * args.batch_size
        batches = []
        for w in range(0, len(order), win):
            chunk = sorted(order[w:w + win], key=lambda i: len(data[i][0]) + len(data[i][1]))
            batches += [chunk[i:i + args.batch_size] for i in range(0, len(chunk), args.batch_size)]
        rng.shuffle(batches)
        for b in batches[pos:]:
            batch = [data[i] for i in b]
            logits = model.logits(batch, args.max_length)
            loss = batch_loss(logits, batch, args.temperature)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            losses.append(loss.item())
            if step % 50 == 0:
                rate = (step - s0) * args.batch_size / (time.time() - t0)
                print(f"step {step}/{total} loss {sum(losses[-50:]) / len(losses[-50:]):.3f} {rate:.1f} pairs/s",
                      flush=True)
            if time.time() - t_ckpt > 60 * args.ckpt_minutes and step < total:
                checkpoint()
                t_ckpt = time.time()
    if not (run / "final" / "config.json").exists():
        checkpoint(final=True)
        model.net.eval()
        model.save(run / "final")
        if args.init and (pathlib.Path(args.init) / "cascade.json").exists():
            # Started from a cascade: keep its gate, wherever the folder goes.
            c = json.loads((pathlib.Path(args.init) / "cascade.json").read_text())
            c["gate"] = str((pathlib.Path(args.init) / c["gate"]).resolve())
            (run / "final" / "cascade.json").write_text(json.dumps(c, indent=1) + "\n")
    print(f"done: {run / 'final'}", flush=True)


if __name__ == "__main__":
    main()
