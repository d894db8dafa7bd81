"""Simulated home-office services for toolshop's multi-turn conversations: a calendar, a smart home, a wallet.

State lives in public, JSON-able attributes (what the checker compares after every turn); every call answers
with a JSON-able dict. Refusals (insufficient funds, an unknown event or room) come back as data with an
`error` key, as a real API answers, so a model reads them and recovers. No clock, no randomness: the same
calls on the same initial state always give the same results, which the training data relies on.
"""
from __future__ import annotations

import re

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _number(value):
    """A money amount or temperature in one canonical form, so 50 and 50.0 give the same state and the same
    result text (the checker compares result texts exactly)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def _flag(value, name: str) -> bool:
    """A boolean argument; "false" as a string would read as true, so anything but a bool is refused."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be true or false, got {value!r}")
    return value


def _format_error(date: str | None = None, time: str | None = None) -> dict | None:
    if date is not None and not (isinstance(date, str) and _DATE.match(date)):
        return {"error": f"date must be YYYY-MM-DD, got {date!r}"}
    if time is not None and not (isinstance(time, str) and _TIME.match(time)):
        return {"error": f"time must be HH:MM (24-hour), got {time!r}"}
    return None


class Calendar:
    """Events with an id, a title, a day, a start time and a length; ids are what move and cancel take."""

    def __init__(self) -> None:
        self.events: list = []  # {"id", "title", "date", "start_time", "duration_minutes"}
        self._next_id = 1

    def _load_scenario(self, config: dict, long_context: bool = False) -> None:
        self.events = [dict(event) for event in config.get("events", [])]
        numbers = [int(event["id"].split("-")[1]) for event in self.events]
        self._next_id = max(numbers, default=100) + 1

    def _find(self, event_id: str) -> dict | None:
        return next((event for event in self.events if event["id"] == event_id), None)

    def calendar_list_events(self, date: str) -> dict:
        """The events on one day, earliest first."""
        problem = _format_error(date=date)
        if problem:
            return problem
        day = sorted((event for event in self.events if event["date"] == date), key=lambda e: e["start_time"])
        return {"date": date, "events": [{key: event[key] for key in ("id", "title", "start_time",
                                                                      "duration_minutes")} for event in day]}

    def calendar_add_event(self, title: str, date: str, start_time: str, duration_minutes: int = 60) -> dict:
        """Add an event; the answer carries its new id."""
        problem = _format_error(date=date, time=start_time)
        if problem:
            return problem
        if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or duration_minutes <= 0:
            return {"error": f"duration_minutes must be a positive whole number, got {duration_minutes!r}"}
        event = {"id": f"ev-{self._next_id}", "title": title, "date": date, "start_time": start_time,
                 "duration_minutes": duration_minutes}
        self._next_id += 1
        self.events.append(event)
        return {"added": dict(event)}

    def calendar_move_event(self, event_id: str, start_time: str, date: str | None = None) -> dict:
        """Give an event a new start time, and a new day when `date` is given."""
        event = self._find(event_id)
        if event is None:
            return {"error": f"no event with id {event_id!r}"}
        problem = _format_error(date=date, time=start_time)
        if problem:
            return problem
        was = {"date": event["date"], "start_time": event["start_time"]}
        event["start_time"] = start_time
        if date is not None:
            event["date"] = date
        return {"moved": dict(event), "was": was}

    def calendar_cancel_event(self, event_id: str) -> dict:
        """Remove an event."""
        event = self._find(event_id)
        if event is None:
            return {"error": f"no event with id {event_id!r}"}
        self.events.remove(event)
        return {"cancelled": event}


