"""Zero-shot prompting: the case's own messages and tools, nothing added.

The reference point every other strategy and every fine-tune is compared against.
"""
from __future__ import annotations

from harness.backends.base import NoOptions, Prompt
from harness.suite.cases import Case


class ZeroShotStrategy:
    Options = NoOptions

    def __init__(self, candidate=None, suite=None, options=None):
        self.candidate = candidate

    def build_prompt(self, case: Case) -> Prompt:
        return Prompt(case_id=case.id, messages=case.messages, tools=case.tools)
