"""The generation cache: a SQLite store of finished generations and a wrapper that puts it in front of any backend.

An unchanged re-run costs almost nothing, and a killed run resumes: every finished generation is one committed row.
"""
from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from harness.backends.base import Generation, ModelBackend, Prompt
from harness.errors import ErrorKind, HarnessInputError
from harness.io.hashing import json_sha256
from harness.io.paths import cache_root

#: Bumped when the key recipe or the stored row format changes, so old rows simply stop matching.
CACHE_FORMAT = 1
CACHE_FILE = "generations.sqlite"
#: Error type for a prompt the inner backend never answered (a backend bug, not the model's fault).
NO_GENERATION = ErrorKind.BACKEND_ERROR
_LOOKUP_CHUNK = 500  # stays under SQLite's bound-parameter limit on old builds
_GENERATION_FIELDS = tuple(f.name for f in dataclasses.fields(Generation))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS generations (
    key TEXT PRIMARY KEY,
    identity_sha256 TEXT NOT NULL,
    generation TEXT NOT NULL,
    created_at REAL NOT NULL
)
"""


def _is_lock_contention(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the file for now (not a broken or unwritable one)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def default_cache_dir() -> Path:
    """The generation store's folder: the harness cache root (`$HARNESS_CACHE_DIR`, else ~/.cache/harness)."""
    return cache_root()


def cache_key(identity: Mapping[str, Any], prompt: Prompt) -> str:
    """sha256 of the backend identity and the prompt's messages and tools.

    The case id is left out, so the same prompt under two ids (or two suites) is generated once: a
    cacheable backend's output may depend only on its identity and the prompt (the replay backend,
    which reads the case id, declares itself not cacheable).
    """
    payload = prompt.to_json()
    payload.pop("case_id")
    return json_sha256({"format": CACHE_FORMAT, "identity": dict(identity), "prompt": payload})


