"""Type stubs of the extension module (the Rust library's bindings).

Tables are dicts of equal-length column lists; probabilities come as
little-endian float32 bytes, three per pair (favor, against, none).
"""

from os import PathLike
from typing import Dict, List, Optional, Tuple, Union

_Path = Union[str, PathLike]
_Columns = Dict[str, list]

__version__: str
DEFAULT_TARGET: str
DEFAULT_TEMPLATE: str
SENTENCE_COLUMNS: List[str]
SUMMARY_COLUMNS: List[str]
DOCUMENT_COLUMNS: List[str]

class StanceError(Exception):
    """An error from stance; its message says what was wrong and what to do."""

class Pipeline:
    def __init__(
        self,
        model: str,
        targets: List[str],
        hypothesis: str,
        backend: str = "auto",
        threads: Optional[int] = None,
        batch_size: int = 8,
        precision: str = "auto",
        quantized: bool = False,
        ort_lib: Optional[_Path] = None,
        cache: int = 100000,
        any_language: bool = False,
        min_speaker_confidence: float = 0.0,
    ) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def backend(self) -> str: ...
    @property
    def targets(self) -> List[str]: ...
    @property
    def hypothesis(self) -> str: ...
    def run(
        self,
        texts: List[str],
        ids: Optional[List[str]] = None,
        meta: Optional[List[List[str]]] = None,
        keep: List[str] = ...,
    ) -> Tuple[_Columns, List[Tuple[str, str]]]: ...
    def score(self, sentences: List[str], claims: List[str]) -> bytes: ...

def summarize(
    columns: _Columns,
    targets: List[str],
    keep: List[str] = ...,
    group_by: Optional[str] = None,
) -> Tuple[_Columns, _Columns, _Columns]: ...
def eval(
    path: _Path,
    model: str,
    target: str,
    hypothesis: str,
    format: Optional[str] = None,
    split: Optional[str] = None,
    backend: str = "auto",
    threads: Optional[int] = None,
    batch_size: int = 8,
    precision: str = "auto",
    quantized: bool = False,
    ort_lib: Optional[_Path] = None,
) -> Tuple[str, bytes]: ...
def run_files(
    paths: List[_Path],
    out: _Path,
    model: str,
    targets: List[str],
    hypothesis: str,
    **options: object,
) -> str: ...
