"""Messages that need no tool call: general questions, chit-chat, and questions that sound like a tool's
domain but ask for knowledge, not an action. Each comes with a plain-text reply for training.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from toolshop_gen.entities import Pools

CAPITALS = [("Australia", "Canberra"), ("Canada", "Ottawa"), ("Brazil", "Brasília"), ("Japan", "Tokyo"),
            ("Kenya", "Nairobi"), ("Norway", "Oslo"), ("Egypt", "Cairo"), ("Peru", "Lima"), ("Poland", "Warsaw"),
            ("Vietnam", "Hanoi"), ("Turkey", "Ankara"), ("Chile", "Santiago"), ("Portugal", "Lisbon"),
            ("Morocco", "Rabat"), ("Thailand", "Bangkok"), ("Argentina", "Buenos Aires"), ("Ireland", "Dublin"),
            ("New Zealand", "Wellington"), ("Greece", "Athens"), ("South Korea", "Seoul"), ("Austria", "Vienna"),
            ("Finland", "Helsinki"), ("Mexico", "Mexico City"), ("India", "New Delhi")]
TRANSLATIONS = {("thank you", "Spanish"): "gracias", ("thank you", "French"): "merci", ("thank you", "German"): "danke",
                ("good morning", "Spanish"): "buenos días", ("good morning", "French"): "bonjour",
                ("good morning", "German"): "guten Morgen", ("good night", "Italian"): "buona notte",
                ("good night", "Spanish"): "buenas noches", ("cheers", "German"): "prost",
                ("thank you", "Italian"): "grazie", ("see you soon", "French"): "à bientôt",
                ("hello", "Japanese"): "konnichiwa"}
WORDS = ["planet", "garden", "window", "market", "silver", "pocket", "bridge", "lantern", "thunder", "velvet",
         "harbor", "circle", "orange", "pencil", "rocket", "meadow"]
TOPICS = ["autumn", "the ocean", "coffee", "city lights", "a quiet morning", "snow", "old friends", "the moon",
          "spring rain", "a long train ride", "mountains", "a cat asleep"]

# (question, reply); every third entry (from the third) is held out for test.
FIXED = [
    ("What does APR mean on a loan?", "APR is the annual percentage rate: the yearly cost of borrowing, fees included."),
    ("Why is the sky blue?", "Air scatters blue sunlight more than red, so the sky looks blue."),
    ("How do thermostats work?", "A thermostat measures the temperature and switches heating or cooling on and off to hold your setting."),
    ("What's the difference between weather and climate?", "Weather is what happens day to day; climate is the long-term average."),
    ("Who wrote Pride and Prejudice?", "Jane Austen wrote Pride and Prejudice, published in 1813."),
    ("How many continents are there?", "There are seven continents."),
    ("What is the boiling point of water?", "Water boils at 100 °C (212 °F) at sea level."),
    ("Can you explain what a stock split is?", "A stock split gives shareholders more shares at a lower price each; the total value stays the same."),
    ("Why do planes fly so high?", "Thinner air at altitude means less drag, so planes burn less fuel up there."),
    ("Any tips for falling asleep faster?", "Keep a regular bedtime, dim the screens an hour before, and keep the room cool."),
    ("How do I write a polite follow-up email?", "Keep it short: thank them, restate your question, and suggest a next step."),
    ("Hi there!", "Hello! How can I help you today?"),
    ("Thanks, that's all for now!", "You're welcome! Have a great day."),
    ("Tell me a joke.", "Why did the scarecrow win an award? He was outstanding in his field."),
    ("What's the longest river in the world?", "The Nile, by most measurements, with the Amazon close behind."),
    ("Is it bad to leave my phone charging overnight?", "Modern phones stop charging when full, so it's generally fine."),
    ("How do airlines decide ticket prices?", "Mostly by demand: prices rise as seats sell and the date gets closer."),
    ("When was the euro introduced?", "The euro launched in 1999; notes and coins followed in 2002."),
    ("Should I pay by card or cash when I travel abroad?", "A card without foreign fees usually gets the best rate; keep a little cash too."),
    ("How long should I boil an egg?", "About 7 minutes for a jammy yolk, 10 for hard-boiled."),
    ("What time zone is Tokyo in?", "Tokyo uses Japan Standard Time, UTC+9."),
    ("How much should I tip at a restaurant in the US?", "Around 15 to 20 percent is usual."),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci painted the Mona Lisa."),
    ("What year did humans first land on the moon?", "Apollo 11 landed on the moon in 1969."),
    ("How many ounces are in a pound?", "There are 16 ounces in a pound."),
    ("Can you recommend a good book?", "Try 'The Left Hand of Darkness' by Ursula K. Le Guin."),
    ("What's the difference between a mortgage and a personal loan?", "A mortgage is secured by a home and runs longer; a personal loan is usually unsecured and shorter."),
    ("Why do my lights flicker sometimes?", "Often a loose bulb or a dimmer that doesn't suit the bulb; persistent flicker is worth an electrician."),
    ("What is a smart lock?", "A door lock you can open with a phone, code or schedule instead of only a key."),
    ("How can I make my emails sound more professional?", "Use a clear subject, short paragraphs, and a specific request at the end."),
    ("What's a good bedroom temperature for sleeping?", "Around 16 to 19 °C (60 to 67 °F) suits most people."),
    ("Is it cheaper to fly midweek?", "Often, yes: Tuesday and Wednesday flights tend to cost less."),
    ("What's the tallest mountain on Earth?", "Mount Everest, at 8,849 metres."),
    ("Good morning!", "Good morning! What can I do for you?"),
    ("How does compound interest differ from simple interest?", "Compound interest also earns interest on past interest; simple interest only on the principal."),
    ("What's the best way to learn a new language?", "A little every day, lots of listening, and speaking early, even badly."),
]


@dataclass(frozen=True)
class NoCallTemplate:
    id: str
    make: Callable  # (rng, pools) -> (question, reply)
    held_out: bool = False


def _capital(rng, pools: Pools, phrasing: str):
    country, capital = rng.choice(pools.pick(CAPITALS))
    return phrasing.format(country=country), f"The capital of {country} is {capital}."


def _times(rng, pools, phrasing: str):
    a, b = rng.randint(3, 99), rng.randint(3, 99)
    return phrasing.format(a=a, b=b), f"{a} times {b} is {a * b}."


def _percent(rng, pools, phrasing: str):
    p, n = rng.choice([5, 10, 12, 15, 20, 25, 30, 40]), rng.choice(range(40, 2000, 10))
    return phrasing.format(p=p, n=n), f"{p}% of {n} is {p * n / 100:g}."


def _inches(rng, pools, phrasing: str):
    n = rng.randint(2, 60)
    return phrasing.format(n=n), f"{n} inches is {n * 2.54:.1f} centimetres."


def _translate(rng, pools, phrasing: str):
    (phrase, language), answer = rng.choice(pools.pick(sorted(TRANSLATIONS.items())))
    return phrasing.format(phrase=phrase, language=language), f"In {language}, '{phrase}' is '{answer}'."


def _backwards(rng, pools, phrasing: str):
    word = rng.choice(pools.pick(WORDS))
    return phrasing.format(word=word), f"'{word}' backwards is '{word[::-1]}'."


def _haiku(rng, pools, phrasing: str):
    topic = rng.choice(pools.pick(TOPICS))
    return phrasing.format(topic=topic), f"Here is one:\n{topic.capitalize()}, soft and near,\nthe hours lean into light,\nnothing needs to move."


def _templated(key: str, make, phrasing: str, held_out: bool = False) -> NoCallTemplate:
    return NoCallTemplate(key, lambda rng, pools: make(rng, pools, phrasing), held_out)


TEMPLATES: list[NoCallTemplate] = [
    _templated("capital/0", _capital, "What's the capital of {country}?"),
    _templated("capital/1", _capital, "Remind me, which city is the capital of {country}?"),
    _templated("capital/2", _capital, "I always forget: what is {country}'s capital city?", held_out=True),
    _templated("times/0", _times, "What is {a} times {b}?"),
    _templated("times/1", _times, "Quick maths: {a} x {b}?"),
    _templated("times/2", _times, "Can you multiply {a} by {b} for me?", held_out=True),
    _templated("percent/0", _percent, "What's {p}% of {n}?"),
    _templated("percent/1", _percent, "Work out {p} percent of {n}, please.", held_out=True),
    _templated("inches/0", _inches, "How many centimetres are in {n} inches?"),
    _templated("inches/1", _inches, "Convert {n} inches to centimetres.", held_out=True),
    _templated("translate/0", _translate, "How do you say '{phrase}' in {language}?"),
    _templated("translate/1", _translate, "Translate '{phrase}' into {language}.", held_out=True),
    _templated("backwards/0", _backwards, "How do you spell '{word}' backwards?"),
    _templated("backwards/1", _backwards, "Reverse the letters of '{word}'.", held_out=True),
    _templated("haiku/0", _haiku, "Write a haiku about {topic}."),
    _templated("haiku/1", _haiku, "Could you write me a short poem about {topic}?", held_out=True),
] + [NoCallTemplate(f"fixed/{i}", (lambda q, a: lambda rng, pools: (q, a))(q, a), held_out=(i % 3 == 2))
     for i, (q, a) in enumerate(FIXED)]

NEAR_MISS_REPLIES = [
    "Sorry, I can't {capability} with the tools I have here.",
    "None of the tools available to me can {capability}, so I can't do that right now.",
    "I don't have a way to {capability} at the moment. Is there something else I can help with?",
    "That needs a tool I don't have: I can't {capability} here.",
]


def templates_for(side: str) -> list[NoCallTemplate]:
    """Test draws from held-out templates and from slot templates (whose values are split by side);
    train and the example bank never see a held-out template."""
    if side == "test":
        return [t for t in TEMPLATES if t.held_out or not t.id.startswith("fixed/")]
    return [t for t in TEMPLATES if not t.held_out]
