"""Compose user requests: one intent, the same intent several times, or several intents in one
message; then dress them (distractor clauses, thanks, casual typing) and choose the tools offered.
"""
from __future__ import annotations

from dataclasses import dataclass

from toolshop_gen import intents_home, intents_money, intents_office, intents_travel
from toolshop_gen import phrasing as ph
from toolshop_gen.entities import Pools
from toolshop_gen.intent import SUFFIX, Intent, Realised, Template, calls_key, fields_of, realise
from toolshop_gen.tools import FAMILIES, FAMILY_OF, TOOLS_BY_NAME, lookalikes

INTENTS: list[Intent] = intents_travel.INTENTS + intents_office.INTENTS + intents_money.INTENTS + intents_home.INTENTS
INTENT_OF_TOOL: dict[str, Intent] = {intent.tool: intent for intent in INTENTS}
ALL_TOOLS = list(TOOLS_BY_NAME)


@dataclass(frozen=True)
class Request:
    """A composed request: the realised text and calls, plus which templates produced it."""

    realised: Realised
    templates: tuple[str, ...]
    held_out: bool

    @property
    def tools(self) -> list[str]:
        names: list[str] = []
        for call in self.realised.calls:
            if call["name"] not in names:
                names.append(call["name"])
        return names


class Composer:
    """Draws requests for one side of the split ("train" or "test") from one seeded `random.Random`."""

    def __init__(self, rng, side: str):
        self.rng, self.side, self.pools = rng, side, Pools(side)

    # --- templates ----------------------------------------------------------------------------
    def pick_template(self, choices: tuple[Template, ...]) -> Template:
        shared = [t for t in choices if not t.held_out]
        held_out = [t for t in choices if t.held_out]
        if self.side == "test" and held_out and (not shared or self.rng.random() < 0.5):
            return self.rng.choice(held_out)
        return self.rng.choice(shared)

    def single(self, intent: Intent) -> Request:
        return self._retry(lambda: self._fill(intent, self.pick_template(intent.templates)))

    def parallel(self, intent: Intent) -> Request:
        """The same tool called several times: a parallel template, or two requests joined."""
        if self.rng.random() < 0.7:
            return self._retry(lambda: self._fill(intent, self.pick_template(intent.parallel)))
        return self._retry(lambda: self._join([self.single(intent), self.single(intent)]))

    def parallel_multiple(self, intents: list[Intent]) -> Request:
        """Several tools in one message; the first intent is sometimes asked for twice."""
        def build() -> Request | None:
            parts = [self.parallel(intents[0]) if len(intents) == 2 and self.rng.random() < 0.3
                     else self.single(intents[0])]
            parts += [self.single(intent) for intent in intents[1:]]
            return self._join(parts)
        return self._retry(build)

    def _fill(self, intent: Intent, template: Template) -> Request | None:
        draws = [intent.sample(self.rng, self.pools) for _ in range(3)]
        if not _distinct_per_call(template, draws):
            return None
        realised = realise(intent, template, draws)
        if not _sane(realised):
            return None
        return Request(realised, (intent.template_id(template),), template.held_out)

    def _join(self, parts: list[Request]) -> Request | None:
        connectors = ph.CONNECTORS + (ph.CONNECTORS_TEST if self.side == "test" else [])
        text = parts[0].realised.text
        for part in parts[1:]:
            if text[-1] not in ".?!":
                text += "."
            text += ph.attach(self.rng.choice(connectors), part.realised.text)
        realised = Realised(text, [e for p in parts for e in p.realised.expected],
                            [c for p in parts for c in p.realised.calls])
        if not _sane(realised):
            return None
        return Request(realised, tuple(t for p in parts for t in p.templates), any(p.held_out for p in parts))

    def _retry(self, build) -> Request:
        for _ in range(200):
            request = build()
            if request is not None:
                return request
        raise RuntimeError("could not draw a consistent request; check the entity pools")

    # --- dressing and tools -------------------------------------------------------------------
    def dress(self, text: str, tool: str | None) -> str:
        """Add a distractor clause, a thank-you, or casual lower case (each only sometimes)."""
        roll = self.rng.random()
        if tool and roll < 0.25:
            family = FAMILY_OF[tool]
            options = ph.DISTRACTORS[family] + (ph.DISTRACTORS[family + "_test"] if self.side == "test" else [])
            text = ph.attach(self.rng.choice(options) + " ", text)
        elif roll < 0.35:
            text = (text if text[-1] in ".?!" else text + ".") + self.rng.choice(ph.THANKS)
        elif roll < 0.43:
            text = ph.casual(text) or text
        return text

    def offer(self, needed: list[str], total: int, lookalike_share: float = 0.75) -> list[str]:
        """`needed` plus distractors up to `total`, look-alikes first with probability `lookalike_share`."""
        offered = list(needed)
        similar = [t for name in needed for t in lookalikes(name) if t not in offered]
        while len(offered) < total:
            similar = [t for t in similar if t not in offered]
            if similar and self.rng.random() < lookalike_share:
                offered.append(self.rng.choice(similar))
            else:
                offered.append(self.rng.choice([t for t in ALL_TOOLS if t not in offered]))
        self.rng.shuffle(offered)
        return offered

    def offer_unrelated(self, tool: str | None, total: int) -> list[str]:
        """Tools that cannot serve a request for `tool` (none from its family)."""
        banned = set(FAMILIES[FAMILY_OF[tool]]) if tool else set()
        return self.rng.sample([t for t in ALL_TOOLS if t not in banned], total)


def _sane(realised: Realised) -> bool:
    """No repeated call, no two calls acting on the same thing (lock and unlock the front door), and
    no call whose two arguments name the same thing (Paris to Paris)."""
    keys = calls_key(realised)
    if len(set(keys)) != len(keys):
        return False
    identities = []
    for answer in realised.expected:
        ((tool, arguments),) = answer.items()
        identity = INTENT_OF_TOOL[tool].identity
        if identity:
            identities.append((tool, repr([arguments[a] for a in identity])))
    if len(set(identities)) != len(identities):
        return False
    for answer in realised.expected:
        (arguments,) = answer.values()
        seen: set[str] = set()
        for values in arguments.values():
            strings = {str(x).lower() for x in values if isinstance(x, str) and x}
            if strings & seen:
                return False
            seen |= strings
    return True


def _distinct_per_call(template: Template, draws: list) -> bool:
    """In "{room_1} and {room_2}", the two rooms must differ (as texts and as values)."""
    for base in {m.group(1) for m in map(SUFFIX.match, fields_of(template.text)) if m}:
        indices = sorted({int(m.group(2)) - 1 for m in map(SUFFIX.match, fields_of(template.text))
                          if m and m.group(1) == base})
        texts = [draws[i].slots[base][0].lower() for i in indices]
        values = [repr([draws[i].values[a].call for a in draws[i].slots[base][1]]) for i in indices]
        if len(set(texts)) < len(texts) or len(set(values)) < len(values):
            return False
    return True
