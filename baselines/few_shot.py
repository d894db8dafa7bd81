"""Few-shot prompting: k solved examples from the suite's example bank, shown as earlier chat turns.

Selection: `fixed` (the bank's first k), `random` (seeded per case) or `similar`; the case's own tools are offered.
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from baselines.retrieval import make_retriever, prepare_queries
from harness.backends.base import Prompt
from harness.suite.cases import Case
from harness.suite.example_bank import Example, last_user_text, request_key, suite_example_bank

if TYPE_CHECKING:
    from harness.suite.candidate import CandidateSpec
    from harness.suite.load import Suite


class ExamplePool:
    """The example bank and the ways to choose from it, shared by few-shot and RAG.

    No choice ever returns an example whose request equals the case's own (that would hand over the answer).
    """

    def __init__(self, bank: Sequence[Example], retriever: str | None = None):
        self.bank = tuple(bank)
        self._by_request: dict[str, list[int]] = {}
        for index, example in enumerate(self.bank):
            self._by_request.setdefault(request_key(example.user_text), []).append(index)
        # Built once per strategy: a MiniLM retriever embeds the whole bank here, not once per case.
        self._retriever = make_retriever(retriever, [e.user_text for e in self.bank]) if retriever else None

    def excluded(self, case: Case) -> set[int]:
        return set(self._by_request.get(request_key(last_user_text(case.messages)), ()))

    def first(self, case: Case, k: int) -> list[Example]:
        excluded = self.excluded(case)
        return [example for i, example in enumerate(self.bank) if i not in excluded][:k]

    def random(self, case: Case, k: int, seed: int) -> list[Example]:
        """A sample drawn from a generator seeded by the suite seed and the case id: the same for a case
        whatever the order or subset of cases run, and different from case to case."""
        excluded = self.excluded(case)
        pool = [i for i in range(len(self.bank)) if i not in excluded]
        rng = random.Random(f"{seed}:{case.id}")  # str seeds hash with sha512: stable across processes
        return [self.bank[i] for i in rng.sample(pool, min(k, len(pool)))]

    def similar(self, case: Case, k: int) -> list[Example]:
        """The k examples most similar to the case's last user message, the most similar last, right
        before the case itself, where a small model attends to it most."""
        assert self._retriever is not None, "ExamplePool built without a retriever"
        excluded = self.excluded(case)
        ranked = self._retriever.top_k(last_user_text(case.messages), k + len(excluded))
        chosen = [i for i in ranked if i not in excluded][:k]
        return [self.bank[i] for i in reversed(chosen)]


def suite_requests(suite: Suite) -> list[str]:
    """Every case's request, known when the strategy is built: retrievers may encode them in one pass."""
    return [last_user_text(case.messages) for case in suite.cases]


def prompt_messages(case: Case, examples: Sequence[Example]) -> tuple[Mapping[str, Any], ...]:
    """The case's leading system messages, then each example's turns, then the rest of the case's chat.

    System messages stay first because many chat templates reject a system turn anywhere else.
    """
    messages = list(case.messages)
    split = next((i for i, m in enumerate(messages) if m.get("role") != "system"), len(messages))
    turns = [_with_call_ids(message, number) for number, example in enumerate(examples)
             for message in example.messages]
    return (*messages[:split], *turns, *messages[split:])


def _with_call_ids(message: Mapping[str, Any], number: int) -> dict:
    """Give each example call an id: OpenAI-compatible servers expect one, and Mistral's template
    insists on exactly nine alphanumeric characters."""
    if not message.get("tool_calls"):
        return dict(message)
    calls = [{"id": f"fs{number:03d}c{j:03d}", **call} for j, call in enumerate(message["tool_calls"])]
    return {**message, "tool_calls": calls}


class FewShotOptions(BaseModel):
    """The candidate keys few-shot prompting reads."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: How many examples to show.
    k: int = Field(3, ge=0, le=64)
    #: Which: the first k (`fixed`), a seeded random k per case, or the k most similar to the request.
    select: Literal["fixed", "random", "similar"] = "fixed"
    #: How `similar` measures similarity.
    retriever: Literal["bm25", "minilm"] = "bm25"


class FewShotStrategy:
    """k examples as earlier turns; `select` picks them, `retriever` ranks for `similar`.

    Only the case's tools are offered, even where an example calls another tool: offering the examples' tools
    too would change what the case tests (an irrelevance case could become answerable, and schema validity
    would accept calls to tools the case never offered). The examples teach the call format and when not
    to call; `similar` naturally picks examples about the same tools.
    """

    Options = FewShotOptions

    def __init__(self, candidate: CandidateSpec, suite: Suite, options: FewShotOptions):
        self.k = options.k
        self.select = options.select
        self.seed = suite.spec.seed
        bank = suite_example_bank(suite, candidate, self.k, "few_shot") if self.k else ()
        retriever = options.retriever if self.select == "similar" and self.k else None
        if retriever:
            prepare_queries(retriever, suite_requests(suite))
        self.pool = ExamplePool(bank, retriever)

    @classmethod
    def check(cls, suite: Suite, candidate: CandidateSpec, options: FewShotOptions) -> None:
        """The example bank exists and holds k examples (loading an embedder waits for the run)."""
        if options.k:
            suite_example_bank(suite, candidate, options.k, "few_shot")

    def examples_for(self, case: Case) -> list[Example]:
        if self.k == 0:
            return []
        if self.select == "fixed":
            return self.pool.first(case, self.k)
        if self.select == "random":
            return self.pool.random(case, self.k, self.seed)
        return self.pool.similar(case, self.k)

    def build_prompt(self, case: Case) -> Prompt:
        return Prompt(case_id=case.id, messages=prompt_messages(case, self.examples_for(case)), tools=case.tools)
