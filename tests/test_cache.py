"""The generation cache: only misses reach the model, errors are never stored, keys follow identity and prompt."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.backends.base import Generation, Prompt
from harness.backends.cache import (CACHE_FILE, NO_GENERATION, CachingBackend, GenerationStore, cache_key,
                                    default_cache_dir)
from harness.errors import HarnessInputError
from harness.suite.cases import Tool

REPO = Path(__file__).resolve().parents[1]


def _prompt(case_id: str, text: str | None = None) -> Prompt:
    return Prompt(case_id=case_id, messages=({"role": "user", "content": text or f"question {case_id}"},), tools=())


class CountingBackend:
    """Echoes each prompt; remembers which prompts it saw; fails on prompts listed in `fail`."""

    def __init__(self, model: str = "m", fail: tuple[str, ...] = (), stop_after: int | None = None):
        self.model, self.fail, self.stop_after = model, fail, stop_after
        self.seen: list[str] = []
        self.calls = 0

    def identity(self) -> dict:
        return {"backend": "counting", "model": self.model}

    def generate(self, prompts):
        self.calls += 1
        for index, prompt in enumerate(prompts):
            if self.stop_after is not None and index >= self.stop_after:
                return
            self.seen.append(prompt.case_id)
            if prompt.case_id in self.fail:
                yield Generation(error_type="timeout", error="took too long")
            else:
                yield Generation(output=f"answer to {prompt.messages[-1]['content']}", latency_ms=100.0 + index,
                                 input_tokens=7, output_tokens=3)


@pytest.fixture
def store(tmp_path):
    with GenerationStore(tmp_path / CACHE_FILE) as opened:
        yield opened


def test_second_run_sends_only_the_misses_and_keeps_the_original_costs(store):
    first = CountingBackend()
    cold = list(CachingBackend(first, store).generate_marked([_prompt("a"), _prompt("b")]))
    assert first.seen == ["a", "b"] and [cached for _, cached in cold] == [False, False]

    second = CountingBackend()
    warm = list(CachingBackend(second, store).generate_marked([_prompt("a"), _prompt("c"), _prompt("b")]))
    assert second.seen == ["c"]
    assert [g.output for g, _ in warm] == ["answer to question a", "answer to question c", "answer to question b"]
    assert [cached for _, cached in warm] == [True, False, True]
    assert warm[0][0] == cold[0][0]  # latency and tokens of the run that generated it
    assert warm[2][0].latency_ms == 101.0


def test_a_fully_cached_run_never_calls_the_backend(store):
    list(CachingBackend(CountingBackend(), store).generate([_prompt("a")]))
    again = CountingBackend()
    assert [g.output for g in CachingBackend(again, store).generate([_prompt("a")])] == ["answer to question a"]
    assert again.calls == 0


def test_errors_are_not_cached_so_they_are_retried(store):
    first = CountingBackend(fail=("b",))
    generations = list(CachingBackend(first, store).generate([_prompt("a"), _prompt("b")]))
    assert generations[1].error_type == "timeout"
    second = CountingBackend()
    retried = list(CachingBackend(second, store).generate([_prompt("a"), _prompt("b")]))
    assert second.seen == ["b"] and retried[1].output == "answer to question b"
    assert len(store) == 2


def test_identity_change_is_a_miss(store):
    list(CachingBackend(CountingBackend(model="m1"), store).generate([_prompt("a")]))
    other = CountingBackend(model="m2")
    list(CachingBackend(other, store).generate([_prompt("a")]))
    assert other.seen == ["a"]
    batched = CountingBackend(model="m1")
    list(CachingBackend(batched, store, extra_identity={"latency_mode": "per_request"}).generate([_prompt("a")]))
    assert batched.seen == ["a"]


def test_same_prompt_under_two_case_ids_is_generated_once(store):
    backend = CountingBackend()
    marked = list(CachingBackend(backend, store).generate_marked([_prompt("x", "same"), _prompt("y", "same")]))
    assert backend.seen == ["x"]
    assert [cached for _, cached in marked] == [False, True] and marked[0][0] == marked[1][0]
    later = CountingBackend()
    list(CachingBackend(later, store).generate([_prompt("z", "same")]))
    assert later.seen == []


def test_key_covers_identity_messages_and_tools_but_not_the_case_id():
    identity = {"backend": "b"}
    assert cache_key(identity, _prompt("x", "same")) == cache_key(identity, _prompt("y", "same"))
    assert cache_key(identity, _prompt("x", "same")) != cache_key(identity, _prompt("x", "other"))
    with_tool = Prompt(case_id="x", messages=_prompt("x", "same").messages,
                       tools=(Tool("f", "does f", {"type": "object", "properties": {}}),))
    assert cache_key(identity, with_tool) != cache_key(identity, _prompt("x", "same"))
    assert cache_key({"backend": "other"}, _prompt("x", "same")) != cache_key(identity, _prompt("x", "same"))


def test_results_come_in_prompt_order_as_soon_as_possible(store):
    list(CachingBackend(CountingBackend(), store).generate([_prompt("a")]))
    backend = CountingBackend()
    stream = CachingBackend(backend, store).generate([_prompt("a"), _prompt("b"), _prompt("c")])
    assert next(stream).output == "answer to question a" and backend.calls == 0  # a hit needs no model
    assert next(stream).output == "answer to question b" and backend.seen == ["b"]  # not waiting for c
    assert next(stream).output == "answer to question c"


def test_a_backend_that_stops_early_leaves_per_case_errors(store):
    generations = list(CachingBackend(CountingBackend(stop_after=1), store).generate([_prompt("a"), _prompt("b")]))
    assert generations[0].error_type is None and generations[1].error_type == NO_GENERATION


def test_store_survives_a_reopen(tmp_path):
    path = tmp_path / "c" / CACHE_FILE
    with GenerationStore(path) as first:
        list(CachingBackend(CountingBackend(), first).generate([_prompt("a")]))
    with GenerationStore(path) as again:
        backend = CountingBackend()
        (generation,) = CachingBackend(backend, again).generate([_prompt("a")])
        assert backend.seen == [] and generation.input_tokens == 7 and len(again) == 1


def test_cache_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    with GenerationStore.open() as opened:
        assert opened.path == tmp_path / "env" / CACHE_FILE
    monkeypatch.delenv("HARNESS_CACHE_DIR")
    assert default_cache_dir() == Path.home() / ".cache" / "harness"


def test_openai_message_outputs_round_trip(store):
    message = {"role": "assistant", "content": None,
               "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}}]}
    store.put("k", Generation(output=message, latency_ms=3.5, ttft_ms=1.0))
    assert store.get_many(["k", "missing"]) == {"k": Generation(output=message, latency_ms=3.5, ttft_ms=1.0)}


_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from harness.backends.cache import GenerationStore
    from harness.backends.base import Generation
    path, name, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    store = GenerationStore(path)
    while not go.exists():
        time.sleep(0.01)
    for i in range(300):
        store.put(f"shared-{i}", Generation(output=f"shared {i}"))
        store.put(f"{name}-{i}", Generation(output=f"{name} {i}", latency_ms=float(i)))
    store.close()
""")


