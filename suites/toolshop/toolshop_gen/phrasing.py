"""Surface forms: numbers in words or digits, dates and times in several formats, money amounts,
distractor clauses and the connectors that join two requests into one message.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from toolshop_gen.entities import CURRENCIES

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def number_words(n: int) -> str:
    """English words for 0 <= n < 1,000,000 ("two hundred and fifty", "seventy-two")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + (" and " + number_words(rest) if rest else "")
    rest = n % 1000
    head = number_words(n // 1000) + " thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + number_words(rest)


def number_text(rng, n: int, words: float = 0.4) -> str:
    """`n` in digits, or in words with probability `words` (only for numbers that read naturally)."""
    readable = n <= 20 or (n < 100 and n % 5 == 0) or (n < 10000 and n % 100 == 0)
    return number_words(n) if readable and rng.random() < words else str(n)


def count_text(rng, n: int, singular: str, plural: str | None = None, words: float = 0.4) -> str:
    """"3 days", "three days", "1 night", "a night"."""
    plural = plural or singular + "s"
    if n == 1:
        return rng.choice([f"1 {singular}", f"one {singular}", f"a {singular}"])
    return f"{number_text(rng, n, words)} {plural}"


def hyphen_count(rng, n: int, unit: str) -> str:
    """"5-day", "five-day"."""
    return f"{number_text(rng, n, 0.5)}-{unit}"


def random_date(rng, start: date = date(2026, 1, 5), span_days: int = 330) -> date:
    return start + timedelta(days=rng.randrange(span_days))


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_text(rng, day: date) -> str:
    """A date with its year, in one of several formats (all unambiguous)."""
    month = _MONTHS[day.month - 1]
    formats = [day.isoformat(), f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}",
               f"{month[:3]} {day.day} {day.year}", f"the {ordinal(day.day)} of {month} {day.year}",
               f"{month} {ordinal(day.day)}, {day.year}"]
    return rng.choice(formats)


def time_text(rng, hour: int, minute: int) -> str:
    """"15:30", "3:30 pm", "3pm", "noon", "half past three in the afternoon"."""
    twelve = hour % 12 or 12
    half = "am" if hour < 12 else "pm"
    options = [f"{hour:02d}:{minute:02d}", f"{twelve}:{minute:02d} {half}"]
    if minute == 0:
        options += [f"{twelve}{half}", f"{twelve} {half}", f"{twelve} o'clock {_part_of_day(hour)}"]
        if hour == 12:
            options.append("noon")
    if minute == 30:
        options.append(f"half past {number_words(twelve)} {_part_of_day(hour)}")
    return rng.choice(options)


def _part_of_day(hour: int) -> str:
    return "in the morning" if hour < 12 else "in the afternoon" if hour < 18 else "in the evening"


def random_time(rng, first_hour: int = 7, last_hour: int = 21) -> tuple[int, int]:
    return rng.randint(first_hour, last_hour), rng.choice([0, 0, 0, 15, 30, 30, 45])


def amount_digits(rng, amount: float) -> str:
    """"1250", "1,250", "99.50"."""
    if amount != int(amount):
        return f"{amount:.2f}"
    whole = int(amount)
    return f"{whole:,}" if whole >= 1000 and rng.random() < 0.5 else str(whole)


def money_text(rng, amount: float, code: str) -> str:
    """An amount with its currency: "$250", "250 euros", "EUR 250", "two hundred yen"."""
    plural, _, symbol = CURRENCIES[code]
    digits = amount_digits(rng, amount)
    options = [f"{digits} {plural}", f"{digits} {code}", f"{code} {digits}"]
    if symbol:
        options.append(f"{symbol}{digits}")
    if code == "USD":
        options.append(f"{digits} dollars")
    if amount == int(amount) and int(amount) % 50 == 0 and int(amount) <= 5000:
        options.append(f"{number_words(int(amount))} {plural}")
    return rng.choice(options)


def currency_text(rng, code: str, singular: bool = False) -> str:
    plural, single, _ = CURRENCIES[code]
    return rng.choice([code, single if singular else plural])


def random_amount(rng) -> float:
    kind = rng.random()
    if kind < 0.45:
        return float(rng.choice([20, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 5000]))
    if kind < 0.8:
        return float(rng.randint(11, 2999))
    return rng.randint(1000, 99999) / 100


def numeric_values(value: float) -> list:
    """Acceptable values for a JSON number: the float, plus the int when the value is whole."""
    return [value, int(value)] if value == int(value) else [value]


# Clauses that add context without changing the request. Those ending in "_test" are held out.
DISTRACTORS: dict[str, list[str]] = {
    "weather": ["I'm packing for a trip, so", "Before I decide what to wear:", "Quick question -",
                "I'm planning a picnic.", "My flight leaves tomorrow morning, so"],
    "weather_test": ["I keep forgetting to check this myself:", "Thinking about going for a run -"],
    "travel": ["I'm planning a holiday with my partner.", "Work is sending me abroad.", "Quick one:",
               "I've got some vacation days to use up, so"],
    "travel_test": ["My manager just approved the trip!", "Planning ahead for the summer -"],
    "time": ["My week is chaotic.", "Before I forget:", "Hey assistant,", "I'm terrible with schedules."],
    "time_test": ["This is important, so", "While I think of it -"],
    "money": ["I'm sorting out my finances.", "Quick money question:", "For my budget spreadsheet,",
              "My accountant asked about this."],
    "money_test": ["I'm trying to save more this year.", "Just curious -"],
    "loans": ["We're thinking about buying a house.", "I'm comparing offers from two banks.", "Quick question:"],
    "loans_test": ["My financial planner mentioned this.", "Doing some math for the future -"],
    "home": ["I just got home.", "I'm in bed already.", "Hey,", "Guests are arriving soon."],
    "home_test": ["I'm on the couch and too lazy to get up.", "We're about to watch a movie."],
    "messaging": ["I'm stuck in a meeting.", "My hands are full right now.", "Quick favour:",
                  "I can't reach my phone,"],
    "messaging_test": ["I'm driving, so", "Before I go to sleep -"],
}

CONNECTORS = [" Also, ", " And ", " Then ", " After that, ", " Oh, and ", " Plus, ", " ", " Next, "]
CONNECTORS_TEST = [" Additionally, ", " Once that's done, ", " At the same time, "]
THANKS = [" Thanks!", " Thank you.", " Cheers.", " Thanks a lot."]


def decapitalise(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym, a name or "I"."""
    first_word = text.split(" ", 1)[0]
    if first_word in ("I", "I'm", "I'd", "I've", "I'll") or len(text) < 2 or text[1].isupper():
        return text
    return text[0].lower() + text[1:]


def attach(lead: str, text: str) -> str:
    """`lead` + `text`, lower-casing the text's first letter unless `lead` ends a sentence."""
    return lead + (text if lead.rstrip()[-1:] in (".", "!", "?", "") else decapitalise(text))


def casual(text: str) -> str | None:
    """All lower case without the final full stop, as people type; None when codes would change."""
    if re.search(r"[A-Z]{2,}|[A-Z][0-9]", text):
        return None  # tickers, currency and flight codes must keep their case
    return text.lower().rstrip(".")


def normalise_text(text: str) -> str:
    """The key used to reject near-duplicates: case-, whitespace- and punctuation-insensitive."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
