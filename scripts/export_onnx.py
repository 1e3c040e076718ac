#!/usr/bin/env python3
"""Export a Hugging Face model folder to ONNX for `stance --backend ort`.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        .venv/bin/python scripts/export_onnx.py MODEL_DIR [--out MODEL_DIR/model.onnx]

Writes `model.onnx` (fp32) into the model folder. Inputs are `input_ids`,
`attention_mask` and `token_type_ids` (int64, [batch, sequence], both axes
dynamic). A sequence classifier (`*ForSequenceClassification`) outputs
`logits` [batch, labels]; any other encoder outputs `last_hidden_state`.

A BERT classifier reads only the first token's last hidden state, so its
graph runs the last layer's attention output and feed-forward on that
token alone (its keys and values still come from every token), as the
candle backend does: the same logits, to rounding, for about an eighth
less work. `--full-last-layer` exports the plain graph instead.

Needs Debian python3-torch with transformers==4.30.2, onnx==1.17.0 and
ml_dtypes==0.4.1 in a venv made with --system-site-packages (docs/testing.md,
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
    ap.add_argument("--full-last-layer", action="store_true",
                    help="run a classifier's last layer on every token, as transformers does")
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

    first_only = classifier and not args.full_last_layer and hasattr(model, "bert")

    def first_token_logits(m, input_ids, attention_mask, token_type_ids):
        """BertForSequenceClassification's forward, with the last layer's
        work after the attention scores done for the first token only."""
        bert = m.bert
        h = bert.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        mask = bert.get_extended_attention_mask(attention_mask, input_ids.shape)
        for layer in bert.encoder.layer[:-1]:
            h = layer(h, attention_mask=mask)[0]
        last = bert.encoder.layer[-1]
        sa = last.attention.self
        heads, size = sa.num_attention_heads, sa.attention_head_size

        def split(x):
            return x.view(x.shape[0], x.shape[1], heads, size).permute(0, 2, 1, 3)

        first = h[:, :1]
        q, k, v = split(sa.query(first)), split(sa.key(h)), split(sa.value(h))
        scores = torch.matmul(q, k.transpose(-1, -2)) / (size ** 0.5) + mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        ctx = ctx.permute(0, 2, 1, 3).reshape(first.shape)
        a = last.attention.output(ctx, first)
        o = last.output(last.intermediate(a), a)
        return m.classifier(m.dropout(bert.pooler(o)))

    if first_only:
        with torch.no_grad():
            ids = torch.tensor([[101, 7592, 2088, 102, 2023, 2003, 102, 0], [101, 2054, 102, 2079, 102, 0, 0, 0]])
            # Within a small vocabulary (the tiny test model's 400 words).
            ids = ids.remainder(model.config.vocab_size)
            att = (ids != 0).long()
            typ = torch.tensor([[0, 0, 0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 0, 0, 0]])
            full = model(input_ids=ids, attention_mask=att, token_type_ids=typ).logits
            ours = first_token_logits(model, ids, att, typ)
            diff = (full - ours).abs().max().item()
        assert diff < 1e-5, f"first-token graph differs from the model by {diff}"
        print(f"first-token last layer: logits within {diff:.1e} of transformers'")

    class Wrapped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            if first_only:
                return first_token_logits(self.m, input_ids, attention_mask, token_type_ids)
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
