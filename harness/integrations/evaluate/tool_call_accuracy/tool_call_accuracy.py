"""evaluate module `tool_call_accuracy`: fraction of cases whose parsed calls match the expected calls (AST).

Loads offline: `harness.integrations.evaluate.load_metric("tool_call_accuracy")`; `mode` is a compute kwarg.
"""
import evaluate

from harness.integrations.evaluate import INPUTS_DESCRIPTION, aggregates, metric_info

_DESCRIPTION = """
Tool-call accuracy (AST match): a case passes when the calls parsed from the output match the
expected calls: exact tool names, all required arguments, no argument outside schema and answer,
types and values among the acceptable ones, parallel calls in any order; a case expecting no call
passes when none is made. `mode="bfcl"` reproduces BFCL's ast_checker verdicts; `mode="strict"`
(default) matches parallel calls optimally and fails unparseable output in irrelevance cases too.
"""

_KWARGS_DESCRIPTION = INPUTS_DESCRIPTION + """
    mode: "strict" (default) or "bfcl".
Returns:
    tool_call_accuracy: fraction of cases that pass (None for no cases).
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class ToolCallAccuracy(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, mode="strict"):
        return {"tool_call_accuracy": aggregates(predictions, references, mode)["tool_call_accuracy"]}