class SmartHome:
    """Rooms (light on/off, brightness, thermostat target) and door locks."""

    def __init__(self) -> None:
        self.rooms: dict = {}  # room -> {"light_on": bool, "brightness": 0-100, "target_c": number}
        self.locks: dict = {}  # door -> True when locked

    def _load_scenario(self, config: dict, long_context: bool = False) -> None:
        self.rooms = {room: dict(state) for room, state in config.get("rooms", {}).items()}
        self.locks = dict(config.get("locks", {}))

    def _unknown_room(self, room: str) -> dict:
        return {"error": f"no room named {room!r}", "rooms": sorted(self.rooms)}

    def home_get_room(self, room: str) -> dict:
        """A room's light and thermostat setting."""
        if room not in self.rooms:
            return self._unknown_room(room)
        return {"room": room, **self.rooms[room]}

    def home_set_light(self, room: str, on: bool, brightness: int | None = None) -> dict:
        """Switch a room's light on or off, optionally at a brightness (percent)."""
        if room not in self.rooms:
            return self._unknown_room(room)
        on = _flag(on, "on")
        if brightness is not None and (isinstance(brightness, bool) or not isinstance(brightness, int)
                                       or not 0 <= brightness <= 100):
            return {"error": f"brightness must be a whole number from 0 to 100, got {brightness!r}"}
        state = self.rooms[room]
        state["light_on"] = on
        if brightness is not None:
            state["brightness"] = brightness
        return {"updated": room, "light_on": state["light_on"], "brightness": state["brightness"]}

    def home_set_thermostat(self, room: str, target_c: float) -> dict:
        """Set a room's target temperature in degrees Celsius (10 to 30)."""
        if room not in self.rooms:
            return self._unknown_room(room)
        target = _number(target_c)
        if not 10 <= target <= 30:
            return {"error": f"target_c must be between 10 and 30, got {target}"}
        previous = self.rooms[room]["target_c"]
        self.rooms[room]["target_c"] = target
        return {"updated": room, "target_c": target, "was": previous}

    def home_get_locks(self) -> dict:
        """Every door and whether it is locked."""
        return {"locks": {door: "locked" if locked else "unlocked" for door, locked in sorted(self.locks.items())}}

    def home_set_lock(self, door: str, locked: bool) -> dict:
        """Lock or unlock a door."""
        if door not in self.locks:
            return {"error": f"no door named {door!r}", "doors": sorted(self.locks)}
        self.locks[door] = _flag(locked, "locked")
        return {"door": door, "state": "locked" if locked else "unlocked"}


class Wallet:
    """Account balances, payments to people and transfers between the user's own accounts."""

    def __init__(self) -> None:
        self.balances: dict = {}  # account -> amount
        self.payments: list = []  # {"account", "payee", "amount"}
        self.transfers: list = []  # {"from_account", "to_account", "amount"}

    def _load_scenario(self, config: dict, long_context: bool = False) -> None:
        self.balances = {account: _number(amount) for account, amount in config.get("balances", {}).items()}

    def _unknown_account(self, account: str) -> dict:
        return {"error": f"no account named {account!r}", "accounts": sorted(self.balances)}

    def _refusal(self, account: str, amount, **request) -> dict | None:
        """Why `amount` cannot leave `account`, as data; None when it can. A refusal repeats the request
        (`request`: the payee or the target account), so two different refused calls never read the same."""
        if account not in self.balances:
            return self._unknown_account(account)
        if amount <= 0:
            return {"error": f"amount must be positive, got {amount}"}
        if amount > self.balances[account]:
            return {"error": "insufficient funds", "account": account, "balance": self.balances[account],
                    "amount": amount, **request}
        return None

    def wallet_get_balance(self, account: str) -> dict:
        """The balance of one account."""
        if account not in self.balances:
            return self._unknown_account(account)
        return {"account": account, "balance": self.balances[account]}

    def wallet_pay(self, account: str, payee: str, amount: float) -> dict:
        """Pay someone from an account; refused when the account holds less than the amount."""
        amount = _number(amount)
        refusal = self._refusal(account, amount, payee=payee)
        if refusal:
            return refusal
        self.balances[account] = _number(self.balances[account] - amount)
        self.payments.append({"account": account, "payee": payee, "amount": amount})
        return {"paid": payee, "amount": amount, "account": account, "balance": self.balances[account]}

    def wallet_transfer(self, from_account: str, to_account: str, amount: float) -> dict:
        """Move money between two of the user's accounts; refused when the source holds less than the amount."""
        amount = _number(amount)
        refusal = self._refusal(from_account, amount, to_account=to_account)
        if refusal:
            return refusal
        if to_account not in self.balances:
            return self._unknown_account(to_account)
        if to_account == from_account:
            return {"error": "from_account and to_account must differ"}
        self.balances[from_account] = _number(self.balances[from_account] - amount)
        self.balances[to_account] = _number(self.balances[to_account] + amount)
        self.transfers.append({"from_account": from_account, "to_account": to_account, "amount": amount})
        return {"moved": amount, "from_account": from_account, "from_balance": self.balances[from_account],
                "to_account": to_account, "to_balance": self.balances[to_account]}
