"""The openai backend against a real loopback HTTP server: native and prompt tool modes, streaming, retries,
timeouts, run-level auth/model errors, concurrency bound, prompt order, and the key kept out of everything."""
import json
import socket
import threading
import time

import pytest

from harness.backends.base import GenerationSpec, Prompt, backend_plugin
from harness.backends.openai_backend import (ENDPOINT_ERROR, PLACEHOLDER_KEY, TIMEOUT, EndpointSpec, OpenAIBackend,
                                             wire_messages)
from harness.backends.prompt_format import text_chat
from harness.errors import HarnessInputError
from harness.parsing import parse_tool_calls
from harness.suite.candidate import CandidateSpec
from harness.suite.cases import Tool, ToolCall
from tests.models.chat_server import (ChatServer, Reply, error_reply, in_sequence, last_user_text, text_reply,
                                      tool_calls_reply)

KEY_ENV = "HARNESS_TEST_OPENAI_KEY"
SECRET = "sk-test-5ecret-do-not-leak"
WEATHER = Tool(name="get_weather", description="Weather now.",
               parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)


@pytest.fixture
def server():
    with ChatServer() as running:
        yield running


def _candidate(url, *, latency_mode="batched", **endpoint):
    settings = {"api_key_env": KEY_ENV, "timeout_s": 5.0, "max_retries": 0} | endpoint
    return CandidateSpec(name="c", backend="openai", model="served-model",
                         endpoint=EndpointSpec(base_url=url, **settings),
                         generation=GenerationSpec(max_new_tokens=32, latency_mode=latency_mode))


def _prompts(*texts, tools=(WEATHER,)):
    return [Prompt(case_id=f"case-{i}", messages=({"role": "user", "content": text},), tools=tools)
            for i, text in enumerate(texts)]


def _run(server, prompts, **candidate):
    return list(OpenAIBackend(_candidate(server.url, **candidate)).generate(prompts))


def _text(generation):
    """The answer's text, native mode (a message dict) or prompt mode (a string)."""
    output = generation.output
    return output.get("content") if isinstance(output, dict) else output


def test_native_mode_sends_tools_and_returns_a_parseable_assistant_message(server):
    server.responder = lambda body: tool_calls_reply(("get_weather", {"city": "Paris"}),
                                                     ("get_weather", {"city": "Oslo"}))
    (generation,) = _run(server, _prompts("weather in Paris and Oslo?"))
    assert generation.error is None
    assert parse_tool_calls(generation.output) == [ToolCall("get_weather", {"city": "Paris"}),
                                                   ToolCall("get_weather", {"city": "Oslo"})]
    assert (generation.input_tokens, generation.output_tokens, generation.ttft_ms) == (11, 5, None)
    assert generation.latency_ms > 0
    (request,) = server.received
    assert request.body["tools"] == [WEATHER.to_json()]
    assert request.body["messages"] == [{"role": "user", "content": "weather in Paris and Oslo?"}]
    assert (request.body["model"], request.body["temperature"], request.body["max_tokens"]) == ("served-model", 0, 32)
    assert request.headers["authorization"] == f"Bearer {SECRET}"


def test_prompt_mode_sends_the_text_chat_without_tools_and_returns_the_text(server):
    answer = '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>'
    server.responder = lambda body: text_reply(answer)
    prompts = _prompts("weather in Paris?")
    (generation,) = _run(server, prompts, tool_mode="prompt")
    assert generation.output == answer
    assert parse_tool_calls(generation.output) == [ToolCall("get_weather", {"city": "Paris"})]
    (request,) = server.received
    assert "tools" not in request.body
    assert request.body["messages"] == text_chat(prompts[0].messages, prompts[0].tools)


def test_per_request_mode_streams_and_reports_time_to_first_token(server):
    server.responder = lambda body: tool_calls_reply(("get_weather", {"city": "Paris"}))
    (generation,) = _run(server, _prompts("weather in Paris?"), latency_mode="per_request")
    assert parse_tool_calls(generation.output) == [ToolCall("get_weather", {"city": "Paris"})]
    assert 0 < generation.ttft_ms <= generation.latency_ms
    assert (generation.input_tokens, generation.output_tokens) == (11, 5)
    assert server.received[0].body["stream"] is True

    server.responder = lambda body: text_reply("plain answer", usage=None)
    (text,) = _run(server, _prompts("hi"), latency_mode="per_request", tool_mode="prompt")
    assert (text.output, text.input_tokens, text.output_tokens) == ("plain answer", None, None)


