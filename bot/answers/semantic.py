"""An optional semantic ranker: a local static-embedding model (model2vec format) and its fusion.

A model2vec model is a directory of three files, as `StaticModel.save_pretrained` writes them:
`config.json`, `tokenizer.json` (a Hugging Face `tokenizers` tokenizer) and `model.safetensors`
(the tensor `embeddings`, tokens x dims, and, for a vocabulary-quantized model, `weights` and
`mapping`). A text's vector is the mean of its tokens' vectors (unknown tokens left out), as
model2vec computes it; here it is always L2-normalised, so a dot product is the cosine (the
`normalize` flag of `config.json` only scales a vector, which no cosine sees).

Only the `tokenizers` package is needed (the `semantic` extra); it is imported when a model is
loaded, never by importing this module. The token vectors are memory-mapped from the file, so a
500 MB model costs the memory of the rows a question or an entry actually uses, and the page
cache is shared by every process on the machine. Nothing is ever downloaded: a path that is not
a local directory is refused, also when it looks like a model's name on a hub.
"""

from __future__ import annotations

import itertools
import json
import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

#: The files of a model2vec model directory.
CONFIG, TOKENIZER, WEIGHTS = "config.json", "tokenizer.json", "model.safetensors"
#: The tensors of WEIGHTS: token vectors; per-token weights and the token -> row mapping of a
#: vocabulary-quantized model (both optional).
EMBEDDINGS, TOKEN_WEIGHTS, MAPPING = "embeddings", "weights", "mapping"
#: Tokens of one text that count (model2vec's default); the text is cut to this many times
#: the median token length in characters first, so a hostile message costs little to tokenize.
MAX_TOKENS = 512
#: Texts pooled at a time: at most this many times MAX_TOKENS rows are copied out at once.
_CHUNK = 128
#: A reasonable share of the semantic similarity in an entry's score, to be tuned on
#: bench/questions/dev.yaml with the model an operator uses.
DEFAULT_WEIGHT = 0.3
#: What the semantic extra installs, as the error that asks for it says.
EXTRA = "pip install 'lotse[semantic]'"
#: safetensors dtypes numpy reads as they are (little-endian, as the format stores them).
_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U64": "<u8",
    "U32": "<u4",
    "U16": "<u2",
    "U8": "u1",
}
#: The largest header safetensors itself accepts (100 MB).
_MAX_HEADER = 100_000_000


class SemanticModelError(ValueError):
    """A model directory is missing, incomplete or not in model2vec format; the message says why."""


@dataclass(frozen=True)
class _Tensor:
    """Where one tensor lies in a safetensors file: dtype, shape, absolute byte offset."""

    dtype: np.dtype
    shape: tuple[int, ...]
    offset: int


