"""evaluate module `call_f1`: call-level and argument-level micro precision / recall / F1.

Loads offline: `evaluate.load(harness.integrations.evaluate.metric_path("call_f1"))`; `mode` is a compute kwarg.
"""
import evaluate

from harness.integrations.evaluate import INPUTS_DESCRIPTION, aggregates, metric_info

_DESCRIPTION = """
Call-level and argument-level micro precision, recall and F1 over all cases: a predicted call is a
true positive when it matches an expected call; counts are summed over cases before the rates are
taken. An unparseable output predicts no call. Empty denominators follow `PRFCounts`.
"""

_KWARGS_DESCRIPTION = INPUTS_DESCRIPTION + """
    mode: "strict" (default) or "bfcl", as for tool_call_accuracy.
Returns:
    call_precision, call_recall, call_f1, argument_precision, argument_recall, argument_f1.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class CallF1(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, mode="strict"):
        scores = aggregates(predictions, references, mode)
        return {key: scores[key] for key in ("call_precision", "call_recall", "call_f1", "argument_precision",
                                             "argument_recall", "argument_f1")}
