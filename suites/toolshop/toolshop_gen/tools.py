"""The toolshop tool library: 22 tools across travel, calendar, finance, smart home and messaging.

Descriptions stay short because small models see every offered tool in their context window;
families group the deliberately similar tools that make tool selection a real test.
"""
from __future__ import annotations

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}
TIME = {"type": "string", "pattern": r"^\d{2}:\d{2}$", "description": "HH:MM, 24-hour"}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}
EMAIL = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[a-z]+$"}
UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}
ROOMS = ["living_room", "bedroom", "kitchen", "bathroom", "office", "hallway", "dining_room", "garden"]
AMENITIES = ["wifi", "breakfast", "parking", "pool", "gym"]
CUISINES = ["italian", "japanese", "mexican", "indian", "thai", "french", "chinese", "vegan", "seafood",
            "korean"]


def _tool(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required}}}


def _s(description: str | None = None, **extra) -> dict:
    schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _int(minimum: int, maximum: int, description: str | None = None, **extra) -> dict:
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum, **extra}
    if description:
        schema["description"] = description
    return schema


def _num(description: str | None = None, **extra) -> dict:
    schema = {"type": "number", **extra}
    if description:
        schema["description"] = description
    return schema


TOOLS: list[dict] = [
    # --- weather (travel) ---------------------------------------------------------------------
    _tool("get_current_weather", "Current weather conditions in a place, right now.",
          {"location": _s("City name, e.g. 'Paris'"), "unit": UNIT}, ["location"]),
    _tool("get_weather_forecast", "Weather forecast for the coming days in a place.",
          {"location": _s("City name"), "days": _int(1, 10, "Number of days ahead"), "unit": UNIT},
          ["location", "days"]),
    # --- travel -------------------------------------------------------------------------------
    _tool("search_flights", "Search flights between two cities on a date.",
          {"origin": _s("City or IATA airport code"), "destination": _s("City or IATA airport code"),
           "date": DATE, "return_date": DATE, "passengers": _int(1, 9, default=1),
           "cabin_class": _s(enum=["economy", "premium_economy", "business", "first"], default="economy")},
          ["origin", "destination", "date"]),
    _tool("get_flight_status", "Live status (delays, gate, landing) of a flight by its number.",
          {"flight_number": _s("e.g. 'BA117'", pattern="^[A-Z0-9]{2}[0-9]{1,4}$"), "date": DATE},
          ["flight_number"]),
    _tool("search_hotels", "Find hotels in a city for given dates.",
          {"city": _s(), "check_in": DATE, "nights": _int(1, 30), "guests": _int(1, 10, default=1),
           "max_price": _num("Max price per night, USD", exclusiveMinimum=0),
           "amenities": {"type": "array", "items": {"type": "string", "enum": AMENITIES}, "uniqueItems": True}},
          ["city", "check_in", "nights"]),
    _tool("find_restaurants", "Find restaurants in a city.",
          {"city": _s(), "cuisine": _s(enum=CUISINES), "party_size": _int(1, 20, default=2),
           "price_range": _s(enum=["cheap", "moderate", "expensive"])},
          ["city"]),
    # --- calendar -----------------------------------------------------------------------------
    _tool("create_event", "Create a calendar event.",
          {"title": _s(), "date": DATE, "start_time": TIME,
           "duration_minutes": _int(5, 480, default=60),
           "attendees": {"type": "array", "items": EMAIL, "description": "Email addresses"},
           "location": _s()},
          ["title", "date", "start_time"]),
    _tool("set_reminder", "Remind the user of something at a time.",
          {"message": _s("What to remind about"), "time": TIME, "date": DATE,
           "repeat": _s(enum=["none", "daily", "weekly", "monthly"], default="none")},
          ["message", "time"]),
    _tool("set_timer", "Start a countdown timer.",
          {"duration_minutes": _int(1, 1440), "label": _s()}, ["duration_minutes"]),
    # --- finance ------------------------------------------------------------------------------
    _tool("convert_currency", "Convert an amount of money from one currency to another.",
          {"amount": _num(exclusiveMinimum=0), "from_currency": CURRENCY, "to_currency": CURRENCY},
          ["amount", "from_currency", "to_currency"]),
    _tool("get_exchange_rate", "Exchange rate between two currencies (today unless a date is given).",
          {"base": CURRENCY, "quote": CURRENCY, "date": DATE}, ["base", "quote"]),
    _tool("get_stock_price", "Latest share price for a stock ticker.",
          {"symbol": _s("Ticker, e.g. 'AAPL'", pattern="^[A-Z]{1,5}$")}, ["symbol"]),
    _tool("transfer_money", "Send money from the user's bank account to someone else's account.",
          {"amount": _num(exclusiveMinimum=0, maximum=100000),
           "currency": {**CURRENCY, "default": "USD"},
           "recipient": {"type": "object",
                         "properties": {"name": _s(), "account": _s("8-12 digits", pattern="^[0-9]{8,12}$")},
                         "required": ["name", "account"]},
           "from_account": _s(enum=["checking", "savings"], default="checking"),
           "note": _s()},
          ["amount", "recipient"]),
    _tool("calculate_loan_payment", "Monthly payment for a loan or mortgage.",
          {"principal": _num(minimum=100), "annual_rate_percent": _num(minimum=0, maximum=30),
           "years": _int(1, 40)},
          ["principal", "annual_rate_percent", "years"]),
    _tool("calculate_compound_interest", "Future value of savings with compound interest.",
          {"principal": _num(minimum=1), "annual_rate_percent": _num(minimum=0, maximum=30),
           "years": _int(1, 60), "compounds_per_year": {"type": "integer", "enum": [1, 4, 12, 365], "default": 12}},
          ["principal", "annual_rate_percent", "years"]),
    # --- smart home ---------------------------------------------------------------------------
    _tool("set_thermostat", "Set the heating/cooling target temperature.",
          {"temperature": _num(minimum=5, maximum=95), "unit": UNIT,
           "mode": _s(enum=["heat", "cool", "auto"], default="auto"),
           "zone": _s(enum=ROOMS[:5] + ["whole_house"], default="whole_house")},
          ["temperature"]),
    _tool("set_light", "Switch a room's lights on or off, with optional brightness and color.",
          {"room": _s(enum=ROOMS), "on": {"type": "boolean"}, "brightness": _int(0, 100, "Percent"),
           "color": _s(enum=["warm_white", "cool_white", "red", "blue", "green", "purple", "orange"])},
          ["room", "on"]),
    _tool("set_door_lock", "Lock or unlock a door.",
          {"door": _s(enum=["front", "back", "garage", "side"]), "locked": {"type": "boolean"}},
          ["door", "locked"]),
    _tool("play_music", "Play music on the home speakers.",
          {"query": _s("Song, artist, album, genre or playlist"),
           "room": _s(enum=ROOMS + ["whole_house"]), "volume": _int(0, 100),
           "shuffle": {"type": "boolean", "default": False}},
          ["query"]),
    # --- messaging ----------------------------------------------------------------------------
    _tool("send_email", "Send an email.",
          {"to": {"type": "array", "items": EMAIL, "minItems": 1}, "subject": _s(), "body": _s(),
           "cc": {"type": "array", "items": EMAIL}},
          ["to", "subject", "body"]),
    _tool("send_sms", "Send a text message to a phone number.",
          {"phone_number": _s("E.164, e.g. '+14155550134'", pattern=r"^\+[0-9]{7,15}$"), "message": _s()},
          ["phone_number", "message"]),
    _tool("post_message", "Post a message to a team chat channel.",
          {"channel": _s("e.g. '#general'", pattern="^#?[a-z0-9-]+$"), "text": _s(),
           "urgent": {"type": "boolean", "default": False}},
          ["channel", "text"]),
]

