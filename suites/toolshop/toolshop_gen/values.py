"""Shared value samplers: each returns the text a user would write and the `Value` a tool call needs."""
from __future__ import annotations

import itertools

from toolshop_gen import phrasing as ph
from toolshop_gen.intent import Value, val


def city(rng, pools, iata: bool = False, exclude: tuple[str, ...] = ()) -> tuple[str, Value, str]:
    """(text, value, canonical name); the text is the name, an alias, or (flights) the airport code."""
    name, aliases, code = rng.choice([c for c in pools.cities if c[0] not in exclude])
    accept = [name, *aliases] + ([code] if iata and code else [])
    roll = rng.random()
    if iata and code and roll < 0.2:
        text = code
    elif aliases and roll > 0.75:
        text = rng.choice(aliases)
    else:
        text = name
    return text, Value(accept, name if text != code else code), name


def date_value(rng, day=None) -> tuple[str, Value, object]:
    day = day or ph.random_date(rng)
    return ph.date_text(rng, day), val(day.isoformat()), day


def time_value(rng, first_hour: int = 7, last_hour: int = 21) -> tuple[str, Value]:
    hour, minute = ph.random_time(rng, first_hour, last_hour)
    return ph.time_text(rng, hour, minute), val(f"{hour:02d}:{minute:02d}")


def count_value(rng, low: int, high: int, singular: str, plural: str | None = None) -> tuple[str, Value, int]:
    n = rng.randint(low, high)
    return ph.count_text(rng, n, singular, plural), val(n), n


def number_value(value: float) -> Value:
    accept = ph.numeric_values(value)
    return Value(accept, accept[-1] if value == int(value) else value)


def email_of(name: str, domain: str) -> str:
    first, last = name.lower().replace("í", "i").split(" ", 1)
    return f"{first}.{last.replace(' ', '')}@{domain}"


def emails(rng, pools, count: int, exclude: tuple[str, ...] = ()) -> list[str]:
    """Addresses of `count` different people, none of whom already has an address in `exclude`."""
    taken = {address.split("@")[0] for address in exclude}
    people = rng.sample([p for p in pools.people if email_of(p, "x").split("@")[0] not in taken], count)
    return [email_of(person, rng.choice(pools.domains)) for person in people]


def join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def list_value(items: list) -> Value:
    """A list argument named in a sentence: any order is acceptable."""
    orders = [list(p) for p in itertools.permutations(items)]
    return Value(orders, list(items))


def phone(rng) -> tuple[str, Value]:
    country, digits = rng.choice([("1", 10), ("44", 10), ("49", 11), ("33", 9), ("61", 9), ("91", 10)])
    number = "".join(str(rng.randint(1 if i == 0 else 0, 9)) for i in range(digits))
    canonical = f"+{country}{number}"
    split = f"+{country} {number[:3]} {number[3:6]} {number[6:]}"
    dashed = f"+{country}-{number[:3]}-{number[3:6]}-{number[6:]}"
    return rng.choice([canonical, canonical, split, dashed]), val(canonical)


def quoted(rng, text: str) -> str:
    return rng.choice([f"'{text}'", f'"{text}"'])
