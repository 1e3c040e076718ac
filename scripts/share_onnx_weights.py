#!/usr/bin/env python3
"""Make an ONNX export read its weights from the model folder's f16
`model.safetensors` instead of carrying an fp32 copy of them.

    python scripts/share_onnx_weights.py MODEL_DIR [--onnx MODEL_DIR/model.onnx]

The export must come from the same f16 weights widened to f32 (as
scripts/export_onnx.py does for the bundled models), so that every weight
of the graph equals a safetensors tensor, or its transpose, exactly. Each
such initializer becomes an f16 tensor stored externally in
`model.safetensors` (its byte offset and length there), followed by a Cast
to f32 (and a Transpose where the exporter had folded one). ONNX Runtime
folds those nodes once, at load, so it computes with exactly the numbers
candle and PyTorch use, and the ONNX file shrinks from about 90 MB to a few
hundred kB for MiniLM. Keep the two files together: the ONNX file names
`model.safetensors` beside it.

Needs onnx==1.17.0 and numpy (the training venv has both).
"""
import argparse
import json
import os
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F16 = {"F16": np.float16}


def safetensors_index(path):
    """name -> (dtype, shape, absolute byte offset, byte length)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        begin, end = meta["data_offsets"]
        out[name] = (meta["dtype"], tuple(meta["shape"]), base + begin, end - begin)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--onnx", help="the export to rewrite in place (default MODEL_DIR/model.onnx)")
    args = ap.parse_args()
    st_path = os.path.join(args.model_dir, "model.safetensors")
    onnx_path = args.onnx or os.path.join(args.model_dir, "model.onnx")
    index = safetensors_index(st_path)
    tensors = {}
    with open(st_path, "rb") as f:
        for name, (dtype, shape, off, length) in index.items():
            if dtype not in F16:
                raise SystemExit(f"{st_path}: {name} is {dtype}; only f16 weights can be shared")
            f.seek(off)
            tensors[name] = np.frombuffer(f.read(length), dtype=np.float16).reshape(shape)
    by_shape = {}
    for name, t in tensors.items():
        by_shape.setdefault(t.shape, []).append(name)
        if t.ndim == 2:
            by_shape.setdefault(t.shape[::-1], []).append(name)

    model = onnx.load(onnx_path)
    graph = model.graph
    kept, nodes, shared, used = [], [], 0, set()
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            kept.append(init)
            continue
        value = numpy_helper.to_array(init)
        match = None
        for name in by_shape.get(value.shape, []):
            t = tensors[name]
            for transposed in ([False, True] if t.ndim == 2 else [False]):
                cand = t.T if transposed else t
                if cand.shape == value.shape and np.array_equal(cand.astype(np.float32), value):
                    match = (name, transposed)
                    break
            if match:
                break
        if match is None:
            kept.append(init)
            continue
        name, transposed = match
        used.add(name)
        _, shape, off, length = index[name]
        half = f"{init.name}__f16"
        ext = TensorProto(name=half, data_type=TensorProto.FLOAT16, dims=list(shape),
                          data_location=TensorProto.EXTERNAL)
        for k, v in (("location", "model.safetensors"), ("offset", str(off)), ("length", str(length))):
            e = ext.external_data.add()
            e.key, e.value = k, v
        kept.append(ext)
        if transposed:
            nodes.append(helper.make_node("Cast", [half], [half + "_f32"], to=TensorProto.FLOAT))
            nodes.append(helper.make_node("Transpose", [half + "_f32"], [init.name], perm=[1, 0]))
        else:
            nodes.append(helper.make_node("Cast", [half], [init.name], to=TensorProto.FLOAT))
        shared += 1
    del graph.initializer[:]
    graph.initializer.extend(kept)
    old = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + old)
    tmp = onnx_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString())
    onnx.checker.check_model(tmp)
    os.replace(tmp, onnx_path)
    inline = sum(1 for i in kept if i.data_location != TensorProto.EXTERNAL)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e3:.0f} kB): {shared} weights read from "
          f"model.safetensors ({len(used)} of its {len(tensors)} tensors), {inline} kept inline")


if __name__ == "__main__":
    main()
