"""The fixed text the `tiny` model's tokenizer is trained on: chat turns, tool signatures, JSON and tool calls.

It is a constant (not read from a suite), so the tokenizer, and with it the model's hash, is the same on every install.
"""
from __future__ import annotations

import json
from typing import Iterator

from harness.backends.prompt_format import TOOL_INSTRUCTIONS

#: Tool signatures in `prompt_format.tool_signature` form, from suites/toolshop/data/tools.json.
TOOL_SIGNATURES = (
    'get_current_weather(location: string, unit?: "celsius"|"fahrenheit") '
    '- Current weather conditions in a place, right now.',
    'get_weather_forecast(location: string, days: integer, unit?: "celsius"|"fahrenheit") '
    '- Weather forecast for the coming days in a place.',
    'search_flights(origin: string, destination: string, date: string, return_date?: string, '
    'passengers?: integer, cabin_class?: "economy"|"premium_economy"|"business"|"first") '
    '- Search flights between two cities on a date.',
    'get_flight_status(flight_number: string, date?: string) - Live status (delays, gate, landing) '
    'of a flight by its number.',
    'search_hotels(city: string, check_in: string, nights: integer, guests?: integer, '
    'max_price?: number, amenities?: list["wifi"|"breakfast"|"parking"|"pool"|"gym"]) '
    '- Find hotels in a city for given dates.',
    'find_restaurants(city: string, '
    'cuisine?: "italian"|"japanese"|"mexican"|"indian"|"thai"|"french"|"chinese"|"vegan"|"seafood"|"korean", '
    'party_size?: integer, price_range?: "cheap"|"moderate"|"expensive") - Find restaurants in a city.',
    'create_event(title: string, date: string, start_time: string, duration_minutes?: integer, '
    'attendees?: list[string], location?: string) - Create a calendar event.',
    'set_reminder(message: string, time: string, date?: string, '
    'repeat?: "none"|"daily"|"weekly"|"monthly") - Remind the user of something at a time.',
    'set_timer(duration_minutes: integer, label?: string) - Start a countdown timer.',
    'convert_currency(amount: number, from_currency: string, to_currency: string) '
    '- Convert an amount of money from one currency to another.',
    'get_exchange_rate(base: string, quote: string, date?: string) '
    '- Exchange rate between two currencies (today unless a date is given).',
    'get_stock_price(symbol: string) - Latest share price for a stock ticker.',
    'transfer_money(amount: number, currency?: string, recipient: {name: string, account: string}, '
    'from_account?: "checking"|"savings", note?: string) '
    "- Send money from the user's bank account to someone else's account.",
    'calculate_loan_payment(principal: number, annual_rate_percent: number, years: integer) '
    '- Monthly payment for a loan or mortgage.',
    'calculate_compound_interest(principal: number, annual_rate_percent: number, years: integer, '
    'compounds_per_year?: 1|4|12|365) - Future value of savings with compound interest.',
    'set_thermostat(temperature: number, unit?: "celsius"|"fahrenheit", mode?: "heat"|"cool"|"auto", '
    'zone?: "living_room"|"bedroom"|"kitchen"|"bathroom"|"office"|"whole_house") '
    '- Set the heating/cooling target temperature.',
    'set_light(room: "living_room"|"bedroom"|"kitchen"|"bathroom"|"office"|"hallway"|"dining_room"|"garden", '
    'on: boolean, brightness?: integer, '
    'color?: "warm_white"|"cool_white"|"red"|"blue"|"green"|"purple"|"orange") '
    "- Switch a room's lights on or off, with optional brightness and color.",
    'set_door_lock(door: "front"|"back"|"garage"|"side", locked: boolean) - Lock or unlock a door.',
    'play_music(query: string, '
    'room?: "living_room"|"bedroom"|"kitchen"|"bathroom"|"office"|"hallway"|"dining_room"|"garden"|'
    '"whole_house", '
    'volume?: integer, shuffle?: boolean) - Play music on the home speakers.',
    'send_email(to: list[string], subject: string, body: string, cc?: list[string]) - Send an email.',
    'send_sms(phone_number: string, message: string) - Send a text message to a phone number.',
    'post_message(channel: string, text: string, urgent?: boolean) '
    '- Post a message to a team chat channel.',
)

