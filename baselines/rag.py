"""Retrieval-augmented prompting: the top-k solved examples and/or the top-k tools of the suite's tool library.

Retrieval ranks by the case's last user message with BM25 or MiniLM; with `tools`, only the retrieved tools are offered.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from baselines.few_shot import ExamplePool, prompt_messages, suite_requests
from harness.suite.cases import Case, Tool
from harness.suite.example_bank import candidate_location, last_user_text, suite_example_bank, suite_field_error
from harness.backends.base import Prompt
from baselines.retrieval import Retriever, make_retriever, prepare_queries, tool_search_text
from harness.run.strategy import register_strategy

if TYPE_CHECKING:
    from harness.suite.spec import CandidateSpec
    from harness.suite.load import Suite


@register_strategy("rag")
class RagStrategy:
    """`candidate.retrieve`: `examples` (like few-shot `similar`), `tools`, or `both`; `candidate.k` counts each.

    With tool retrieval the prompt offers the k retrieved tools instead of the case's own, as a real system
    over a large library would: a request whose tool is not retrieved cannot be served, and that miss is
    part of what the candidate is measured on. The strategy never looks at a case's expected calls, so an
    irrelevance case whose request a library tool *can* serve (a near miss that withholds the right tool)
    still expects no call: retrieving that tool makes the case fail. Read tool retrieval on the categories
    that expect calls, or give such suites a library without the withheld tools.
    """

    def __init__(self, candidate: CandidateSpec, suite: Suite):
        self.k = candidate.k
        wants_examples = candidate.retrieve in ("examples", "both")
        wants_tools = candidate.retrieve in ("tools", "both")
        # Every input check comes before any encoding, so a bad suite fails at once.
        purpose = f"rag with retrieve: {candidate.retrieve}"
        bank = suite_example_bank(suite, candidate, purpose) if wants_examples else ()
        self.library: tuple[Tool, ...] = _tool_library(suite, candidate) if wants_tools else ()
        prepare_queries(candidate.retriever, suite_requests(suite))
        self.examples = ExamplePool(bank, candidate.retriever) if wants_examples and self.k else None
        # The library is indexed / embedded once here; each case then costs one query.
        self.tool_retriever: Retriever | None = (
            make_retriever(candidate.retriever, [tool_search_text(t) for t in self.library]) if wants_tools else None)

    def tools_for(self, case: Case) -> tuple[Tool, ...]:
        if self.tool_retriever is None:
            return case.tools
        return tuple(self.library[i] for i in self.tool_retriever.top_k(last_user_text(case.messages), self.k))

    def build_prompt(self, case: Case) -> Prompt:
        examples = self.examples.similar(case, self.k) if self.examples is not None else []
        return Prompt(case_id=case.id, messages=prompt_messages(case, examples), tools=self.tools_for(case))


def _tool_library(suite: Suite, candidate: CandidateSpec) -> tuple[Tool, ...]:
    """The suite's tool library in file order, checked to hold at least k tools."""
    if not suite.tool_library:
        raise suite_field_error(suite, ("data", "tools"), "rag tool retrieval needs a tool library, and none is "
                                "declared", hint="add `tools: path/to/tools.json` under data")
    library = tuple(suite.tool_library.values())
    if not 1 <= candidate.k <= len(library):
        raise suite_field_error(suite, candidate_location(suite, candidate, "k"),
                                f"k={candidate.k} tools asked for, but the tool library holds {len(library)}",
                                hint=f"use a k from 1 to {len(library)}")
    return library
