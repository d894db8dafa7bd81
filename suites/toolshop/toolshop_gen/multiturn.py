"""Multi-turn conversations over the simulator in data/home_office.py: the test conversations (category
`multi_turn`, the harness's multi-turn case format) and training conversations that carry tool results.

Every tool result is produced by running the simulator class itself and rendered as the harness's environment
renders a return value, so a fine-tune reads in training exactly the text the harness feeds back at test time.
"""
from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from toolshop_gen import phrasing as ph
from toolshop_gen.entities import Pools
from toolshop_gen.phrasing import normalise_text
from toolshop_gen.tools import DATE, ROOMS, TIME

SIMULATOR = Path(__file__).resolve().parents[1] / "data" / "home_office.py"
#: how the case file names the simulator: relative to its own folder, so the file travels with the data
SIMULATOR_FILE = "home_office.py"
CATEGORY = "multi_turn"
DOORS = ["front", "back", "garage", "patio"]
ACCOUNTS = ["checking", "savings", "travel"]
#: test conversations per flow (24 in all); training repeats the plan five times (120)
TEST_PLAN = {"reschedule": 2, "find_and_move": 2, "add_and_review": 2, "pay_and_check": 2,
             "insufficient_funds": 3, "fraction": 2, "match_temperature": 2, "lock_up": 2, "dinner_party": 2,
             "cancel_and_pay": 3, "brightness": 2}
TRAIN_REPEATS, TINY_SIZE = 5, 6


# --- tools ----------------------------------------------------------------------------------------

def _tool(name: str, description: str, properties: dict, required: list) -> dict:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required}}}


