"""A prompting strategy with an option of its own: a system reminder before the case's messages."""
from pydantic import BaseModel, ConfigDict, Field

from harness.backends.base import Prompt


class ReminderOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reminder: str = Field("Answer with tool calls only.", min_length=1)


class ReminderStrategy:
    Options = ReminderOptions

    def __init__(self, candidate, suite, options: ReminderOptions):
        self.reminder = options.reminder

    @classmethod
    def check(cls, suite, candidate, options: ReminderOptions) -> None:
        if len(options.reminder) > 200:
            raise suite.field_error(suite.candidate_location(candidate, "reminder"), "a reminder is a sentence, "
                                    f"not {len(options.reminder)} characters")

    def build_prompt(self, case) -> Prompt:
        messages = ({"role": "system", "content": self.reminder}, *case.messages)
        return Prompt(case_id=case.id, messages=messages, tools=case.tools)
