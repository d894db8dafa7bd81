"""evaluate module `schema_validity`: fraction of cases whose every call validates against its tool's schema.

Also the per-call rate. Loads offline: `evaluate.load(harness.integrations.evaluate.metric_path("schema_validity"))`.
"""
import evaluate

from harness.integrations.evaluate import INPUTS_DESCRIPTION, aggregates, metric_info

_DESCRIPTION = """
Schema validity of function calls: a case is valid when its output parses and every call it makes
names an offered tool and has arguments that validate against that tool's JSON Schema (draft
2020-12, jsonschema). A case with no call is valid; an unparseable output is not.
`schema_validity_per_call` is valid calls / all parsed calls.
"""

_KWARGS_DESCRIPTION = INPUTS_DESCRIPTION + """
Returns:
    schema_validity: fraction of cases that are schema-valid (None for no cases).
    schema_validity_per_call: fraction of parsed calls that are schema-valid (None when no call was parsed).
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class SchemaValidity(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references):
        scores = aggregates(predictions, references)
        return {key: scores[key] for key in ("schema_validity", "schema_validity_per_call")}