def check_model_dir(path: Path) -> dict[str, _Tensor]:
    """Check that path is a local model2vec directory with token vectors; raise if it is not.

    Only the small files and the tensors' header are read: cheap enough to run at start.
    Return where each tensor lies in the weights file.
    """
    if not path.is_dir():
        raise SemanticModelError(
            f"'{path}' is not a directory (Lotse never downloads a model: save one with model2vec"
            " and give the path of its directory)"
        )
    missing = [name for name in (CONFIG, TOKENIZER, WEIGHTS) if not (path / name).is_file()]
    if missing:
        raise SemanticModelError(
            f"'{path}' is not a model2vec model directory: {', '.join(missing)} missing"
        )
    try:
        config = json.loads((path / CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SemanticModelError(f"{path / CONFIG} is not valid JSON ({exc})") from None
    if not isinstance(config, dict):
        raise SemanticModelError(f"{path / CONFIG} is not a JSON object")
    return _tensors(path / WEIGHTS)


def check_installed() -> None:
    """Raise if the semantic extra (the `tokenizers` package) is not installed."""
    try:
        import tokenizers  # noqa: F401
    except ImportError:
        raise SemanticModelError(f"needs the semantic extra: {EXTRA}") from None


def _tensors(file: Path) -> dict[str, _Tensor]:
    """Read a safetensors header: each tensor's dtype, shape and where its data starts.

    Checks what reading the tensors relies on: a 2-D `embeddings` tensor, known dtypes, and
    every tensor's bytes inside the file.
    """
    size = file.stat().st_size
    with file.open("rb") as stream:
        head = stream.read(8)
        (length,) = struct.unpack("<Q", head) if len(head) == 8 else (0,)
        if not 2 <= length <= min(_MAX_HEADER, size - 8):
            raise SemanticModelError(f"{file} is not a safetensors file")
        try:
            header = json.loads(stream.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SemanticModelError(f"{file} is not a safetensors file") from None
    if not isinstance(header, dict):
        raise SemanticModelError(f"{file} is not a safetensors file")
    header.pop("__metadata__", None)
    tensors = {name: _tensor(file, name, info, 8 + length, size) for name, info in header.items()}
    embeddings = tensors.get(EMBEDDINGS)
    if embeddings is None or len(embeddings.shape) != 2 or 0 in embeddings.shape:
        raise SemanticModelError(f"{file} has no '{EMBEDDINGS}' matrix (tokens x dims)")
    return tensors


def _tensor(file: Path, name: str, info: Any, start: int, size: int) -> _Tensor:
    """Return one header entry as a _Tensor, or raise if it cannot be read as it says."""
    try:
        dtype = np.dtype(_DTYPES[info["dtype"]])
        shape = tuple(int(n) for n in info["shape"])
        begin, end = (int(n) for n in info["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise SemanticModelError(f"{file}: tensor '{name}' has an unsupported entry") from None
    count = int(np.prod(shape, dtype=np.int64))
    fits = begin >= 0 and end - begin == count * dtype.itemsize and start + end <= size
    if min(shape, default=1) < 0 or not fits:
        raise SemanticModelError(f"{file}: tensor '{name}' does not fit the file")
    return _Tensor(dtype, shape, start + begin)


def _map(file: Path, tensor: _Tensor) -> np.ndarray:
    """Memory-map one tensor read-only (nothing is read before a row is used)."""
    if not tensor.shape or 0 in tensor.shape:
        return np.zeros(tensor.shape, dtype=tensor.dtype)
    return np.memmap(file, tensor.dtype, "r", tensor.offset, tensor.shape)


class SemanticRanker:
    """Embed texts with a static model and compare them by cosine."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        embeddings: np.ndarray,
        weights: np.ndarray | None = None,
        mapping: np.ndarray | None = None,
    ) -> None:
        vocab = tokenizer.get_vocab(with_added_tokens=True)
        rows = len(embeddings)
        if mapping is None and rows != len(vocab):
            raise SemanticModelError(
                f"the tokenizer has {len(vocab)} tokens but there are {rows} token vectors"
            )
        for name, extra in ((TOKEN_WEIGHTS, weights), (MAPPING, mapping)):
            if extra is not None and extra.shape != (len(vocab),):
                raise SemanticModelError(f"'{name}' must hold one value for each of the tokens")
        if mapping is not None:
            mapping = np.asarray(mapping, dtype=np.int64)
            if len(mapping) and not 0 <= mapping.min() <= mapping.max() < rows:
                raise SemanticModelError(f"'{MAPPING}' points outside the token vectors")
        self._tokenizer = tokenizer
        self._embeddings = embeddings
        self._weights = None if weights is None else np.asarray(weights, dtype=np.float32)
        self._mapping = mapping
        unknown = getattr(tokenizer.model, "unk_token", None)
        self._unknown = tokenizer.token_to_id(unknown) if unknown else None
        median = int(np.median([len(token) for token in vocab])) if vocab else 1
        self._max_chars = MAX_TOKENS * max(median, 1)

    @classmethod
    def from_path(cls, path: str | Path) -> SemanticRanker:
        """Load a model2vec model from a local directory; raise SemanticModelError if wrong."""
        directory = Path(path).expanduser()
        tensors = check_model_dir(directory)
        check_installed()
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(directory / TOKENIZER))
        except Exception as exc:  # the tokenizers package raises plain Exceptions
            raise SemanticModelError(
                f"{directory / TOKENIZER} is not a tokenizer ({exc})"
            ) from None
        file = directory / WEIGHTS
        extras = {
            name: np.array(_map(file, tensors[name]))  # small: read into memory
            for name in (TOKEN_WEIGHTS, MAPPING)
            if name in tensors
        }
        ranker = cls(
            tokenizer,
            _map(file, tensors[EMBEDDINGS]),
            extras.get(TOKEN_WEIGHTS),
            extras.get(MAPPING),
        )
        log.info("semantic model: %s tokens x %s dimensions", *tensors[EMBEDDINGS].shape)
        return ranker

    @property
    def dim(self) -> int:
        """Return the number of dimensions of a vector."""
        return int(self._embeddings.shape[1])

    def _ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Tokenize texts: at most MAX_TOKENS token ids each, unknown tokens left out."""
        cut = [text[: self._max_chars] for text in texts]
        encode = getattr(self._tokenizer, "encode_batch_fast", self._tokenizer.encode_batch)
        unknown = self._unknown
        return [
            [i for i in encoding.ids if i != unknown][:MAX_TOKENS]
            for encoding in encode(cut, add_special_tokens=False)
        ]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised vector per text (zeros for a text with no known token)."""
        ids = self._ids(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(ids), _CHUNK):
            self._pool(ids[start : start + _CHUNK], out[start : start + _CHUNK])
        return _unit(out)

    def _pool(self, ids: list[list[int]], out: np.ndarray) -> None:
        """Write the mean token vector of each text's ids into its row of out."""
        lengths = np.array([len(i) for i in ids], dtype=np.int64)
        full = np.flatnonzero(lengths)
        if not len(full):
            return
        tokens = np.fromiter(itertools.chain.from_iterable(ids), np.int64, int(lengths.sum()))
        rows = tokens if self._mapping is None else self._mapping[tokens]
        vectors = self._embeddings[rows].astype(np.float32)
        if self._weights is not None:
            vectors *= self._weights[tokens][:, None]
        # The texts with tokens start where the previous ones end: sum each one's run.
        starts = (np.cumsum(lengths) - lengths)[full]
        out[full] = np.add.reduceat(vectors, starts, axis=0) / lengths[full, None]

    def similarities(self, query: str, doc_vectors: np.ndarray) -> np.ndarray:
        """Return the cosine (-1..1) between query and each row of doc_vectors (unit vectors)."""
        return doc_vectors @ self.embed([query])[0]

    def index_entries(self, texts_per_entry: Sequence[Sequence[str]]) -> np.ndarray:
        """Return one unit vector per entry: the centroid of its texts' vectors.

        The texts are an entry's question variants and its answer, in any of its languages.
        Each text counts once, whatever its length, and the centroid is normalised again: an
        entry is what its ways of asking have in common, so a short variant that is one
        word ("Kindergeld") cannot pull in every question with that word, as a maximum over
        the variants would, and a query costs one matrix-vector product. An entry without
        text gets zeros (similarity 0 to every query).
        """
        owners = [entry for entry, texts in enumerate(texts_per_entry) for _ in texts]
        flat = [text for texts in texts_per_entry for text in texts]
        sums = np.zeros((len(texts_per_entry), self.dim), dtype=np.float32)
        if flat:
            np.add.at(sums, np.asarray(owners), self.embed(flat))
        return _unit(sums)


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Return the rows of vectors scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def fuse(lexical: np.ndarray, semantic: np.ndarray, weight: float) -> np.ndarray:
    """Return per entry (1 - weight) * lexical + weight * the cosine clipped to 0..1.

    A weighted sum keeps the scale of the lexical scores, which the engine's thresholds
    (answer, margin, suggest) are tuned on, and it can lower an entry that only shares a
    word with the question as well as lift one that means the same. A negative cosine says
    "unrelated", no more than 0 does, so it is clipped rather than mapped to 0..1 as
    (cos + 1) / 2, which would give every unrelated entry half the weight. Reciprocal rank
    fusion was not chosen: its scores come from ranks, so they cannot tell a good best
    entry from a poor one, and the engine must (to say "unknown"). With weight 0 the result
    is the lexical scores exactly.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"the semantic weight must be between 0 and 1, not {weight}")
    lexical = np.asarray(lexical, dtype=float)
    semantic = np.asarray(semantic, dtype=float)
    if lexical.shape != semantic.shape:
        raise ValueError(f"{lexical.shape} lexical scores but {semantic.shape} similarities")
    if weight == 0.0:
        return lexical.copy()
    return (1.0 - weight) * lexical + weight * np.clip(semantic, 0.0, 1.0)


def load_ranker(path: Path | None) -> SemanticRanker | None:
    """Return the ranker of the model at path (SEMANTIC_MODEL), or None when it is not set."""
    return None if path is None else SemanticRanker.from_path(path)