def _enum(values: list, description: str | None = None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


_EVENT_ID = {"type": "string", "description": "Event id from the calendar, e.g. 'ev-104'"}
_MONEY = {"type": "number", "exclusiveMinimum": 0, "description": "US dollars"}

#: JSON Schema definitions of the simulator's methods, per class (the test checks they match the signatures).
#: Descriptions stay one short line: a small model sees every offered tool in its context.
TOOLS_BY_CLASS = {
    "Calendar": [
        _tool("calendar_list_events", "The events on one day, earliest first.", {"date": DATE}, ["date"]),
        _tool("calendar_add_event", "Add an event; the answer carries its new id.",
              {"title": {"type": "string"}, "date": DATE, "start_time": TIME,
               "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480, "default": 60}},
              ["title", "date", "start_time"]),
        _tool("calendar_move_event", "Give an event a new start time, and a new day when date is given.",
              {"event_id": _EVENT_ID, "start_time": TIME,
               "date": {**DATE, "description": "YYYY-MM-DD; omit to keep the day"}},
              ["event_id", "start_time"]),
        _tool("calendar_cancel_event", "Remove an event.", {"event_id": _EVENT_ID}, ["event_id"]),
    ],
    "SmartHome": [
        _tool("home_get_room", "A room's light and thermostat setting.", {"room": _enum(ROOMS)}, ["room"]),
        _tool("home_set_light", "Switch a room's light on or off, optionally at a brightness.",
              {"room": _enum(ROOMS), "on": {"type": "boolean"},
               "brightness": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Percent"}},
              ["room", "on"]),
        _tool("home_set_thermostat", "Set a room's target temperature.",
              {"room": _enum(ROOMS), "target_c": {"type": "number", "minimum": 10, "maximum": 30,
                                                  "description": "Degrees Celsius"}},
              ["room", "target_c"]),
        _tool("home_get_locks", "Every door and whether it is locked.", {}, []),
        _tool("home_set_lock", "Lock or unlock a door.",
              {"door": _enum(DOORS), "locked": {"type": "boolean"}}, ["door", "locked"]),
    ],
    "Wallet": [
        _tool("wallet_get_balance", "The balance of one of the user's accounts.",
              {"account": _enum(ACCOUNTS)}, ["account"]),
        _tool("wallet_pay", "Pay someone from an account; refused when the account holds less.",
              {"account": _enum(ACCOUNTS), "payee": {"type": "string", "description": "Person's name"},
               "amount": _MONEY},
              ["account", "payee", "amount"]),
        _tool("wallet_transfer", "Move money between two of the user's own accounts.",
              {"from_account": _enum(ACCOUNTS), "to_account": _enum(ACCOUNTS), "amount": _MONEY},
              ["from_account", "to_account", "amount"]),
    ],
}
CLASSES = tuple(TOOLS_BY_CLASS)


def tools_for(classes: list) -> list:
    return [tool for name in classes for tool in TOOLS_BY_CLASS[name]]


# --- running the simulator ------------------------------------------------------------------------

def load_simulator(path: Path = SIMULATOR) -> dict:
    """The simulator classes by name, run from the file's source. Compiled here rather than imported, so no
    bytecode cache lands in data/ (the reproducibility test compares that folder's listing with the output)."""
    namespace = {"__name__": "toolshop_home_office", "__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return {name: namespace[name] for name in CLASSES}


def render_result(value) -> str:
    """A return value as the text the model reads, by the harness's rule (harness.multiturn.environment
    .render_result): a string as it is, JSON for dicts, lists and tuples (str() if JSON cannot hold it), str()
    for anything else. Mirrored, not imported: the generator needs only the standard library."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return str(value)
    return str(value)


class Session:
    """One conversation's live simulator instances, set up as the harness sets them up: a deep copy of each
    class's initial config given to `_load_scenario`; a call's arguments are copied before the method runs."""

    def __init__(self, simulator: dict, classes: list, config: dict):
        self.instances = []
        for name in classes:
            instance = simulator[name]()
            instance._load_scenario(copy.deepcopy(config.get(name, {})), long_context=False)
            self.instances.append(instance)

    def call(self, name: str, arguments: dict) -> str:
        owner = next(i for i in self.instances if not name.startswith("_") and callable(getattr(type(i), name, None)))
        return render_result(getattr(owner, name)(**copy.deepcopy(arguments)))


# --- a conversation as it is built ----------------------------------------------------------------

@dataclass
class Turn:
    user: str
    steps: list = field(default_factory=list)  # each step: one assistant message's [(call, result text)]
    answer: str = ""

    @property
    def calls(self) -> list:
        return [call for step in self.steps for call, _ in step]


class Conversation:
    """Turns recorded while the simulator runs: each `call` executes, and the flow reads the result back from
    the rendered text, so every value a later turn uses is one the model can read too."""

    def __init__(self, flow: str, simulator: dict, classes: list, config: dict):
        self.flow, self.classes, self.config = flow, list(classes), copy.deepcopy(config)
        self.session = Session(simulator, classes, config)
        self.turns: list = []
        self.templates: list = []
        self.held_out = False

    def ask(self, text: str) -> None:
        self.turns.append(Turn(text))

    def call(self, *calls: tuple) -> list:
        """One assistant step with these calls, run in order; the results as the model reads them, parsed."""
        step = []
        for name, arguments in calls:
            step.append(({"name": name, "arguments": arguments}, self.session.call(name, arguments)))
        self.turns[-1].steps.append(step)
        return [json.loads(text) for _, text in step]

    def answer(self, text: str) -> None:
        self.turns[-1].answer = text

    def user_texts(self) -> list:
        return [turn.user for turn in self.turns]

    def test_case(self, number: int) -> dict:
        return {"id": f"mt_{number:03d}", "category": CATEGORY,
                "turns": [[{"role": "user", "content": turn.user}] for turn in self.turns],
                "tools": tools_for(self.classes),
                "environment": {"simulator": SIMULATOR_FILE, "classes": self.classes, "initial_config": self.config},
                "expected": [turn.calls for turn in self.turns],
                "meta": {"templates": list(self.templates), "flow": self.flow, "held_out_template": self.held_out}}

    def training_example(self) -> dict:
        messages = []
        for turn in self.turns:
            messages.append({"role": "user", "content": turn.user})
            for step in turn.steps:
                messages.append({"role": "assistant", "tool_calls": [
                    {"type": "function", "function": {"name": call["name"], "arguments": call["arguments"]}}
                    for call, _ in step]})
                messages += [{"role": "tool", "name": call["name"], "content": text} for call, text in step]
            messages.append({"role": "assistant", "content": turn.answer})
        return {"messages": messages, "tools": tools_for(self.classes)}


# --- phrasing -------------------------------------------------------------------------------------

#: User phrasings per request kind. Every third (index 2, 5) is held out for the test conversations; test
#: uses a template without slots only when it is held out, so its exact text never reaches training.
PHRASES = {
    "cal.list": ["What's on my calendar on {date}?", "What do I have on {date}?",
                 "Can you show me my schedule for {date}?", "Anything booked for {date}?",
                 "List my events on {date}, please.", "How does {date} look for me?"],
    "cal.move": ["Move {event} to {time}.", "Push {event} to {time}, please.",
                 "Can you shift {event} so it starts at {time}?", "Reschedule {event} for {time}.",
                 "Let's start {event} at {time} instead.", "I need {event} at {time} instead."],
    "cal.cancel": ["And cancel {event}.", "Please also drop {event}.", "Cancel {event} too.",
                   "Then delete {event} from my calendar.", "I won't make {event}, so cancel it.",
                   "Get rid of {event} as well."],
    "cal.find_move": ["Move {event} on {date} to {time}.", "On {date}, push {event} to {time}.",
                      "Can you reschedule {event} on {date} to start at {time}?",
                      "Please shift {event} on {date} to {time}.",
                      "{event} on {date} needs to start at {time} instead.",
                      "I'd like {event} on {date} moved to {time}."],
    "cal.review": ["What does the rest of that day look like now?", "And what's on that day now?",
                   "So what does {date} look like now?", "Show me that day again, please.",
                   "What's my schedule for that day now?", "Can you list that day once more?"],
    "cal.add": ["Add {title} on {date} at {time}{duration}.",
                "Put {title} in my calendar for {date} at {time}{duration}.",
                "Please schedule {title} on {date} at {time}{duration}.",
                "Create an event called {title} on {date}, starting {time}{duration}.",
                "Book {title} for {date} at {time}{duration}.", "Can you add {title} to {date} at {time}{duration}?"],
    "cal.what_else": ["What else do I have that day?", "Is anything else on that day?", "What else is on {date}?",
                      "Show me everything on that day.", "What's the rest of that day like?",
                      "Anything else booked that day?"],
    "cal.new_day": ["Actually, move it to {date}, same time.", "Hmm, make that {date} instead, at the same time.",
                    "On second thought, put it on {date} at the same time.",
                    "Can you shift it to {date}? Keep the time.",
                    "Let's do {date} instead, same start time.", "Change it to {date}, same time please."],
    "cal.cancel_and_pay": [
        "Cancel {event} and pay {payee} the {fee} cancellation fee from my {account} account.",
        "Please drop {event}, and send {payee} {fee} from {account} for the late cancellation.",
        "I can't make {event}: cancel it and pay {payee} the {fee} fee from {account}.",
        "Cancel {event}, then pay {payee} {fee} from my {account} account to cover the fee.",
        "Scrap {event} and pay {payee} a {fee} fee out of {account}.",
        "{event} is off - cancel it and pay {payee} the {fee} fee from {account}."],
    "wallet.balance": ["How much is in my {account} account?", "What's my {account} balance?",
                       "Can you check the balance of my {account} account?", "How much money do I have in {account}?",
                       "Tell me what's in my {account} account.", "What's left in {account} right now?"],
    "wallet.pay_from_it": ["Pay {payee} {amount} from it.", "Send {payee} {amount} from that account.",
                           "Please pay {payee} {amount} out of it.", "OK, pay {payee} {amount} from there.",
                           "Great, send {amount} to {payee} from it.", "Then pay {payee} {amount} from that one."],
    "wallet.other_balance": ["And how much is in {account}?", "What about my {account} account?",
                             "And my {account} balance?", "How much do I have in {account}, then?",
                             "Now check {account} too.", "And what does {account} hold?"],
    "wallet.pay": ["Pay {payee} {amount} from my {account} account.", "Send {amount} to {payee} from {account}.",
                   "Please pay {payee} {amount} out of my {account} account.",
                   "I owe {payee} {amount}; pay it from {account}.",
                   "Transfer {amount} to {payee} from my {account} account.",
                   "Can you pay {payee} {amount} from {account}?"],
    "wallet.top_up_retry": ["Move {amount} from {source} to {account} and try again.",
                            "Then transfer {amount} from my {source} account into {account} and pay again.",
                            "OK, top up {account} with {amount} from {source}, then retry the payment.",
                            "Shift {amount} over from {source} to {account} and redo the payment.",
                            "Put {amount} from {source} into {account}, then send it again.",
                            "Fine - move {amount} from {source} to {account} first, then pay."],
    "wallet.pay_instead": ["Then pay it from {account} instead.", "Use my {account} account for it instead.",
                           "Try the same payment from {account}.", "OK, take it from {account} then.",
                           "Pay it out of {account} instead, please.", "Can you send it from {account} instead?"],
    "wallet.fraction": ["Move {fraction} of it to {target}.", "Transfer {fraction} of that to my {target} account.",
                        "Please put {fraction} of it into {target}.",
                        "Send {fraction} of that balance over to {target}.",
                        "Shift {fraction} of it to {target}.", "I'd like {fraction} of that moved to {target}."],
    "home.get_temp": ["What's the thermostat in the {room} set to?", "How warm is the {room} set to be?",
                      "What temperature is the {room} set to?", "Check the {room} thermostat for me.",
                      "What's the {room} heating set at?", "Tell me the {room} thermostat setting."],
    "home.match": ["Set the {room} to the same temperature.", "Make the {room} match that.",
                   "Can you put the {room} thermostat at the same setting?",
                   "Give the {room} the same temperature, please.", "Copy that setting to the {room}.",
                   "I want the {room} at that temperature too."],
    "home.lights_on_it": ["And put its lights on at {pct}%.", "Also turn its light on at {pct} percent.",
                          "Then switch its lights on at {pct}%.", "And set its lights on, {pct}% bright.",
                          "Light it up at {pct}% too.", "Also, lights on in there at {pct}%."],
    "home.locks": ["Are all the doors locked?", "Is every door locked?", "Which doors are unlocked right now?",
                   "Did I lock all the doors?", "Check the door locks for me.", "Is the house locked up?"],
    "home.lock_rest": ["Lock the ones that aren't.", "Please lock whichever are open.", "Lock the unlocked ones, then.",
                       "Lock the open ones.", "Go ahead and lock the open ones.", "Secure the ones that are unlocked."],
    "home.light_off": ["And switch off the lights in the {room}.", "Also turn the {room} light off.",
                       "Then kill the lights in the {room}.", "Turn off the {room} lights too.",
                       "And the {room} light can go off.", "Lights off in the {room} as well, please."],
    "home.prepare": ["Set the {room} to {temp} and turn its lights on.",
                     "Warm the {room} up to {temp} and switch the lights on there.",
                     "Please get the {room} ready: {temp} and lights on.",
                     "Put the {room} thermostat at {temp} and turn on its light.", "Make the {room} {temp}, lights on.",
                     "Can you heat the {room} to {temp} and light it?"],
    "home.light_on": ["Turn on the {room} lights at {pct}%.", "Switch the {room} light on, {pct}% brightness.",
                      "Can you put the {room} lights on at {pct} percent?", "Lights on in the {room}, {pct}% please.",
                      "Set the {room} light to {pct}% and switch it on.", "I'd like the {room} light on at {pct}%."],
    "home.brighter": ["Is the {room} brighter than that?", "How bright is the {room} compared to that?",
                      "Is the {room} light any brighter?", "What's the {room} light at, by comparison?",
                      "And how bright is the {room}?", "Is the {room} lit more brightly than that?"],
    "home.same_brightness": ["Set it to the same brightness, with the light on.",
                             "Match it to that brightness and make sure it's on.",
                             "Then put it at the same level, light on.", "Make it the same, light on.",
                             "Give it the same brightness and switch it on.", "Bring it to the same brightness, on."],
}
#: the first turn sometimes opens with a context clause; these keys of phrasing.DISTRACTORS (plus "_test")
LEADS = {"Calendar": "time", "SmartHome": "home", "Wallet": "money"}
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DURATIONS = {30: ["30 minutes", "half an hour"], 45: ["45 minutes", "forty-five minutes"],
              60: ["an hour", "60 minutes"], 90: ["90 minutes", "an hour and a half"], 120: ["2 hours", "two hours"]}
_FRACTIONS = [(0.5, "half"), (0.25, "a quarter"), (0.1, "a tenth"), (0.2, "a fifth"), (0.5, "50%"), (0.25, "25%")]


def held_out(index: int) -> bool:
    return index % 3 == 2


class Writer:
    """Picks phrasings and values for one side of the split: the test side may use every phrasing and draws
    entities (event titles, payees) from the test half of the pools; training never sees either."""

    def __init__(self, rng: random.Random, side: str, simulator: dict):
        self.rng, self.side, self.simulator = rng, side, simulator
        self.pools = Pools(side)

    def conversation(self, flow: str, classes: list, config: dict) -> Conversation:
        return Conversation(flow, self.simulator, classes, config)

    def say(self, c: Conversation, key: str, **slots) -> str:
        texts = PHRASES[key]
        allowed = [i for i, text in enumerate(texts) if not held_out(i) or self.side == "test"]
        if self.side == "test":
            allowed = [i for i in allowed if "{" in texts[i] or held_out(i)]
        index = self.rng.choice(allowed)
        c.templates.append(f"{key}/{index}")
        c.held_out = c.held_out or held_out(index)
        text = texts[index].format(**slots)
        text = text[0].upper() + text[1:]
        if not c.turns and self.rng.random() < 0.3:
            category = LEADS[c.classes[0]] + ("_test" if self.side == "test" else "")
            text = ph.attach(self.rng.choice(ph.DISTRACTORS[category]) + " ", text)
        return text

    # values ------------------------------------------------------------------------------------
    def day(self) -> date:
        return ph.random_date(self.rng)

    def day_text(self, day: date) -> str:
        text = ph.date_text(self.rng, day)
        return f"{_WEEKDAYS[day.weekday()]}, {text}" if self.rng.random() < 0.3 else text

    def time_text(self, hhmm: str) -> str:
        hour, minute = map(int, hhmm.split(":"))
        return ph.time_text(self.rng, hour, minute)

    def event_ref(self, title: str) -> str:
        return self.rng.choice([f"'{title}'", f'"{title}"', f"the {title} event"])

    def money_text(self, amount) -> str:
        return ph.money_text(self.rng, float(amount), "USD")

    def free_times(self, taken: list, count: int) -> list:
        """`count` distinct HH:MM start times between 08:00 and 18:30 not in `taken`."""
        slots = [f"{h:02d}:{m:02d}" for h in range(8, 19) for m in (0, 30)]
        return self.rng.sample([s for s in slots if s not in taken], count)


# --- initial states ------------------------------------------------------------------------------

def calendar_state(w: Writer, day: date, on_day: int) -> dict:
    """`on_day` events on `day` plus one to three on nearby days, distinct titles and ids."""
    others = w.rng.randint(1, 3)
    titles = w.rng.sample(w.pools.event_titles, on_day + others)
    ids = w.rng.sample(range(101, 990), on_day + others)
    days = [day] * on_day + [day + timedelta(days=w.rng.choice([-2, -1, 1, 2, 3])) for _ in range(others)]
    times = w.free_times([], on_day + others)
    events = [{"id": f"ev-{number}", "title": title, "date": when.isoformat(), "start_time": start,
               "duration_minutes": w.rng.choice([30, 45, 60, 60, 90])}
              for number, title, when, start in zip(ids, titles, days, times)]
    return {"events": sorted(events, key=lambda e: (e["date"], e["start_time"]))}


def home_state(w: Writer, rooms: int = 5) -> dict:
    chosen = w.rng.sample(ROOMS, rooms)
    state = {room: {"light_on": w.rng.random() < 0.5, "brightness": w.rng.choice(range(20, 101, 10)),
                    "target_c": w.rng.choice([18, 18.5, 19, 19.5, 20, 20.5, 21, 21.5, 22])}
             for room in sorted(chosen)}
    doors = sorted(w.rng.sample(DOORS, w.rng.randint(3, 4)))
    return {"rooms": state, "locks": {door: True for door in doors}}


def wallet_state(w: Writer, accounts: list, low: int = 300, high: int = 4000) -> dict:
    return {"balances": {account: w.rng.randint(low, high) for account in accounts}}


def room_text(room: str) -> str:
    return room.replace("_", " ")


# --- answers the assistant gives after the results (training only) --------------------------------

def clock(hhmm: str) -> str:
    hour, minute = map(int, hhmm.split(":"))
    suffix = "am" if hour < 12 else "pm"
    return f"{hour % 12 or 12}:{minute:02d} {suffix}" if minute else f"{hour % 12 or 12} {suffix}"


def dollars(amount) -> str:
    return f"${amount:,}" if amount == int(amount) else f"${amount:,.2f}"


def day_words(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{_WEEKDAYS[day.weekday()]}, {day.strftime('%B')} {day.day}"


def join_words(items: list) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def say_day(listing: dict) -> str:
    events = listing["events"]
    if not events:
        return f"Nothing is booked on {day_words(listing['date'])}."
    items = [f"{event['title']} at {clock(event['start_time'])}" for event in events]
    count = "one event" if len(events) == 1 else f"{len(events)} events"
    return f"You have {count} on {day_words(listing['date'])}: {join_words(items)}."


def say_room(result: dict) -> str:
    light = f"on at {result['brightness']}%" if result["light_on"] else "off"
    return f"The {room_text(result['room'])} thermostat is set to {result['target_c']}°C, and its light is {light}."


def say_light(result: dict) -> str:
    state = f"on at {result['brightness']}%" if result["light_on"] else "off"
    return f"The {room_text(result['updated'])} light is {state}."


def say_payment(result: dict) -> str:
    return (f"Paid {result['paid']} {dollars(result['amount'])} from {result['account']}; "
            f"{dollars(result['balance'])} is left there.")


def say_transfer(result: dict) -> str:
    return (f"Moved {dollars(result['moved'])} from {result['from_account']} to {result['to_account']}. "
            f"{result['from_account'].capitalize()} now has {dollars(result['from_balance'])} and "
            f"{result['to_account']} has {dollars(result['to_balance'])}.")


def say_refusal(result: dict) -> str:
    return (f"That payment didn't go through: your {result['account']} account has only "
            f"{dollars(result['balance'])}, and the payment is {dollars(result['amount'])}.")


# --- flows: one kind of conversation each ----------------------------------------------------------

def reschedule(w: Writer) -> Conversation:
    """List a day, move one of its events by the id the listing gave, sometimes cancel another."""
    day = w.day()
    c = w.conversation("reschedule", ["Calendar"], {"Calendar": calendar_state(w, day, w.rng.randint(2, 4))})
    c.ask(w.say(c, "cal.list", date=w.day_text(day)))
    listing, = c.call(("calendar_list_events", {"date": day.isoformat()}))
    c.answer(say_day(listing))
    target, other = w.rng.sample(listing["events"], 2)
    new = w.free_times([e["start_time"] for e in listing["events"]], 1)[0]
    c.ask(w.say(c, "cal.move", event=w.event_ref(target["title"]), time=w.time_text(new)))
    moved, = c.call(("calendar_move_event", {"event_id": target["id"], "start_time": new}))
    c.answer(f"Done: {target['title']} now starts at {clock(moved['moved']['start_time'])} "
             f"instead of {clock(moved['was']['start_time'])}.")
    if w.rng.random() < 0.5:
        c.ask(w.say(c, "cal.cancel", event=w.event_ref(other["title"])))
        cancelled, = c.call(("calendar_cancel_event", {"event_id": other["id"]}))
        c.answer(f"I've cancelled {cancelled['cancelled']['title']} on {day_words(cancelled['cancelled']['date'])}.")
    return c


def find_and_move(w: Writer) -> Conversation:
    """One request that needs two steps (look the day up for the id, then move), then the day again."""
    day = w.day()
    c = w.conversation("find_and_move", ["Calendar"], {"Calendar": calendar_state(w, day, w.rng.randint(2, 3))})
    events = [e for e in c.config["Calendar"]["events"] if e["date"] == day.isoformat()]
    target = w.rng.choice(events)
    new = w.free_times([e["start_time"] for e in events], 1)[0]
    c.ask(w.say(c, "cal.find_move", event=w.event_ref(target["title"]), date=w.day_text(day), time=w.time_text(new)))
    listing, = c.call(("calendar_list_events", {"date": day.isoformat()}))
    found = next(e for e in listing["events"] if e["title"] == target["title"])
    moved, = c.call(("calendar_move_event", {"event_id": found["id"], "start_time": new}))
    c.answer(f"Moved {target['title']} on {day_words(day.isoformat())} to {clock(moved['moved']['start_time'])}.")
    c.ask(w.say(c, "cal.review", date=w.day_text(day)))
    listing, = c.call(("calendar_list_events", {"date": day.isoformat()}))
    c.answer(say_day(listing))
    return c


def add_and_review(w: Writer) -> Conversation:
    """Add an event, list the rest of its day, sometimes move it to another day by the id the add returned."""
    day = w.day()
    c = w.conversation("add_and_review", ["Calendar"], {"Calendar": calendar_state(w, day, w.rng.randint(1, 3))})
    taken = [e["start_time"] for e in c.config["Calendar"]["events"] if e["date"] == day.isoformat()]
    taken_titles = {e["title"] for e in c.config["Calendar"]["events"]}
    title = w.rng.choice([t for t in w.pools.event_titles if t not in taken_titles])
    start = w.free_times(taken, 1)[0]
    minutes = w.rng.choice([30, 45, 60, 90, 120, 60])
    stated = minutes != 60 or w.rng.random() < 0.5
    duration = f" for {w.rng.choice(_DURATIONS[minutes])}" if stated else ""
    c.ask(w.say(c, "cal.add", title=w.rng.choice([f"'{title}'", f'"{title}"']), date=w.day_text(day),
                time=w.time_text(start), duration=duration))
    arguments = {"title": title, "date": day.isoformat(), "start_time": start}
    if stated:
        arguments["duration_minutes"] = minutes
    added, = c.call(("calendar_add_event", arguments))
    event = added["added"]
    c.answer(f"Added {event['title']} on {day_words(event['date'])} at {clock(event['start_time'])} "
             f"for {event['duration_minutes']} minutes.")
    c.ask(w.say(c, "cal.what_else", date=w.day_text(day)))
    listing, = c.call(("calendar_list_events", {"date": day.isoformat()}))
    c.answer(say_day(listing))
    if w.rng.random() < 0.5:
        later = day + timedelta(days=w.rng.randint(1, 6))
        c.ask(w.say(c, "cal.new_day", date=w.day_text(later)))
        moved, = c.call(("calendar_move_event", {"event_id": event["id"], "start_time": start,
                                                 "date": later.isoformat()}))
        c.answer(f"{title} is now on {day_words(moved['moved']['date'])} at {clock(start)}.")
    return c


def pay_and_check(w: Writer) -> Conversation:
    """A balance, a payment from "it" (the account just named), sometimes another account's balance."""
    accounts = w.rng.sample(ACCOUNTS, 2)
    c = w.conversation("pay_and_check", ["Wallet"], {"Wallet": wallet_state(w, accounts)})
    account, other = accounts
    c.ask(w.say(c, "wallet.balance", account=account))
    balance, = c.call(("wallet_get_balance", {"account": account}))
    c.answer(f"Your {account} account has {dollars(balance['balance'])}.")
    amount = _amount(w, 20, min(balance["balance"] - 10, 900))
    payee = w.rng.choice(w.pools.people)
    c.ask(w.say(c, "wallet.pay_from_it", payee=payee, amount=w.money_text(amount)))
    paid, = c.call(("wallet_pay", {"account": account, "payee": payee, "amount": amount}))
    c.answer(say_payment(paid))
    if w.rng.random() < 0.5:
        c.ask(w.say(c, "wallet.other_balance", account=other))
        balance, = c.call(("wallet_get_balance", {"account": other}))
        c.answer(f"Your {other} account has {dollars(balance['balance'])}.")
    return c


def insufficient_funds(w: Writer) -> Conversation:
    """A payment the account cannot cover: the refusal is reported, then the user tops up and retries, or pays
    from another account."""
    account, source = w.rng.sample(ACCOUNTS, 2)
    balances = {account: w.rng.randint(40, 400), source: w.rng.randint(1500, 5000)}
    c = w.conversation("insufficient_funds", ["Wallet"], {"Wallet": {"balances": balances}})
    amount = _amount(w, balances[account] + 20, balances[account] + 600)
    payee = w.rng.choice(w.pools.people)
    c.ask(w.say(c, "wallet.pay", payee=payee, amount=w.money_text(amount), account=account))
    refused, = c.call(("wallet_pay", {"account": account, "payee": payee, "amount": amount}))
    c.answer(say_refusal(refused) + " Should I move money over from another account first?")
    if w.rng.random() < 0.6:
        top_up = int(-(-(amount - refused["balance"]) // 50) * 50) + w.rng.choice([0, 50, 100])
        c.ask(w.say(c, "wallet.top_up_retry", amount=w.money_text(top_up), source=source, account=account))
        moved, = c.call(("wallet_transfer", {"from_account": source, "to_account": account, "amount": top_up}))
        paid, = c.call(("wallet_pay", {"account": account, "payee": payee, "amount": amount}))
        c.answer(f"Moved {dollars(moved['moved'])} from {source} to {account}. {say_payment(paid)}")
    else:
        c.ask(w.say(c, "wallet.pay_instead", account=source))
        paid, = c.call(("wallet_pay", {"account": source, "payee": payee, "amount": amount}))
        c.answer(say_payment(paid))
    return c


def fraction(w: Writer) -> Conversation:
    """A balance, then a share of it moved: the amount exists only in the balance the tool returned."""
    account, target = w.rng.sample(ACCOUNTS, 2)
    balances = {account: w.rng.randint(10, 120) * 40, target: w.rng.randint(100, 3000)}
    c = w.conversation("fraction", ["Wallet"], {"Wallet": {"balances": balances}})
    c.ask(w.say(c, "wallet.balance", account=account))
    balance, = c.call(("wallet_get_balance", {"account": account}))
    c.answer(f"Your {account} account has {dollars(balance['balance'])}.")
    share, words = w.rng.choice(_FRACTIONS)
    amount = round(balance["balance"] * share, 2)
    amount = int(amount) if amount == int(amount) else amount
    c.ask(w.say(c, "wallet.fraction", fraction=words, target=target))
    moved, = c.call(("wallet_transfer", {"from_account": account, "to_account": target, "amount": amount}))
    c.answer(say_transfer(moved))
    return c


def match_temperature(w: Writer) -> Conversation:
    """Read one room's thermostat, give another room the same setting, sometimes light that room."""
    config = home_state(w)
    rooms = sorted(config["rooms"])
    source = w.rng.choice(rooms)
    target = w.rng.choice([r for r in rooms if config["rooms"][r]["target_c"] != config["rooms"][source]["target_c"]]
                          or [r for r in rooms if r != source])
    if config["rooms"][target]["target_c"] == config["rooms"][source]["target_c"]:
        config["rooms"][target]["target_c"] += 1
    config["rooms"][target]["light_on"] = False
    c = w.conversation("match_temperature", ["SmartHome"], {"SmartHome": config})
    c.ask(w.say(c, "home.get_temp", room=room_text(source)))
    room, = c.call(("home_get_room", {"room": source}))
    c.answer(say_room(room))
    c.ask(w.say(c, "home.match", room=room_text(target)))
    result, = c.call(("home_set_thermostat", {"room": target, "target_c": room["target_c"]}))
    c.answer(f"The {room_text(target)} is now set to {result['target_c']}°C (it was {result['was']}°C).")
    if w.rng.random() < 0.5:
        pct = w.rng.choice(range(30, 101, 10))
        c.ask(w.say(c, "home.lights_on_it", pct=pct))
        light, = c.call(("home_set_light", {"room": target, "on": True, "brightness": pct}))
        c.answer(say_light(light))
    return c


def lock_up(w: Writer) -> Conversation:
    """Read the locks, lock exactly the open ones (known only from the result), sometimes a light off."""
    config = home_state(w)
    open_doors = w.rng.sample(sorted(config["locks"]), w.rng.randint(1, 2))
    for door in open_doors:
        config["locks"][door] = False
    lit = w.rng.choice(sorted(config["rooms"]))
    config["rooms"][lit]["light_on"] = True
    c = w.conversation("lock_up", ["SmartHome"], {"SmartHome": config})
    c.ask(w.say(c, "home.locks"))
    locks, = c.call(("home_get_locks", {}))
    unlocked = [door for door, state in locks["locks"].items() if state == "unlocked"]
    doors = join_words([f"{door} door" for door in unlocked])
    c.answer(f"Not all of them: the {doors} {'is' if len(unlocked) == 1 else 'are'} unlocked; the rest are locked.")
    c.ask(w.say(c, "home.lock_rest"))
    c.call(*[("home_set_lock", {"door": door, "locked": True}) for door in unlocked])
    c.answer(f"Locked the {doors}. Every door is locked now.")
    if w.rng.random() < 0.5:
        c.ask(w.say(c, "home.light_off", room=room_text(lit)))
        light, = c.call(("home_set_light", {"room": lit, "on": False}))
        c.answer(say_light(light))
    return c


def dinner_party(w: Writer) -> Conversation:
    """An event added, then a room made ready for it: two tools of two classes in one step."""
    day = w.day()
    home = home_state(w)
    room = "dining_room" if "dining_room" in home["rooms"] else w.rng.choice(sorted(home["rooms"]))
    home["rooms"][room]["light_on"] = False
    target = w.rng.choice([t for t in (19, 20, 20.5, 21, 22, 22.5, 23) if t != home["rooms"][room]["target_c"]])
    config = {"Calendar": calendar_state(w, day, 1), "SmartHome": home}
    c = w.conversation("dinner_party", ["Calendar", "SmartHome"], config)
    booked = {e["title"] for e in config["Calendar"]["events"]}
    title = w.rng.choice([t for t in w.pools.event_titles if t not in booked])
    start = w.free_times([e["start_time"] for e in config["Calendar"]["events"]], 1)[0]
    c.ask(w.say(c, "cal.add", title=w.rng.choice([f"'{title}'", f'"{title}"']), date=w.day_text(day),
                time=w.time_text(start), duration=""))
    added, = c.call(("calendar_add_event", {"title": title, "date": day.isoformat(), "start_time": start}))
    c.answer(f"Added {title} on {day_words(added['added']['date'])} at {clock(start)}.")
    c.ask(w.say(c, "home.prepare", room=room_text(room), temp=_temperature_text(w, target)))
    heat, light = c.call(("home_set_thermostat", {"room": room, "target_c": target}),
                         ("home_set_light", {"room": room, "on": True}))
    c.answer(f"The {room_text(room)} is set to {heat['target_c']}°C and its light is on at {light['brightness']}%.")
    return c


def cancel_and_pay(w: Writer) -> Conversation:
    """List a day, then cancel one of its events (id from the listing) and pay a fee: two classes, one step."""
    day = w.day()
    accounts = w.rng.sample(ACCOUNTS, 2)
    config = {"Calendar": calendar_state(w, day, w.rng.randint(2, 3)), "Wallet": wallet_state(w, accounts)}
    c = w.conversation("cancel_and_pay", ["Calendar", "Wallet"], config)
    c.ask(w.say(c, "cal.list", date=w.day_text(day)))
    listing, = c.call(("calendar_list_events", {"date": day.isoformat()}))
    c.answer(say_day(listing))
    target = w.rng.choice(listing["events"])
    payee, fee, account = w.rng.choice(w.pools.people), w.rng.choice([15, 20, 25, 30, 40, 50, 35, 12.5]), accounts[0]
    c.ask(w.say(c, "cal.cancel_and_pay", event=w.event_ref(target["title"]), payee=payee, fee=w.money_text(fee),
                account=account))
    cancelled, paid = c.call(("calendar_cancel_event", {"event_id": target["id"]}),
                             ("wallet_pay", {"account": account, "payee": payee, "amount": fee}))
    c.answer(f"Cancelled {cancelled['cancelled']['title']}. {say_payment(paid)}")
    return c


def brightness(w: Writer) -> Conversation:
    """A light set, another room read and compared with it, sometimes matched."""
    config = home_state(w)
    first, second = w.rng.sample(sorted(config["rooms"]), 2)
    pct = w.rng.choice([p for p in range(30, 101, 10) if p != config["rooms"][second]["brightness"]])
    c = w.conversation("brightness", ["SmartHome"], {"SmartHome": config})
    c.ask(w.say(c, "home.light_on", room=room_text(first), pct=pct))
    light, = c.call(("home_set_light", {"room": first, "on": True, "brightness": pct}))
    c.answer(say_light(light))
    c.ask(w.say(c, "home.brighter", room=room_text(second)))
    room, = c.call(("home_get_room", {"room": second}))
    level = room["brightness"] if room["light_on"] else 0
    verdict = "brighter" if level > pct else "dimmer"
    state = f"is on at {room['brightness']}%" if room["light_on"] else "is off"
    c.answer(f"The {room_text(second)} light {state}, so it is {verdict} than the {room_text(first)} at {pct}%.")
    if w.rng.random() < 0.5:
        c.ask(w.say(c, "home.same_brightness"))
        light, = c.call(("home_set_light", {"room": second, "on": True, "brightness": pct}))
        c.answer(say_light(light))
    return c


def _amount(w: Writer, low: float, high: float):
    """A payment amount: mostly whole dollars, sometimes with cents."""
    low, high = int(low), max(int(low) + 1, int(high))
    if w.rng.random() < 0.25:
        return w.rng.randint(low * 100, high * 100) / 100
    return w.rng.randint(low, high)


def _temperature_text(w: Writer, target: float) -> str:
    if target != int(target):
        return w.rng.choice([f"{target} degrees", f"{target}°C"])
    return w.rng.choice([f"{int(target)} degrees", f"{int(target)}°C", f"{ph.number_words(int(target))} degrees"])


FLOWS = {flow.__name__: flow for flow in (reschedule, find_and_move, add_and_review, pay_and_check,
                                          insufficient_funds, fraction, match_temperature, lock_up,
                                          dinner_party, cancel_and_pay, brightness)}


# --- the splits -----------------------------------------------------------------------------------

@dataclass
class MultiTurnSplits:
    """The generated conversations: test cases, training rows, and per training row the environment it was
    produced in (for the tests that replay it through the harness)."""

    test: list
    train: list
    train_environments: list

    @property
    def tiny(self) -> list:
        return self.test[:TINY_SIZE]


def _draw(w: Writer, flow: str, forbidden: set) -> Conversation:
    """A conversation of `flow` none of whose user texts is in `forbidden` (normalised)."""
    for _ in range(500):
        c = FLOWS[flow](w)
        if not {normalise_text(text) for text in c.user_texts()} & forbidden:
            return c
    raise RuntimeError(f"no fresh wording left for flow {flow!r}")


def _plan(rng: random.Random, repeats: int) -> list:
    flows = [flow for flow, count in TEST_PLAN.items() for _ in range(count * repeats)]
    rng.shuffle(flows)
    return flows


def build(seed: int) -> MultiTurnSplits:
    """Test conversations first; training conversations then avoid every test user text, compared case-,
    space- and punctuation-insensitively."""
    simulator = load_simulator()
    test_rng, train_rng = random.Random(seed), random.Random(seed + 1)
    tester, trainer = Writer(test_rng, "test", simulator), Writer(train_rng, "train", simulator)
    test = [FLOWS[flow](tester) for flow in _plan(test_rng, 1)]
    forbidden = {normalise_text(text) for c in test for text in c.user_texts()}
    train = [_draw(trainer, flow, forbidden) for flow in _plan(train_rng, TRAIN_REPEATS)]
    return MultiTurnSplits(test=[c.test_case(number) for number, c in enumerate(test)],
                           train=[c.training_example() for c in train],
                           train_environments=[{"classes": c.classes, "initial_config": c.config} for c in train])
