#!/usr/bin/env python3
"""Export a Hugging Face model folder to ONNX for `stance --backend ort`.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        .venv/bin/python scripts/export_onnx.py MODEL_DIR [--out MODEL_DIR/model.onnx]

Writes `model.onnx` (fp32) into the model folder. Inputs are `input_ids`,
`attention_mask` and `token_type_ids` (int64, [batch, sequence], both axes
dynamic). A sequence classifier (`*ForSequenceClassification`) outputs
`logits` [batch, labels]; any other encoder outputs `last_hidden_state`.

Needs Debian python3-torch with transformers==4.30.2, onnx==1.17.0 and
ml_dtypes==0.4.1 in a venv made with --system-site-packages (README,
"Python reference"). Quantise the result with scripts/quantize_onnx.py.
"""
import argparse
import json
import os

import torch
from transformers import AutoModel, AutoModelForSequenceClassification


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--out", help="output path (default MODEL_DIR/model.onnx)")
    ap.add_argument("--opset", type=int, default=14)
    args = ap.parse_args()

    with open(os.path.join(args.model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    classifier = any(a.endswith("ForSequenceClassification") for a in config.get("architectures", []))
    if classifier:
        model = AutoModelForSequenceClassification.from_pretrained(args.model_dir)
        output = "logits"
    else:
        model = AutoModel.from_pretrained(args.model_dir)
        output = "last_hidden_state"
    model.eval()

    batch, seq = 2, 8
    dummy = (
        torch.ones(batch, seq, dtype=torch.long),
        torch.ones(batch, seq, dtype=torch.long),
        torch.zeros(batch, seq, dtype=torch.long),
    )

    class Wrapped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.m(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids)
            return out.logits if classifier else out.last_hidden_state

    out_path = args.out or os.path.join(args.model_dir, "model.onnx")
    dyn = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        Wrapped(model),
        dummy,
        out_path,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=[output],
        dynamic_axes={
            "input_ids": dyn,
            "attention_mask": dyn,
            "token_type_ids": dyn,
            output: {0: "batch"} if classifier else dyn,
        },
        opset_version=args.opset,
        do_constant_folding=True,
    )
    print(f"wrote {out_path} ({os.path.getsize(out_path) / 1e6:.1f} MB, output `{output}`)")


if __name__ == "__main__":
    main()
