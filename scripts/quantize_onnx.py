#!/usr/bin/env python3
"""Quantise an exported model.onnx to int8 for `stance --backend ort --quantized`.

    python3 -m venv /tmp/ort && /tmp/ort/bin/pip install onnxruntime==1.31.1 onnx==1.17.0 ml_dtypes==0.4.1
    /tmp/ort/bin/python scripts/quantize_onnx.py MODEL_DIR

Writes MODEL_DIR/model_int8.onnx with dynamic int8 weights, per channel and
with reduce_range: on AVX2 CPUs plain QInt8 drifts badly from fp32. Check
the int8 model's accuracy against fp32 with `stance eval` before using it.

`--only REGEX` quantises only the MatMul/Gemm nodes whose names match (for
example `intermediate|output/dense` for the feed-forward layers, keeping
attention and the classifier in fp32); `--list` prints the node names.
"""
import argparse
import os
import re

import onnx

from onnxruntime.quantization import QuantType, quantize_dynamic


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--only", metavar="REGEX", help="quantise only the MatMul/Gemm nodes whose names match")
    ap.add_argument("--list", action="store_true", help="print the MatMul/Gemm node names and stop")
    args = ap.parse_args()
    src = os.path.join(args.model_dir, "model.onnx")
    dst = os.path.join(args.model_dir, "model_int8.onnx")
    names = [n.name for n in onnx.load(src, load_external_data=False).graph.node
             if n.op_type in ("MatMul", "Gemm")]
    if args.list:
        print("\n".join(names))
        return
    only = [n for n in names if re.search(args.only, n)] if args.only else None
    if only is not None and not only:
        raise SystemExit(f"--only {args.only!r} matches none of {len(names)} MatMul/Gemm nodes (see --list)")
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                     nodes_to_quantize=only)
    if only is not None:
        print(f"quantised {len(only)} of {len(names)} MatMul/Gemm nodes")
    print(f"wrote {dst} ({os.path.getsize(dst) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