TOOLS_BY_NAME: dict[str, dict] = {t["function"]["name"]: t["function"] for t in TOOLS}

#: Groups of look-alike tools: distractors come from here, and a no-call question never offers a
#: tool from its own family (that tool might half-answer it, which would make the label debatable).
FAMILIES: dict[str, tuple[str, ...]] = {
    "weather": ("get_current_weather", "get_weather_forecast"),
    "travel": ("search_flights", "get_flight_status", "search_hotels", "find_restaurants"),
    "time": ("create_event", "set_reminder", "set_timer"),
    "money": ("convert_currency", "get_exchange_rate", "get_stock_price", "transfer_money"),
    "loans": ("calculate_loan_payment", "calculate_compound_interest"),
    "home": ("set_thermostat", "set_light", "set_door_lock", "play_music"),
    "messaging": ("send_email", "send_sms", "post_message"),
}
FAMILY_OF: dict[str, str] = {tool: family for family, tools in FAMILIES.items() for tool in tools}

#: Extra cross-family look-alikes (same verbs or the same kind of argument).
CROSS_LOOKALIKES: dict[str, tuple[str, ...]] = {
    "transfer_money": ("send_sms", "convert_currency"),
    "send_sms": ("transfer_money",),
    "set_reminder": ("send_sms",),
    "search_flights": ("get_weather_forecast",),
    "get_weather_forecast": ("search_flights",),
}


def lookalikes(name: str) -> list[str]:
    """Tools a model could confuse with `name`: its family first, then cross-family look-alikes."""
    family = [t for t in FAMILIES[FAMILY_OF[name]] if t != name]
    return family + [t for t in CROSS_LOOKALIKES.get(name, ()) if t not in family]


def schema_of(name: str) -> dict:
    return TOOLS_BY_NAME[name]["parameters"]