class _ContendedConnection:
    """A real connection whose switch to WAL answers "database is locked", as SQLite answers the second of two
    processes opening a new store at once."""

    def __init__(self, db: sqlite3.Connection, error: str | None):
        self.db, self.error, self.closed = db, error, False

    def execute(self, sql: str, *args):
        if self.error and sql.startswith("PRAGMA journal_mode"):
            raise sqlite3.OperationalError(self.error)
        return self.db.execute(sql, *args)

    def close(self) -> None:
        self.closed = True
        self.db.close()


def _contended_connect(monkeypatch, errors: list[str | None]) -> list[_ContendedConnection]:
    """Patch sqlite3.connect so the n-th connection fails its WAL switch with errors[n] (None: it works)."""
    made: list[_ContendedConnection] = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        error = errors[len(made)] if len(made) < len(errors) else None
        made.append(_ContendedConnection(real_connect(*args, **kwargs), error))
        return made[-1]

    monkeypatch.setattr(sqlite3, "connect", connect)
    return made


def test_opening_starts_over_while_another_opener_holds_the_file(tmp_path, monkeypatch):
    made = _contended_connect(monkeypatch, ["database is locked", "database is locked"])
    with GenerationStore(tmp_path / CACHE_FILE) as store:
        store.put("k", Generation(output="kept"))
        assert store.get_many(["k"])["k"].output == "kept"
    assert len(made) == 3 and made[0].closed and made[1].closed


def test_opening_gives_up_on_a_lock_held_past_the_open_timeout(tmp_path, monkeypatch):
    made = _contended_connect(monkeypatch, ["database is locked"] * 1000)
    monkeypatch.setattr(GenerationStore, "open_timeout_s", 0.2)
    with pytest.raises(HarnessInputError, match="cannot open the generation cache: database is locked"):
        GenerationStore(tmp_path / CACHE_FILE)
    assert 2 <= len(made) < 1000 and all(connection.closed for connection in made)


def test_opening_does_not_retry_an_error_that_is_not_lock_contention(tmp_path, monkeypatch):
    made = _contended_connect(monkeypatch, ["disk I/O error"])
    with pytest.raises(HarnessInputError, match="disk I/O error"):
        GenerationStore(tmp_path / CACHE_FILE)
    assert len(made) == 1 and made[0].closed


def test_two_processes_writing_at_once_do_not_corrupt_the_store(tmp_path):
    path, go = tmp_path / CACHE_FILE, tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name, str(go)], cwd=REPO)
               for name in ("p1", "p2")]
    go.touch()
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with GenerationStore(path) as store:
        assert len(store) == 900
        keys = [f"{name}-{i}" for name in ("p1", "p2", "shared") for i in range(300)]
        found = store.get_many(keys)
        assert len(found) == 900 and found["p2-299"].output == "p2 299" and found["shared-5"].output == "shared 5"
