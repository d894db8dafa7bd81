"""Build the splits: test cases per category, chat-format training examples, the example bank, and the
multi-turn conversations (test and training) over the simulator in data/home_office.py.

Test is drawn first from the held-out side; train and the example bank then reject any user text
already used anywhere (compared case-, whitespace- and punctuation-insensitively).
"""
from __future__ import annotations

import random

from toolshop_gen import multiturn, nocall
from toolshop_gen.compose import INTENTS, INTENT_OF_TOOL, Composer, Request
from toolshop_gen.phrasing import normalise_text

TEST_COUNTS = {"simple": 50, "multiple": 45, "parallel": 35, "parallel_multiple": 35, "irrelevance": 40}
TINY_PER_CATEGORY = 8
TRAIN_SIZE, EXAMPLES_SIZE, TINY_TRAIN_SIZE = 1200, 240, 300
#: share of each kind in train and the example bank
MIX = {"single": 0.60, "parallel": 0.11, "parallel_multiple": 0.115, "near_miss": 0.10, "off_topic": 0.075}


class TextRegistry:
    """Every user text produced so far, normalised; a repeat is rejected and drawn again.

    Test cases also claim their core request (before distractors and thanks are added), so neither
    another test case nor a training example can be the same request dressed differently.
    """

    def __init__(self):
        self.seen: set[str] = set()
        self.test_cores: set[str] = set()

    def claim(self, text: str, core: str, side: str) -> bool:
        key, core_key = normalise_text(text), normalise_text(core)
        if key in self.seen or core_key in self.test_cores:
            return False
        self.seen.add(key)
        if side == "test":
            self.test_cores.add(core_key)
        return True


class SplitBuilder:
    def __init__(self, seed: int, side: str, registry: TextRegistry):
        self.rng = random.Random(seed)
        self.composer = Composer(self.rng, side)
        self.side, self.registry = side, registry
        self._cycle: list = []
        self._off_topic: list = []

    def next_intent(self):
        """Intents in shuffled rounds, so every tool is covered evenly."""
        if not self._cycle:
            self._cycle = list(INTENTS)
            self.rng.shuffle(self._cycle)
        return self._cycle.pop()

    def other_intents(self, first, count: int) -> list:
        """`count` intents for other tools, half the time from the same family (a harder mix)."""
        chosen = [first]
        while len(chosen) < count + 1:
            same = [i for i in INTENTS if i.family == first.family and i not in chosen]
            pool = same if same and self.rng.random() < 0.5 else [i for i in INTENTS if i not in chosen]
            chosen.append(self.rng.choice(pool))
        return chosen[1:]

    def draw(self, kind: str) -> tuple[str, Request | None, list[str], str | None]:
        """(user text, request or None for no call, tools offered, no-call reply)."""
        c = self.composer
        while True:
            reply, core = None, None
            if kind == "near_miss":
                request = c.single(self.next_intent())
                tool = request.tools[0]
                core = request.realised.text
                text = c.dress(core, tool)
                capability = INTENT_OF_TOOL[tool].capability
                reply = self.rng.choice(nocall.NEAR_MISS_REPLIES).format(capability=capability)
                tools, request = c.offer_unrelated(tool, self.rng.randint(1 if self.side != "test" else 2, 4)), None
            elif kind == "off_topic":
                if not self._off_topic:  # shuffled rounds here too, so no one template dominates
                    self._off_topic = list(nocall.templates_for(self.side))
                    self.rng.shuffle(self._off_topic)
                template = self._off_topic.pop()
                text, reply = template.make(self.rng, self.composer.pools)
                tools, request = c.offer_unrelated(None, self.rng.randint(1 if self.side != "test" else 2, 4)), None
            else:
                request, tools = self._tool_request(kind)
                core = request.realised.text
                text = c.dress(core, request.tools[0])
            if self.registry.claim(text, core or text, self.side):
                return text, request, tools, reply

    def _tool_request(self, kind: str) -> tuple[Request, list[str]]:
        c, first = self.composer, self.next_intent()
        if kind in ("simple", "multiple", "single"):
            request = c.single(first)
            total = {"simple": 1, "multiple": self.rng.choice([3, 3, 4])}.get(kind) or self.rng.choice([1, 2, 2, 3, 3, 4])
        elif kind == "parallel":
            request = c.parallel(first)
            total = self.rng.choice([1, 2]) if self.side == "test" else self.rng.choice([1, 2, 2, 3])
        else:
            request = c.parallel_multiple([first, *self.other_intents(first, self.rng.choice([1, 1, 1, 2]))])
            total = max(len(request.tools), self.rng.choice([3, 4]))
        return request, c.offer(request.tools, min(max(total, len(request.tools)), 4))

    # --- outputs ------------------------------------------------------------------------------
    def test_cases(self) -> list[dict]:
        cases = []
        for category, count in TEST_COUNTS.items():
            for number in range(1, count + 1):
                kind = {"irrelevance": "near_miss" if number % 2 else "off_topic"}.get(category, category)
                text, request, tools, _ = self.draw(kind)
                suffix = "-".join(request.tools) if request else (kind.replace("_", "-"))
                case = {"id": f"{category}-{number:03d}-{suffix}", "category": category,
                        "messages": [{"role": "user", "content": text}], "tools": tools,
                        "expected": request.realised.expected if request else []}
                if request:
                    case["meta"] = {"templates": list(request.templates), "held_out_template": request.held_out}
                cases.append(case)
        return cases

    def chat_examples(self, size: int) -> list[dict]:
        kinds = [kind for kind, share in MIX.items() for _ in range(round(size * share))]
        kinds += ["single"] * (size - len(kinds))
        self.rng.shuffle(kinds)
        examples = []
        for kind in kinds:
            text, request, tools, reply = self.draw(kind)
            if request is None:
                answer = {"role": "assistant", "content": reply}
            else:
                answer = {"role": "assistant", "tool_calls": [
                    {"type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
                    for c in request.realised.calls]}
            examples.append({"messages": [{"role": "user", "content": text}, answer], "tools": tools})
        return examples


def build_all(seed: int) -> dict[str, list]:
    """Every data file's rows, keyed by file name (tools.json excluded)."""
    registry = TextRegistry()
    test = SplitBuilder(seed, "test", registry).test_cases()
    train = SplitBuilder(seed + 1, "train", registry).chat_examples(TRAIN_SIZE)
    examples = SplitBuilder(seed + 2, "train", registry).chat_examples(EXAMPLES_SIZE)
    tiny_test = [case for category in TEST_COUNTS
                 for case in [c for c in test if c["category"] == category][:TINY_PER_CATEGORY]]
    conversations = multi_turn(seed)
    return {"test.jsonl": test, "train.jsonl": train, "examples.jsonl": examples,
            "test.tiny.jsonl": tiny_test, "train.tiny.jsonl": train[:TINY_TRAIN_SIZE],
            "multi_turn.jsonl": conversations.test, "multi_turn.tiny.jsonl": conversations.tiny,
            "train.multi_turn.jsonl": conversations.train}


def multi_turn(seed: int) -> multiturn.MultiTurnSplits:
    """The multi-turn conversations for the suite's seed. Drawn from seeds of their own, so the single-turn
    files do not depend on them (their wording never meets the single-turn test texts; the tests check that)."""
    return multiturn.build(seed + 10)
