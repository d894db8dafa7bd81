"""A real OpenAI-style chat-completions server on loopback, so backend tests go through actual HTTP.

Each request is answered by a `responder(body) -> Reply`; the server records what it got and how many overlapped.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping

PATH = "/v1/chat/completions"


@dataclass
class Reply:
    """What to answer: a JSON body with a status, after an optional delay."""

    status: int = 200
    body: Any = None
    delay_s: float = 0.0
    #: Streaming only: the pause before each chunk (a slow, trickling server).
    chunk_delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    headers: Mapping[str, str]
    body: Mapping[str, Any]


Responder = Callable[[Mapping[str, Any]], Reply]


def completion(message: Mapping[str, Any], usage: tuple[int, int] | None = (11, 5)) -> dict:
    body: dict[str, Any] = {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "m",
                            "choices": [{"index": 0, "message": dict(message), "finish_reason": "stop"}]}
    if usage is not None:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                         "total_tokens": usage[0] + usage[1]}
    return body


def text_reply(text: str, delay_s: float = 0.0, usage: tuple[int, int] | None = (11, 5)) -> Reply:
    return Reply(body=completion({"role": "assistant", "content": text}, usage), delay_s=delay_s)


def tool_calls_reply(*calls: tuple[str, Mapping[str, Any]]) -> Reply:
    tool_calls = [{"id": f"call_{i}", "type": "function",
                   "function": {"name": name, "arguments": json.dumps(arguments)}}
                  for i, (name, arguments) in enumerate(calls)]
    return Reply(body=completion({"role": "assistant", "content": None, "tool_calls": tool_calls}))


def error_reply(status: int, message: str = "failed") -> Reply:
    # retry-after-ms keeps the SDK's backoff to a millisecond, so retry tests stay fast.
    return Reply(status=status, body={"error": {"message": message, "type": "test"}},
                 headers={"retry-after-ms": "1"})


def last_user_text(body: Mapping[str, Any]) -> str:
    return next((m.get("content") or "" for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")


def echo(body: Mapping[str, Any]) -> Reply:
    return text_reply(f"echo: {last_user_text(body)}")


def in_sequence(*replies: Reply) -> Responder:
    """Answers with the replies in order, then repeats the last one."""
    lock, count = threading.Lock(), [0]

    def respond(body: Mapping[str, Any]) -> Reply:
        with lock:
            index = min(count[0], len(replies) - 1)
            count[0] += 1
        return replies[index]
    return respond


class ChatServer:
    """`with ChatServer(responder) as server:` serves on `server.url` (a base_url ending in /v1)."""

    def __init__(self, responder: Responder = echo):
        self.responder = responder
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # wakes handlers sleeping out a delay, so shutdown is quick
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        # A short poll keeps shutdown (once per test) quick.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "ChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def enter(self, received: Received) -> None:
        with self.lock:
            self.received.append(received)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


def _handler_for(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path != PATH:
                self._send(Reply(status=404, body={"error": {"message": f"no route {self.path}"}}))
                return
            server.enter(Received(headers={k.lower(): v for k, v in self.headers.items()}, body=body))
            try:
                reply = server.responder(body)
                if reply.delay_s:
                    server.stopping.wait(reply.delay_s)
                if body.get("stream") and reply.status == 200:
                    self._send_stream(reply, bool((body.get("stream_options") or {}).get("include_usage")))
                else:
                    self._send(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer
            finally:
                server.leave()

        def _send(self, reply: Reply) -> None:
            data = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _send_stream(self, reply: Reply, include_usage: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for chunk in stream_chunks(reply.body, include_usage):
                if reply.chunk_delay_s and server.stopping.wait(reply.chunk_delay_s):
                    return
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


def stream_chunks(body: Mapping[str, Any], include_usage: bool) -> list[dict]:
    """A completion as the chunks a streaming server sends: content and call arguments cut in two pieces."""
    message = body["choices"][0]["message"]
    deltas: list[dict] = [{"role": "assistant"}]
    content = message.get("content") or ""
    if content:
        deltas += [{"content": content[: len(content) // 2]}, {"content": content[len(content) // 2:]}]
    for index, call in enumerate(message.get("tool_calls") or []):
        arguments = call["function"]["arguments"]
        half = len(arguments) // 2
        deltas.append({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                       "function": {"name": call["function"]["name"], "arguments": arguments[:half]}}]})
        deltas.append({"tool_calls": [{"index": index, "function": {"arguments": arguments[half:]}}]})
    chunks = [_chunk({"index": 0, "delta": delta, "finish_reason": None}) for delta in deltas]
    chunks.append(_chunk({"index": 0, "delta": {}, "finish_reason": "stop"}))
    if include_usage and body.get("usage"):
        chunks.append(_chunk(None, usage=body["usage"]))
    return chunks


def _chunk(choice: dict | None, usage: dict | None = None) -> dict:
    chunk: dict[str, Any] = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": "m",
                             "choices": [choice] if choice else []}
    if usage is not None:
        chunk["usage"] = usage
    return chunk
