"""evaluate module `relevance_f1`: does the model call a tool exactly when one is needed? Accuracy and F1.

Same keys as GLUE MRPC's metric. Loads offline: `harness.integrations.evaluate.load_metric("relevance_f1")`.
"""
import evaluate

from harness.integrations.evaluate import INPUTS_DESCRIPTION, aggregates, metric_info

_DESCRIPTION = """
Relevance detection as binary classification, reported as GLUE MRPC reports it (accuracy and F1
of the positive class). Positive: the case expects at least one call. Predicted positive: at least
one call was parsed from the output (plain text or an unparseable output predicts "no call").
Zero denominators score 0.0, as scikit-learn does with zero_division=0.
"""

_KWARGS_DESCRIPTION = INPUTS_DESCRIPTION + """
Returns:
    accuracy: fraction of cases classified right.
    f1: F1 of the positive class, 2TP / (2TP + FP + FN).
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class RelevanceF1(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references):
        scores = aggregates(predictions, references)
        return {"accuracy": scores["relevance_accuracy"], "f1": scores["relevance_f1"]}
