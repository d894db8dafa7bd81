"""The `openai` backend against a real OpenAI-compatible server: `transformers serve` (from
`transformers[serving]`, installed with the test extras) serving the embedded tiny model on loopback.

`transformers serve` parses tool calls out of the generated text only for the model families it knows (Qwen,
Gemma); for the tiny (Llama-style) model it returns the raw text. So the comparison is in `prompt` mode,
where the harness renders the tools into the messages itself: greedy decoding of the same messages by the
same weights must give the `hf` backend's outputs, case for case. `native` mode is checked to send the tools
and come back with answers and no errors.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from harness.backends.embedded.tiny import tiny_folder
from harness.cli import main
from harness.errors import ErrorKind
from tests.suite_files import WEATHER_TOOL, weather_case, write_jsonl

STARTUP_S = 180
MAX_NEW_TOKENS = 24


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served_model():
    """`transformers serve` on a free loopback port, the tiny model preloaded; stopped afterwards."""
    folder = tiny_folder()
    port = _free_port()
    serve = Path(sys.executable).with_name("transformers")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    server = subprocess.Popen([str(serve), "serve", "--host", "127.0.0.1", "--port", str(port), str(folder)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert server.poll() is None, server.stdout.read().decode(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                    if json.loads(answer.read()).get("status") == "ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "transformers serve did not come up"
            time.sleep(0.5)
        yield f"{base}/v1", str(folder)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _suite(root: Path, base_url: str, model: str) -> Path:
    cities = ["Paris", "Oslo", "Rome", "Lima", "Kyiv", "Cairo"]
    write_jsonl(root / "data" / "test.jsonl", [weather_case(f"c{i}", city) for i, city in enumerate(cities)]
                + [{"id": "none", "category": "irrelevance", "messages": [{"role": "user", "content": "Hello!"}],
                    "tools": [WEATHER_TOOL], "expected": []}])
    generation = f"generation: {{max_new_tokens: {MAX_NEW_TOKENS}, batch_size: 1}}"
    endpoint = f"endpoint: {{base_url: '{base_url}', api_key_env: null, tool_mode: %s, concurrency: 2}}"
    (root / "suite.yaml").write_text(
        "name: real-server\nversion: 1\ndata: {test: data/test.jsonl}\ncandidates:\n"
        f"  - {{name: local, model: tiny, {generation}}}\n"
        f"  - {{name: served-prompt, backend: openai, model: '{model}', {endpoint % 'prompt'}, {generation}}}\n"
        f"  - {{name: served-native, backend: openai, model: '{model}', {endpoint % 'native'}, {generation}}}\n")
    return root / "suite.yaml"


@pytest.fixture(scope="module")
def results(served_model, tmp_path_factory):
    base_url, model = served_model
    root = tmp_path_factory.mktemp("real-server")
    suite = _suite(root, base_url, model)
    assert main(["run", str(suite), "--out", str(root / "out"), "-q", "--no-cache"]) == 0
    data = json.loads((root / "out" / "results.json").read_text())
    by_candidate: dict[str, dict[str, dict]] = {}
    for record in data["records"]:
        by_candidate.setdefault(record["candidate"], {})[record["case_id"]] = record
    return by_candidate


def _backend_error(record: dict) -> bool:
    """The tiny model's text fails scoring; what must not happen is the server failing to answer."""
    return record["error_type"] is not None and ErrorKind(record["error_type"]).stage == "backend"


def test_prompt_mode_through_the_server_equals_the_local_backend(results):
    local, served = results["local"], results["served-prompt"]
    assert set(local) == set(served) and len(local) == 7
    assert not [record for record in served.values() if _backend_error(record)]
    assert {case: record["output"] for case, record in served.items()} == \
           {case: record["output"] for case, record in local.items()}
    # The server counted the same prompt the local tokenizer did.
    assert [served[c]["input_tokens"] for c in sorted(served)] == [local[c]["input_tokens"] for c in sorted(local)]
    assert all(0 < record["output_tokens"] <= MAX_NEW_TOKENS for record in served.values())


def test_native_mode_sends_the_tools_and_gets_answers(results):
    native = results["served-native"]
    assert len(native) == 7
    assert not [record for record in native.values() if _backend_error(record)]
    assert all(isinstance(record["output"], dict) and record["output"]["role"] == "assistant"
               and record["latency_ms"] > 0 for record in native.values())