class GenerationStore:
    """Generations by cache key in one SQLite file; safe to share between processes.

    WAL mode lets readers run beside the one writer; each `put` is its own committed transaction, so a
    SIGKILL loses at most the generation in flight. `synchronous=NORMAL` survives a process crash (not a
    power cut), which is what resuming needs. WAL needs a local disk, not a network file system.
    """

    #: How long opening waits for another process that is creating or switching the same file to WAL.
    open_timeout_s = 60.0
    #: How long a statement waits for another process's write to finish (SQLite's busy timeout).
    busy_timeout_s = 60.0

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            raise HarnessInputError(f"cannot open the generation cache: {exc}", path=self.path,
                                    hint="point --cache-dir or HARNESS_CACHE_DIR at a writable local folder, "
                                         "or run with --no-cache") from None

    def _connect(self) -> sqlite3.Connection:
        """A connection in WAL mode with the table in place, retried while another opener holds the file.

        Two processes opening a new store at once both read the schema and then both need the write lock
        (for the switch to WAL, or for CREATE TABLE); SQLite answers one of them "database is locked" at once,
        without waiting out the busy timeout, since waiting could deadlock. Starting over succeeds as soon as
        the other opener is done.
        """
        deadline = time.monotonic() + self.open_timeout_s
        pause = 0.01
        while True:
            # isolation_level=None: autocommit, so every INSERT commits on its own.
            db = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(_SCHEMA)
                return db
            except BaseException as exc:
                db.close()
                contended = isinstance(exc, sqlite3.OperationalError) and _is_lock_contention(exc)
                if not contended or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    @classmethod
    def open(cls, cache_dir: str | Path | None = None) -> "GenerationStore":
        """The store in `cache_dir` (default: `default_cache_dir()`)."""
        return cls(Path(cache_dir if cache_dir is not None else default_cache_dir()) / CACHE_FILE)

    def get_many(self, keys: Iterable[str]) -> dict[str, Generation]:
        """The stored generations among `keys` (absent keys are simply missing from the result)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Generation] = {}
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start:start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, generation FROM generations WHERE key IN ({marks})", chunk)
            for key, text in rows:
                found[key] = _generation_from_text(text)
        return found

    def put(self, key: str, generation: Generation, identity_sha256: str = "") -> None:
        """Store one finished generation; an existing row wins (two writers produced the same answer).

        An output that is not JSON data is not stored (it would not come back equal): that case regenerates.
        """
        try:
            text = json.dumps(dataclasses.asdict(generation), ensure_ascii=False, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError):
            return
        self._db.execute("INSERT OR IGNORE INTO generations (key, identity_sha256, generation, created_at) "
                         "VALUES (?, ?, ?, ?)", (key, identity_sha256, text, time.time()))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "GenerationStore":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _generation_from_text(text: str) -> Generation:
    data = json.loads(text)
    return Generation(**{name: data.get(name) for name in _GENERATION_FIELDS})


class CachingBackend:
    """Any backend behind the generation cache: only cache misses reach it; errors are never stored.

    `extra_identity` joins the backend's identity in the key for things that change what a generation
    records without being part of the backend (e.g. the latency mode, which changes what latency_ms means).
    """

    def __init__(self, inner: ModelBackend, store: GenerationStore, extra_identity: Mapping[str, Any] | None = None):
        self.inner = inner
        self.store = store
        self.extra_identity = dict(extra_identity or {})

    def identity(self) -> Mapping[str, Any]:
        return self.inner.identity()

    @property
    def latency_mode(self) -> str:
        return self.inner.latency_mode

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        for generation, _ in self.generate_marked(prompts):
            yield generation

    def generate_marked(self, prompts: Sequence[Prompt]) -> Iterator[tuple[Generation, bool]]:
        """`(generation, came_from_cache)` per prompt, in prompt order, each as soon as it and all before it exist."""
        identity = {"backend": dict(self.inner.identity()), **self.extra_identity}
        identity_hash = json_sha256(identity)
        keys = [cache_key(identity, prompt) for prompt in prompts]
        stored = self.store.get_many(keys)
        results: list[tuple[Generation, bool] | None] = [(stored[k], True) if k in stored else None for k in keys]
        # One model call per distinct missing key; later prompts with the same key share its answer.
        positions: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            if key not in stored:
                positions.setdefault(key, []).append(index)
        emitted = 0

        def ready() -> Iterator[tuple[Generation, bool]]:
            nonlocal emitted
            while emitted < len(results) and results[emitted] is not None:
                yield results[emitted]
                emitted += 1

        yield from ready()
        if positions:
            for _ in self._generate_missing(prompts, positions, identity_hash, results):
                yield from ready()
        for index, item in enumerate(results):
            if item is None:  # the inner backend stopped early: a backend bug, recorded per case
                results[index] = (Generation(error_type=NO_GENERATION,
                                             error="the backend yielded no generation for this prompt"), False)
        yield from ready()

    def _generate_missing(self, prompts, positions, identity_hash, results) -> Iterator[None]:
        """Run the inner backend on the first prompt of each missing key; store and place each answer."""
        missing = list(positions)
        stream = self.inner.generate([prompts[positions[key][0]] for key in missing])
        try:
            for key, generation in zip(missing, stream):
                if generation.error_type is None:  # a timeout or crash is retried next run, never replayed
                    self.store.put(key, generation, identity_hash)
                first, *shared = positions[key]
                results[first] = (generation, False)
                for index in shared:  # same prompt, answered once: a cache hit unless it failed
                    results[index] = (generation, generation.error_type is None)
                yield None
        finally:
            close = getattr(stream, "close", None)
            if close is not None:  # release the backend's generator (and its resources) on Ctrl-C too
                close()


def marked_generations(backend: ModelBackend, prompts: Sequence[Prompt]) -> Iterator[tuple[Generation, bool]]:
    """`(generation, came from the cache)` per prompt: a caching backend says which; any other backend's are new."""
    if isinstance(backend, CachingBackend):
        return backend.generate_marked(prompts)
    return ((generation, False) for generation in backend.generate(prompts))
