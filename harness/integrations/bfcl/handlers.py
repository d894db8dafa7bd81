"""Which decoder and name mapping reproduce BFCL's handling of a model, from the model's name alone.

BFCL picks a model handler per model (`bfcl_eval/constants/model_config.py`); its published prompt-mode scores
depend on that handler's decoding, and function-calling APIs that forbid `.` in names get BFCL's
`underscore_to_dot`. These rules, learned from that table, name our equivalent; a name they do not know gets
BFCL's default prompt decoding, or its function-calling decoding when it ends in `-FC`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class HandlerStyle:
    """How to read one model's BFCL results: the decoder and the name mapping."""

    decoder: str
    names: str
    rule: str  # which rule matched, for the printed summary


#: (pattern on the model name, decoder, names), first match wins. Names come as BFCL writes result folders:
#: `org_model` (a `/` becomes `_`) or a bare API model name.
_RULES: tuple[tuple[str, str, str], ...] = (
    (r"raven|nexusflow", "bfcl_raven", "exact"),
    (r"hermes", "bfcl_hermes", "exact"),
    (r"gorilla-openfunctions", "bfcl_gorilla", "exact"),
    (r"granite-20b-functioncalling", "bfcl_granite", "underscore_to_dot"),
    (r"thudm_glm|glm-4-9b", "bfcl_glm", "underscore_to_dot"),
    (r"deepseek-coder", "bfcl_deepseek", "exact"),
    (r"dbrx", "bfcl_databricks", "exact"),
    (r"xlam", "bfcl_xlam", "exact"),
    (r"functionary", "bfcl_functionary", "underscore_to_dot"),
    (r"llama-3\.1.*-fc$", "bfcl_llama", "exact"),
    (r"^qwen_.*-fc$", "bfcl_qwen", "exact"),
    (r"firefunction", "bfcl_fc", "exact"),
    (r"-fc(-|$)", "bfcl_fc", "underscore_to_dot"),
    (r"gemini", "bfcl_gemini", "exact"),
    (r"gemma", "bfcl_gemma", "exact"),
    (r"mistral|mixtral", "bfcl_mistral", "exact"),
)


def handler_style(model_name: str) -> HandlerStyle:
    """The decoder and name mapping BFCL's handler for `model_name` corresponds to."""
    lowered = model_name.lower()
    for pattern, decoder, names in _RULES:
        if re.search(pattern, lowered):
            return HandlerStyle(decoder, names, pattern)
    return HandlerStyle("bfcl_prompt", "exact", "default")