def test_a_timeout_is_a_per_case_error_and_the_other_cases_succeed(server):
    server.responder = lambda body: text_reply("late" if last_user_text(body) == "slow" else "ok",
                                               delay_s=5 if last_user_text(body) == "slow" else 0)
    generations = _run(server, _prompts("a", "slow", "c"), timeout_s=0.3)
    assert [_text(g) for g in generations] == ["ok", None, "ok"]
    assert generations[1].error_type == TIMEOUT and "timeout_s=0.3" in generations[1].error
    assert "\n" not in generations[1].error


def test_a_trickling_stream_is_cut_off_at_the_total_timeout(server):
    # Each chunk arrives well within the per-read timeout, but the whole answer would take far longer.
    server.responder = lambda body: Reply(body=text_reply("a long answer").body, chunk_delay_s=0.1)
    (generation,) = _run(server, _prompts("a"), latency_mode="per_request", timeout_s=0.25)
    assert generation.error_type == TIMEOUT and generation.output is None
    assert generation.latency_ms < 1000


def test_a_server_error_is_retried_and_then_succeeds(server):
    server.responder = in_sequence(error_reply(500), text_reply("ok"))
    (generation,) = _run(server, _prompts("a"), max_retries=2)
    assert (_text(generation), generation.error) == ("ok", None)
    assert len(server.received) == 2


def test_errors_past_the_retries_are_per_case_and_never_show_the_key(server):
    # A server that echoes the Authorization header in its error body must not leak the key into results.
    server.responder = in_sequence(error_reply(503, f"overloaded\nfor Bearer {SECRET}"), error_reply(503),
                                   text_reply("ok"))
    first, second = _run(server, _prompts("a", "b"), max_retries=1, concurrency=1)
    assert first.error_type == ENDPOINT_ERROR and "HTTP 503" in first.error
    assert SECRET not in first.error and "\n" not in first.error
    assert _text(second) == "ok"
    assert len(server.received) == 3


def test_a_bad_request_on_one_case_does_not_stop_the_run(server):
    server.responder = lambda body: (error_reply(400, "prompt longer than the context")
                                     if last_user_text(body) == "long" else text_reply("ok"))
    generations = _run(server, _prompts("long", "short"))
    assert generations[0].error_type == ENDPOINT_ERROR and "context" in generations[0].error
    assert _text(generations[1]) == "ok"


def test_an_unreadable_answer_is_a_per_case_error(server):
    server.responder = lambda body: Reply(body={"object": "chat.completion"})
    (generation,) = _run(server, _prompts("a"))
    assert generation.error_type == ENDPOINT_ERROR and "choices" in generation.error


def test_connection_refused_is_a_per_case_error():
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = OpenAIBackend(_candidate(f"http://127.0.0.1:{port}/v1"))
    (generation,) = backend.generate(_prompts("a"))
    assert generation.error_type == ENDPOINT_ERROR and f"127.0.0.1:{port}" in generation.error


def test_a_missing_key_variable_fails_when_the_backend_is_built(server, monkeypatch):
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(HarnessInputError) as info:
        backend_plugin("openai").from_candidate(_candidate(server.url), None)
    assert info.value.field == "endpoint.api_key_env" and KEY_ENV in str(info.value)
    assert "\n" not in str(info.value)
    assert server.received == []


def test_no_key_variable_sends_a_placeholder_key(server):
    _run(server, _prompts("a"), api_key_env=None)
    assert server.received[0].headers["authorization"] == f"Bearer {PLACEHOLDER_KEY}"


