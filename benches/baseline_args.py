"""What the Python baselines (baseline_torch.py, baseline_ort.py) share:
their command line and their slice of the pairs `stance bench
--write-pairs` wrote."""
import argparse
import json


def args_and_pairs():
    """Parse MODEL PAIRS [--threads] [--batch-size] [--part K/N] [--variant]; return the
    arguments and the K-th of N even, contiguous slices of the pairs."""
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("pairs")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--part", default="1/1", help="K/N: score the K-th of N slices of the pairs")
    ap.add_argument("--variant", choices=["fp32", "int8", "bf16"], default="fp32",
                    help="int8: ONNX Runtime on the folder's model_int8.onnx (dynamic quantisation); "
                         "bf16: PyTorch under bfloat16 autocast")
    args = ap.parse_args()
    k, n = (int(x) for x in args.part.split("/"))
    with open(args.pairs, encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    return args, pairs[(k - 1) * len(pairs) // n: k * len(pairs) // n]


def distinct_texts(pairs, tok):
    """A cascade gate's work list: each distinct sentence and hypothesis
    once, tokenised, and their indices shortest first (as stance batches)."""
    texts = sorted({t for p in pairs for t in (p["premise"], p["hypothesis"])})
    enc = [tok(t, truncation=True, max_length=512) for t in texts]
    return texts, enc, sorted(range(len(enc)), key=lambda i: len(enc[i]["input_ids"]))
