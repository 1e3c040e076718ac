#!/usr/bin/env bash
# Build the Python wheels into target/wheels/:
#   stance-VERSION-cp39-abi3-*.whl   the extension and the Python package;
#   stance_model_default-VERSION-py3-none-any.whl   the default model.
#
#   bash bindings/python/build.sh            # release build (what users install)
#   bash bindings/python/build.sh --dev      # the test profile's build (CI)
#
# Needs maturin in the Python that $PY names (pip fetches setuptools; default:
# python3); docs/python.md has the whole recipe.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-python3}
profile=--release
if [ "${1:-}" = "--dev" ]; then
    # Shares the dependencies `cargo test` built: no second optimised build.
    profile="--profile dev"
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
if [ "$(sed -n 's/^version = "\(.*\)"/\1/p' bindings/python/Cargo.toml | head -n 1)" != "$version" ]; then
    echo "bindings/python/Cargo.toml's version differs from Cargo.toml's ($version): set it" >&2
    exit 1
fi
out=target/wheels
mkdir -p "$out"
rm -f "$out"/stance-*.whl "$out"/stance_model_default-*.whl

# shellcheck disable=SC2086
"$PY" -m maturin build $profile --manifest-path bindings/python/Cargo.toml --out "$out" --quiet

# The model wheel: the shipped folders, copied into a staging package.
stage=target/model-wheel
rm -rf "$stage"
mkdir -p "$stage"
cp -r bindings/python/model/. "$stage"/
cp -r models/minilm-stance-ce models/minilm-stance "$stage"/stance_model_default/
sed -i "s/^version = \"0.0.0\"/version = \"$version\"/" "$stage"/pyproject.toml
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$out" "$stage"
ls -l "$out"