def test_a_refused_key_stops_the_run_naming_the_key_variable(server):
    server.responder = lambda body: error_reply(401, f"invalid key {SECRET}")
    with pytest.raises(HarnessInputError) as info:
        _run(server, _prompts("a", "b", "c", "d"), concurrency=1)
    assert info.value.field == "endpoint.api_key_env" and KEY_ENV in str(info.value)
    assert SECRET not in str(info.value)
    assert len(server.received) == 1  # no further request once the key is known to be bad


def test_an_unknown_model_stops_the_run_naming_the_model(server):
    server.responder = lambda body: error_reply(404, "The model `served-model` does not exist.")
    with pytest.raises(HarnessInputError) as info:
        _run(server, _prompts("a", "b"), concurrency=1)
    assert info.value.field == "model" and "served-model" in str(info.value)


def test_concurrency_is_bounded_and_generations_come_in_prompt_order(server):
    # Earlier prompts answer later, so finishing order is the reverse of prompt order.
    texts = [f"q{i}" for i in range(8)]
    server.responder = lambda body: text_reply(f"echo: {last_user_text(body)}",
                                               delay_s=0.02 * (8 - int(last_user_text(body)[1:])))
    generations = _run(server, _prompts(*texts), concurrency=3)
    assert [_text(g) for g in generations] == [f"echo: {text}" for text in texts]
    assert server.max_in_flight == 3


def test_a_generation_is_yielded_while_later_prompts_are_still_running(server):
    release = threading.Event()

    def respond(body):
        if last_user_text(body) == "slow":
            release.wait(5)  # held until the first generation has been taken
        return text_reply("ok")
    server.responder = respond
    generations = OpenAIBackend(_candidate(server.url, concurrency=2)).generate(_prompts("fast", "slow"))
    start = time.perf_counter()
    assert _text(next(generations)) == "ok"
    assert time.perf_counter() - start < 4
    release.set()
    assert _text(next(generations)) == "ok"


def test_identity_names_what_decides_the_outputs_and_not_the_key(server):
    identity = OpenAIBackend(_candidate(server.url, tool_mode="prompt")).identity()
    assert identity == {"backend": "openai", "base_url": server.url, "model": "served-model", "tool_mode": "prompt",
                        "temperature": 0, "max_new_tokens": 32, "stream": False}
    assert SECRET not in json.dumps(identity)


def test_example_turns_are_sent_in_the_wire_shape():
    messages = wire_messages([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Rome"}}]},
        {"role": "tool", "content": "sunny"},
    ])
    call = messages[1]["tool_calls"][0]
    assert call["type"] == "function" and call["function"] == {"name": "get_weather", "arguments": '{"city": "Rome"}'}
    assert messages[2]["tool_call_id"] == call["id"]


def test_an_api_that_forbids_dots_gets_underscored_names_and_the_answer_scores(server):
    """`names: underscore_to_dot`: tools (and example calls) go out as `math_factorial`, and the candidate's
    answer in those names passes the case of `math.factorial`."""
    from harness.backends.base import Generation
    from harness.scoring.names import case_as_offered
    from harness.scoring.record import score_case
    from harness.suite.spec import ScoringSpec
    from tests.scoring.test_names import FACTORIAL, _case

    case = _case([FACTORIAL], [{"math.factorial": {"number": [5]}}])
    server.responder = lambda body: tool_calls_reply(("math_factorial", {"number": 5}))
    history = ({"role": "user", "content": "3!"},
               {"role": "assistant", "tool_calls": [{"function": {"name": "math.factorial", "arguments": {"number": 3}}}]},
               {"role": "tool", "content": "6"}, {"role": "user", "content": "5!"})
    backend = OpenAIBackend(_candidate(server.url), names="underscore_to_dot")
    (generation,) = backend.generate([Prompt(case_id="c", messages=history, tools=case.tools)])
    (request,) = server.received
    assert [tool["function"]["name"] for tool in request.body["tools"]] == ["math_factorial"]
    assert request.body["messages"][1]["tool_calls"][0]["function"]["name"] == "math_factorial"
    assert backend.identity()["names"] == "underscore_to_dot"
    scoring = ScoringSpec(names="underscore_to_dot")
    assert score_case(case, Generation(output=generation.output), "c", scoring).passed
    assert case_as_offered(case, "underscore_to_dot").tools[0].name == "math_factorial"
