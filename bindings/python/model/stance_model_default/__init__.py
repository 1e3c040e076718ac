"""The default model of stance, installed as data: `path()` is its folder."""

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def path() -> str:
    """The folder of the default model (the cascade; its gate is beside it)."""
    return os.path.join(_HERE, "minilm-stance-ce")
