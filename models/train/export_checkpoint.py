"""Write a model folder from a training run's checkpoint, to measure a run
still in progress (the teacher's, days long) on the whole dev split with
`stance eval`, rather than the 150 pairs a source of its hourly report:

    python models/train/export_checkpoint.py teacher1     # target/train/teacher1/at-step-N/
    stance eval target/stance-split/dev.csv --model target/train/teacher1/at-step-N \
        --precision fp32 --predictions target/eval/teacher1-N-dev.csv
    python models/train/paired_bootstrap.py target/stance-split/dev.csv \
        target/eval/ce9-dev.csv target/eval/teacher1-N-dev.csv

The folder holds the checkpoint's weights (not the optimiser) with the
run's tokenizer and config, as the run's `final/` would; the teacher's is
an MPNet, which stance runs on candle (0.17.0). The checkpoint is read
while the run goes on (it is replaced atomically), so there is no need to
stop it; the folder is 438 MB for the teacher and stays in target/.
"""
import argparse
import json
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
import train_stance  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="a run under target/train/ with checkpoint.pt and mixture.json")
    ap.add_argument("--out", default=None, help="default: target/train/RUN/at-step-N")
    args = ap.parse_args()
    run = common.REPO / "target" / "train" / args.run
    info = json.loads((run / "mixture.json").read_text())
    if info.get("arch") != "cross":
        sys.exit(f"{run}: only cross-encoder runs are exported (this one is {info.get('arch')})")
    state = torch.load(run / "checkpoint.pt", map_location="cpu")
    step = state["step"]
    out = pathlib.Path(args.out) if args.out else run / f"at-step-{step}"
    model = train_stance.Model("cross", "cpu", info.get("init"), info.get("base", "minilm"))
    model.net.load_state_dict(state["model"], strict=True)  # raises on any missing or extra tensor
    model.save(out)
    print(f"wrote {out} (step {step} of {run.name})")


if __name__ == "__main__":
    main()
