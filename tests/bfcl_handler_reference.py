"""BFCL's own model-handler decoders, run from a bfcl-eval wheel in a child process: the reference for our
`bfcl_*` decoders.

Run as `python tests/bfcl_handler_reference.py WHEEL`: reads a pickled list of (handler, output) pairs on
stdin and writes, for each, `("ok", decoded)` or `("error", message)` as a pickle on stdout. A child process
per wheel keeps two BFCL releases (and the stand-ins for the API clients their handler modules import)
out of the test process. The handlers never see a network: only their `decode_ast` is called, on an
instance made without running `__init__`.
"""
from __future__ import annotations

import importlib
import pickle
import sys
import types

#: handler name -> (module, class or function name, instance attributes, wheel era). The era decides the
#: `decode_ast` signature: 2025.6.8 takes (result, language="Python"), 2026.3.23 (result, language, tag).
HANDLERS: dict[str, tuple[str, str, dict]] = {
    "default": ("bfcl_eval.model_handler.utils", "default_decode_ast_prompting", {}),
    "openai_fc": ("bfcl_eval.model_handler.api_inference.openai_completion", "OpenAICompletionsHandler",
                  {"is_fc_model": True, "model_name": "gpt-4o-2024-11-20-FC"}),
    "openai_prompt": ("bfcl_eval.model_handler.api_inference.openai_completion", "OpenAICompletionsHandler",
                      {"is_fc_model": False, "model_name": "gpt-4o-2024-11-20"}),
    "gemini_fc": ("bfcl_eval.model_handler.api_inference.gemini", "GeminiHandler",
                  {"is_fc_model": True, "model_name": "gemini-2.0-flash-001-FC"}),
    "gemini_prompt": ("bfcl_eval.model_handler.api_inference.gemini", "GeminiHandler",
                      {"is_fc_model": False, "model_name": "gemini-2.0-flash-001"}),
    "nexus": ("bfcl_eval.model_handler.api_inference.nexus", "NexusHandler", {"is_fc_model": False}),
    "gorilla": ("bfcl_eval.model_handler.api_inference.gorilla", "GorillaHandler", {"is_fc_model": False}),
    "glm": ("bfcl_eval.model_handler.local_inference.glm", "GLMHandler", {"is_fc_model": False}),
    "granite": ("bfcl_eval.model_handler.local_inference.granite", "GraniteFunctionCallingHandler",
                {"is_fc_model": False}),
    "llama_3_1": ("bfcl_eval.model_handler.local_inference.llama_3_1", "LlamaHandler_3_1", {"is_fc_model": True}),
    "salesforce": ("bfcl_eval.model_handler.local_inference.salesforce_llama", "SalesforceLlamaHandler",
                   {"is_fc_model": True}),
    "qwen_fc": ("bfcl_eval.model_handler.local_inference.qwen_fc", "QwenFCHandler", {"is_fc_model": True}),
    "gemma": ("bfcl_eval.model_handler.local_inference.gemma", "GemmaHandler", {"is_fc_model": False}),
    # Only in bfcl-eval 2025.6.8:
    "hermes": ("bfcl_eval.model_handler.local_inference.hermes", "HermesHandler", {"is_fc_model": False}),
    "deepseek": ("bfcl_eval.model_handler.local_inference.deepseek", "DeepseekHandler", {"is_fc_model": False}),
    "databricks": ("bfcl_eval.model_handler.api_inference.databricks", "DatabricksHandler",
                   {"is_fc_model": False, "model_name": "databricks-dbrx-instruct"}),
    "mistral_prompt": ("bfcl_eval.model_handler.api_inference.mistral", "MistralHandler",
                       {"is_fc_model": False, "model_name": "mistral-large-2407"}),
}


class _StandIn(types.ModuleType):
    """A module that has every attribute: a class that accepts anything, for API clients never used here."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        stand_in = type(name, (), {"__init__": lambda self, *a, **k: None,
                                   "__call__": lambda self, *a, **k: self,
                                   "__getattr__": lambda self, attribute: (lambda *a, **k: self),
                                   "__class_getitem__": classmethod(lambda cls, item: cls)})
        setattr(self, name, stand_in)
        return stand_in


def _import_with_stand_ins(module_name: str):
    """Import `module_name`, giving every package it lacks (anthropic, google.genai, vllm, ...) a stand-in."""
    for _ in range(50):
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if not missing or missing.startswith("bfcl_eval") or missing in sys.modules:
                raise
            parts = missing.split(".")
            for depth in range(1, len(parts) + 1):
                name = ".".join(parts[:depth])
                if name not in sys.modules:
                    stand_in = _StandIn(name)
                    stand_in.__path__ = []
                    sys.modules[name] = stand_in
                    if depth > 1:
                        setattr(sys.modules[".".join(parts[:depth - 1])], parts[depth - 1], stand_in)
            for name in [key for key in sys.modules if key.startswith("bfcl_eval") and key != "bfcl_eval"]:
                if sys.modules[name] is None or not hasattr(sys.modules[name], "__file__"):
                    del sys.modules[name]
    raise ImportError(f"could not import {module_name}")


def _overrides_stand_in() -> None:
    """`overrides` decorates every handler; its real package may be absent here."""
    module = types.ModuleType("overrides")
    module.override = module.final = lambda function: function
    module.EnforceOverrides = type("EnforceOverrides", (), {})
    sys.modules.setdefault("overrides", module)


def _decoder(handler: str):
    module_name, attribute, fields = HANDLERS[handler]
    module = _import_with_stand_ins(module_name)
    target = getattr(module, attribute)
    if isinstance(target, type):
        instance = object.__new__(target)
        for key, value in fields.items():
            setattr(instance, key, value)
        return instance.decode_ast
    return target


def _python_language():
    try:
        from bfcl_eval.constants.enums import ReturnFormat
    except ImportError:  # 2025.6.8 names languages with strings
        return None
    return ReturnFormat.PYTHON


#: Java and JavaScript parsers BFCL builds at import time; Python answers never reach them.
_NEVER_USED = ("tree_sitter", "tree_sitter_java", "tree_sitter_javascript")


def main(wheel: str, repeat: int = 0) -> None:
    """`wheel` is a bfcl-eval wheel; BFCL_PROJECT_ROOT must name a writable scratch folder (BFCL creates its
    result folders there on import). With `repeat` > 0 it answers instead the best seconds of `repeat` passes
    over all requests (decoding only), for the speed benchmark."""
    sys.path.insert(0, wheel)
    _overrides_stand_in()
    for name in _NEVER_USED:
        sys.modules[name] = _StandIn(name)
    requests = pickle.load(sys.stdin.buffer)
    language = _python_language()
    decoders = {handler: _decoder(handler) for handler in {handler for handler, _ in requests}}

    def decode_all() -> list:
        answers = []
        for handler, output in requests:
            decode = decoders[handler]
            try:
                decoded = decode(output, language, False) if language is not None else decode(output, "Python")
                answers.append(("ok", decoded))
            except Exception as exc:  # noqa: BLE001 - BFCL's eval runner counts any exception as a decode failure
                answers.append(("error", f"{type(exc).__name__}: {exc}"[:300]))
        return answers

    if repeat:
        import copy
        import time
        timings = []
        for _ in range(repeat):
            inputs = copy.deepcopy(requests)  # handlers may change what they read
            started = time.perf_counter()
            requests[:] = inputs
            decode_all()
            timings.append(time.perf_counter() - started)
        pickle.dump(min(timings), sys.stdout.buffer)
        return
    pickle.dump(decode_all(), sys.stdout.buffer)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
