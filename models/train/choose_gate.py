"""Choose and measure the relevance gate of a cascade on the claim-disjoint
dev split: the cosine similarity of the frozen all-MiniLM-L6-v2 embeddings
(the bundled models/minilm-stance encoder, f16 weights) of a sentence and
its claim.

    python models/train/choose_gate.py [--gate models/minilm-stance] [--min-recall 0.97]

For each threshold it reports, on target/stance-split/dev.csv: the share of
all pairs gated (sent to `none` without the cross-encoder), the gate's
recall on gold favor/against pairs (the share it lets through), and on
FNC-1 and ARC the share of `unrelated` pairs gated and of `discuss` pairs
kept. The chosen threshold is the highest whose favor/against recall is at
least --min-recall. Writes target/stance-split/gate.json.
"""
import argparse
import collections
import json
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from train_stance import hyp  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", default=str(common.REPO / "models" / "minilm-stance"))
    ap.add_argument("--split", default=str(common.REPO / "target" / "stance-split"))
    ap.add_argument("--min-recall", type=float, default=0.97)
    args = ap.parse_args()
    rows = common.read_stance(pathlib.Path(args.split) / "dev.csv")
    tok, model = common.load_encoder(args.gate)
    model.float()
    texts = sorted({r["text"] for r in rows} | {hyp(r["target"]) for r in rows})
    index = {t: i for i, t in enumerate(texts)}
    emb = common.embed(tok, model, texts, max_length=256)
    cos = torch.tensor([float(emb[index[r["text"]]] @ emb[index[hyp(r["target"])]]) for r in rows])
    polar = torch.tensor([r["label"] != "none" for r in rows])
    raw = [r["raw"] for r in rows]
    table = []
    for k in range(0, 13):
        t = round(0.05 * k - 0.1, 2)
        keep = cos >= t
        rec = {"threshold": t, "gated_share": round(float((~keep).float().mean()), 4),
               "polar_recall": round(float(keep[polar].float().mean()), 4)}
        for name in ["unrelated", "discuss"]:
            idx = torch.tensor([x == name for x in raw])
            if idx.any():
                rec[f"{name}_gated"] = round(float((~keep[idx]).float().mean()), 4)
        by_src = collections.defaultdict(list)
        for r, k_ in zip(rows, keep.tolist()):
            if r["label"] != "none":
                by_src[r["source"]].append(k_)
        rec["polar_recall_by_source"] = {s: round(sum(v) / len(v), 4) for s, v in sorted(by_src.items())}
        table.append(rec)
        print(json.dumps(rec))
    ok = [r for r in table if r["polar_recall"] >= args.min_recall]
    chosen = max(ok, key=lambda r: r["threshold"]) if ok else table[0]
    out = {"gate": args.gate, "min_recall": args.min_recall, "chosen": chosen, "table": table}
    (pathlib.Path(args.split) / "gate.json").write_text(json.dumps(out, indent=1))
    print("chosen", json.dumps(chosen))


if __name__ == "__main__":
    main()