#: (user request, calls as (name, arguments)); an empty call list is a plain-text answer.
EXCHANGES = (
    ("What's the weather like in Paris right now?", [("get_current_weather", {"location": "Paris"})]),
    ("Forecast for Tokyo for the next 5 days in fahrenheit, please.",
     [("get_weather_forecast", {"location": "Tokyo", "days": 5, "unit": "fahrenheit"})]),
    ("Find me a flight from Berlin to Lisbon on 2026-05-14 for two people in business class.",
     [("search_flights", {"origin": "Berlin", "destination": "Lisbon", "date": "2026-05-14", "passengers": 2,
                          "cabin_class": "business"})]),
    ("Is flight LH 402 on time today?", [("get_flight_status", {"flight_number": "LH402"})]),
    ("Find a hotel in Sydney from 2026-07-10 for twelve nights with wifi and breakfast.",
     [("search_hotels", {"city": "Sydney", "check_in": "2026-07-10", "nights": 12,
                         "amenities": ["wifi", "breakfast"]})]),
    ("Any cheap thai places in Chicago for a party of 4?",
     [("find_restaurants", {"city": "Chicago", "cuisine": "thai", "party_size": 4, "price_range": "cheap"})]),
    ("Put a 45 minute meeting 'Budget review' on 2026-03-02 at 14:30 with anna@example.com.",
     [("create_event", {"title": "Budget review", "date": "2026-03-02", "start_time": "14:30", "duration_minutes": 45,
                        "attendees": ["anna@example.com"]})]),
    ("Remind me to take my medication at 10:00 pm every day.",
     [("set_reminder", {"message": "take my medication", "time": "22:00", "repeat": "daily"})]),
    ("Set a timer for 8 minutes called pasta.", [("set_timer", {"duration_minutes": 8, "label": "pasta"})]),
    ("Convert 250 euros to US dollars and show me the GBP to JPY rate.",
     [("convert_currency", {"amount": 250, "from_currency": "EUR", "to_currency": "USD"}),
      ("get_exchange_rate", {"base": "GBP", "quote": "JPY"})]),
    ("How is AAPL trading?", [("get_stock_price", {"symbol": "AAPL"})]),
    ("bank transfer: 450 canadian dollars to james chen, acct 777523318397",
     [("transfer_money", {"amount": 450, "currency": "CAD",
                          "recipient": {"name": "James Chen", "account": "777523318397"}})]),
    ("How much per month to repay $300,000 over ten years at an annual rate of 9%?",
     [("calculate_loan_payment", {"principal": 300000, "annual_rate_percent": 9, "years": 10})]),
    ("If I save 5000 at 3.5% compounded monthly for 20 years, what do I end up with?",
     [("calculate_compound_interest", {"principal": 5000, "annual_rate_percent": 3.5, "years": 20,
                                       "compounds_per_year": 12})]),
    ("Heat the bedroom to 21 degrees.", [("set_thermostat", {"temperature": 21, "mode": "heat", "zone": "bedroom"})]),
    ("Please unlock the back and side doors and turn on the office lights at 60% brightness.",
     [("set_door_lock", {"door": "back", "locked": False}), ("set_door_lock", {"door": "side", "locked": False}),
      ("set_light", {"room": "office", "on": True, "brightness": 60})]),
    ("Play some jazz in the kitchen, shuffled, volume 30.",
     [("play_music", {"query": "jazz", "room": "kitchen", "volume": 30, "shuffle": True})]),
    ("Shoot nina.larsen@uni.edu an email titled 'Dinner plans' that says \"Traffic is terrible, start without me\".",
     [("send_email", {"to": ["nina.larsen@uni.edu"], "subject": "Dinner plans",
                      "body": "Traffic is terrible, start without me"})]),
    ("Text +1 415 555 0199: running ten minutes late.",
     [("send_sms", {"phone_number": "+14155550199", "message": "running ten minutes late"})]),
    ("Tell #ops that the deploy is done, mark it urgent.",
     [("post_message", {"channel": "#ops", "text": "the deploy is done", "urgent": True})]),
    ("Who wrote Pride and Prejudice?", []),
    ("Can you tell me a joke about computers?", []),
    ("What is the capital of France?", []),
)

PLAIN_ANSWERS = (
    "Pride and Prejudice was written by Jane Austen and published in 1813.",
    "Why did the computer go to the doctor? Because it had a virus.",
    "The capital of France is Paris.",
    "I can't do that with the functions I have, but here is what I know.",
    "Sure! Let me know if there is anything else I can help you with.",
)


def corpus() -> Iterator[str]:
    """The training texts, in a fixed order: one system prompt with every tool, then ChatML exchanges."""
    system = TOOL_INSTRUCTIONS.format(signatures="\n".join(TOOL_SIGNATURES))
    yield system
    answers = iter(PLAIN_ANSWERS)
    for request, calls in EXCHANGES:
        lines = [f'<tool_call>{json.dumps({"name": name, "arguments": args}, ensure_ascii=False)}</tool_call>'
                 for name, args in calls]
        answer = "\n".join(lines) if lines else next(answers)
        yield (f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{request}<|im_end|>\n"
               f"<|im_start|>assistant\n{answer}<|im_end|>\n")
        yield json.dumps([{"type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
                          for name, args in calls])
    yield from PLAIN_ANSWERS
