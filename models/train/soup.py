"""Average the weights of fine-tuned cross-encoders that share a start (a
"model soup"): no cost at inference, often a little better than either.

    python models/train/soup.py OUT RUN_A/final RUN_B/final [WEIGHT_A]

OUT gets the averaged model.safetensors (float32) and the first folder's
config, tokenizer and cascade.json. WEIGHT_A (default 0.5) is A's share.
Choose the weight on the dev split, as everything else.
"""
import pathlib
import shutil
import sys

from safetensors.torch import load_file, save_file


def main():
    out, a, b = (pathlib.Path(p) for p in sys.argv[1:4])
    w = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    ta, tb = load_file(str(a / "model.safetensors")), load_file(str(b / "model.safetensors"))
    if ta.keys() != tb.keys():
        raise SystemExit(f"{a} and {b} hold different tensors; only runs of one architecture mix")
    out.mkdir(parents=True, exist_ok=True)
    for f in a.iterdir():
        if f.is_file() and f.name not in ("model.safetensors", "model.onnx"):
            shutil.copy(f, out / f.name)
    save_file({k: (w * ta[k].float() + (1 - w) * tb[k].float()).contiguous() for k in ta},
              str(out / "model.safetensors"), metadata={"format": "pt"})
    print(f"wrote {out}: {w} x {a} + {1 - w} x {b}")


if __name__ == "__main__":
    main()
