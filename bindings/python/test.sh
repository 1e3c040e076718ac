#!/usr/bin/env bash
# The Python package's tests, from the wheels as a user installs them:
# build both wheels in the test profile (sharing what `cargo test` built),
# install them into a venv, run the command line on the same inputs for
# reference, then run pytest from a folder outside the checkout, so that
# nothing resolves through the build tree.
#
#   cargo test --features ort,parquet && bash bindings/python/test.sh
#
# STANCE_REQUIRE_SPARK=1 fails, rather than skips, the PySpark test when
# pyspark or Java is missing (.ci/run sets it where Java is); likewise
# STANCE_REQUIRE_RAY=1 for Ray, which pip installs here.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
venv=target/py-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    maturin==1.16.0 pytest==9.2.0 numpy pyarrow 'pandas<3' polars pyspark==4.3.0 'ray[data]==2.60.0'
PY="$root/$venv/bin/python" bash bindings/python/build.sh --dev >/dev/null
# Each wheel stays within 100 MB.
for w in target/wheels/*.whl; do
    if [ "$(stat -c %s "$w")" -gt 100000000 ]; then
        echo "$w is over 100 MB" >&2
        exit 1
    fi
done
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    target/wheels/stance-*.whl target/wheels/stance_model_default-*.whl

# The command line's outputs on the same inputs, from the build `cargo
# test --features ort,parquet` made (this is a no-op after it).
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
cp datasets/helsinki-summit.txt datasets/stance-dev.csv "$data"/
cargo build --quiet --features ort,parquet
cli=target/debug/stance
"$cli" run "$data/helsinki-summit.txt" --out "$data/cli" --quiet
"$cli" eval "$data/stance-dev.csv" --out "$data/cli-eval.json" >/dev/null
"$venv/bin/python" bindings/python/tests/make_archive.py datasets "$data/archive.jsonl"
"$cli" run "$data/archive.jsonl" --out "$data/cli-archive" --quiet
cp -r bindings/python/tests "$data"/
mkdir -p "$data/deploy" && cp -r deploy/spark deploy/ray "$data/deploy"/

cd "$data"
export STANCE_TEST_DATA="$data" STANCE_CHECKOUT="$root" STANCE_DEPLOY="$data/deploy"
export PYSPARK_PYTHON="$root/$venv/bin/python"
"$root/$venv/bin/python" -m pytest -q -p no:cacheprovider tests ${STANCE_PYTEST_ARGS:-}
