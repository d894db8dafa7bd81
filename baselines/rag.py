"""Retrieval-augmented prompting: the top-k solved examples and/or the top-k tools of the suite's tool library.

Retrieval ranks by the case's last user message with BM25 or MiniLM; with `tools`, only the retrieved tools are offered.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from baselines.few_shot import ExamplePool, prompt_messages, suite_requests
from baselines.retrieval import Retriever, make_retriever, prepare_queries, tool_search_text
from harness.backends.base import Prompt
from harness.suite.cases import Case, Tool
from harness.suite.example_bank import last_user_text, suite_example_bank

if TYPE_CHECKING:
    from harness.suite.candidate import CandidateSpec
    from harness.suite.load import Suite


class RagOptions(BaseModel):
    """The candidate keys retrieval-augmented prompting reads."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: How many examples (and / or tools) to retrieve.
    k: int = Field(3, ge=0, le=64)
    #: How similarity is measured.
    retriever: Literal["bm25", "minilm"] = "bm25"
    #: Retrieve solved examples, the relevant tools from the suite's tool library, or both.
    retrieve: Literal["examples", "tools", "both"] = "examples"


class RagStrategy:
    """`retrieve`: `examples` (like few-shot `similar`), `tools`, or `both`; `k` counts each.

    With tool retrieval the prompt offers the k retrieved tools instead of the case's own, as a real system
    over a large library would: a request whose tool is not retrieved cannot be served, and that miss is
    part of what the candidate is measured on. The strategy never looks at a case's expected calls, so an
    irrelevance case whose request a library tool *can* serve (a near miss that withholds the right tool)
    still expects no call: retrieving that tool makes the case fail. Read tool retrieval on the categories
    that expect calls, or give such suites a library without the withheld tools.
    """

    Options = RagOptions

    def __init__(self, candidate: CandidateSpec, suite: Suite, options: RagOptions):
        self.k = options.k
        wants_examples, wants_tools = options.retrieve in ("examples", "both"), options.retrieve in ("tools", "both")
        bank, self.library = self.check(suite, candidate, options)
        prepare_queries(options.retriever, suite_requests(suite))
        self.examples = ExamplePool(bank, options.retriever) if wants_examples and self.k else None
        # The library is indexed / embedded once here; each case then costs one query.
        self.tool_retriever: Retriever | None = (
            make_retriever(options.retriever, [tool_search_text(t) for t in self.library]) if wants_tools else None)

    @classmethod
    def check(cls, suite: Suite, candidate: CandidateSpec, options: RagOptions) -> tuple[tuple, tuple[Tool, ...]]:
        """The example bank and tool library it retrieves from, checked to hold k of each (no embedding yet)."""
        purpose = f"rag with retrieve: {options.retrieve}"
        bank = suite_example_bank(suite, candidate, options.k, purpose) if options.retrieve != "tools" else ()
        library = _tool_library(suite, candidate, options.k) if options.retrieve != "examples" else ()
        return bank, library

    def tools_for(self, case: Case) -> tuple[Tool, ...]:
        if self.tool_retriever is None:
            return case.tools
        return tuple(self.library[i] for i in self.tool_retriever.top_k(last_user_text(case.messages), self.k))

    def build_prompt(self, case: Case) -> Prompt:
        examples = self.examples.similar(case, self.k) if self.examples is not None else []
        return Prompt(case_id=case.id, messages=prompt_messages(case, examples), tools=self.tools_for(case))


def _tool_library(suite: Suite, candidate: CandidateSpec, k: int) -> tuple[Tool, ...]:
    """The suite's tool library in file order, checked to hold at least k tools."""
    if not suite.tool_library:
        raise suite.field_error(("data", "tools"), "rag tool retrieval needs a tool library, and none is declared",
                                hint="add `tools: path/to/tools.json` under data")
    library = tuple(suite.tool_library.values())
    if not 1 <= k <= len(library):
        raise suite.field_error(suite.candidate_location(candidate, "k"),
                                f"k={k} tools asked for, but the tool library holds {len(library)}",
                                hint=f"use a k from 1 to {len(library)}")
    return library
