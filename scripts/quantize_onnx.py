#!/usr/bin/env python3
"""Quantise an exported model.onnx to int8 for `stance --backend ort --quantized`.

    python3 -m venv /tmp/ort && /tmp/ort/bin/pip install onnxruntime==1.31.1 onnx==1.17.0 ml_dtypes==0.4.1
    /tmp/ort/bin/python scripts/quantize_onnx.py MODEL_DIR

Writes MODEL_DIR/model_int8.onnx with dynamic int8 weights, per channel and
with reduce_range: on AVX2 CPUs plain QInt8 drifts badly from fp32. Check
the int8 model's accuracy against fp32 with `stance eval` before using it.
"""
import argparse
import os

from onnxruntime.quantization import QuantType, quantize_dynamic


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    args = ap.parse_args()
    src = os.path.join(args.model_dir, "model.onnx")
    dst = os.path.join(args.model_dir, "model_int8.onnx")
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
    print(f"wrote {dst} ({os.path.getsize(dst) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
