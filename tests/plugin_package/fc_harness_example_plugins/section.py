"""A report section: per candidate, how many cases got more calls than expected (from the plugin metric)."""
import pandas as pd

from harness.report.section import ReportInputs, Section, SectionPlugin
from harness.results.frame import metric_column


def extra_calls(inputs: ReportInputs) -> Section:
    within = inputs.frame.groupby("candidate", sort=False)[metric_column("no_extra_calls")].agg(
        lambda values: int((values == False).sum()))  # noqa: E712 (None: a record from before the metric)
    table = pd.DataFrame({"candidate": inputs.order, "cases with extra calls": [within[name] for name in inputs.order]})
    return Section("extra_calls", "Extra calls", table, notes=("A case has extra calls when the model made more "
                                                               "calls than the case expects.",),
                   data={"extra_calls": table}, csv={"extra_calls.csv": table})


EXTRA_CALLS = SectionPlugin("extra_calls", 80, extra_calls)
