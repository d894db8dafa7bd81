"""Weather and travel intents: current weather, forecast, flights, flight status, hotels, restaurants."""
from __future__ import annotations

from datetime import timedelta

from toolshop_gen import phrasing as ph
from toolshop_gen import values as v
from toolshop_gen.intent import Draw, Intent, T, held, plain, val
from toolshop_gen.tools import AMENITIES, CUISINES


def _unit(rng, draw: Draw) -> None:
    unit = rng.choice(["celsius", "fahrenheit", "fahrenheit"])
    draw.arg("unit", val(unit), rng.choice([f"in {unit.capitalize()}", f"in {unit}",
                                             f"in degrees {unit.capitalize()}"]))
    draw.say("unit_word", unit.capitalize(), "unit")


def current_weather(rng, pools) -> Draw:
    text, value, name = v.city(rng, pools)
    draw = Draw().arg("location", value, text)
    draw.say("other_city", v.city(rng, pools, exclude=(name,))[0])
    _unit(rng, draw)
    return draw


def forecast(rng, pools) -> Draw:
    draw = current_weather(rng, pools)
    days = rng.randint(2, 10)
    draw.arg("days", val(days), ph.count_text(rng, days, "day"))
    draw.say("days_adj", ph.hyphen_count(rng, days, "day"), "days")
    return draw


CURRENT_WEATHER = Intent(
    "weather.current", "get_current_weather", current_weather, capability="check the weather", identity=("location",),
    templates=tuple(plain(
        "What's the weather like in {location} right now?",
        "How warm is it in {location} at the moment?",
        "Current weather in {location}, {unit} please.",
        "Is it raining in {location} right now?",
        "Give me the current conditions for {location}.",
        "What's the temperature in {location} now? Use {unit_word}.",
        "I'm about to head out in {location}. What's it like outside right now?",
        "I was in {other_city} last week, but what's the weather in {location} today, right now?",
        "weather in {location} now",
    ) + held(
        "Check the current temperature in {location} for me, {unit}.",
        "Right now in {location}: sunny or cloudy?",
        "Tell me how hot or cold it currently is in {location}.",
        "Forget {other_city}; what are conditions like in {location} at this moment?",
    )),
    parallel=tuple(plain(
        "What's the weather in {location_1} and {location_2} right now?",
        "Compare the current conditions in {location_1}, {location_2} and {location_3}.",
        "Is it warmer in {location_1} or {location_2} at the moment? Give me both {unit}.",
    ) + held("Current weather for {location_1} and also for {location_2}, please.")),
)

FORECAST = Intent(
    "weather.forecast", "get_weather_forecast", forecast, capability="get a weather forecast", identity=("location",),
    templates=tuple(plain(
        "What's the forecast for {location} for the next {days}?",
        "Will it rain in {location} over the next {days}?",
        "Give me a {days_adj} forecast for {location}.",
        "I'm visiting {location} for the next {days}. What weather should I expect?",
        T("What will the weather be in {location} tomorrow?", days=[1, 2]),
        T("What's the weather outlook for {location} this week?", days=[7]),
        "Forecast for {location}, next {days}, {unit}.",
        "How will the weather develop in {location} during the next {days}?",
    ) + held(
        "Should I pack an umbrella for {location}? I'll be there for the next {days}.",
        "How's the weather looking in {location} over the coming {days}?",
        T("Will it be sunny in {location} tomorrow?", days=[1, 2]),
        "I need the {days_adj} outlook for {location}, {unit}.",
    )),
    parallel=tuple(plain(
        "Give me the {days_adj} forecast for {location_1} and {location_2}.",
        T("What will the weather be like tomorrow in {location_1} and in {location_2}?", days=[1, 2]),
    ) + held("Forecasts please: {location_1} and {location_2}, the next {days} each.")),
)


def flights(rng, pools) -> Draw:
    origin_text, origin, name = v.city(rng, pools, iata=True)
    dest_text, dest, _ = v.city(rng, pools, iata=True, exclude=(name,))
    date_text, date_val, day = v.date_value(rng)
    back = day + timedelta(days=rng.randint(2, 14))
    draw = Draw().arg("origin", origin, origin_text).arg("destination", dest, dest_text).arg("date", date_val, date_text)
    draw.arg("return_date", val(back.isoformat()), ph.date_text(rng, back))
    n = rng.randint(2, 6)
    draw.arg("passengers", val(n), rng.choice([ph.count_text(rng, n, "passenger"), ph.count_text(rng, n, "person", "people"),
                                               ph.count_text(rng, n, "adult")]))
    draw.say("n_people", ph.number_text(rng, n, 0.7), "passengers")
    cabin = rng.choice(["economy", "premium_economy", "business", "business", "first"])
    cabin_text = {"economy": rng.choice(["economy", "coach"]), "premium_economy": "premium economy",
                  "business": rng.choice(["business class", "business"]), "first": "first class"}[cabin]
    draw.arg("cabin_class", val(cabin), cabin_text, slot="cabin")
    return draw


FLIGHTS = Intent(
    "travel.flights", "search_flights", flights, capability="search for flights",
    templates=tuple(plain(
        "Find me a flight from {origin} to {destination} on {date}.",
        "I need to fly {origin} to {destination} on {date} for {passengers}.",
        "Are there any {cabin} flights from {origin} to {destination} on {date}?",
        "Search flights {origin} to {destination}, leaving {date}, returning {return_date}.",
        "There are {n_people} of us flying from {origin} to {destination} on {date}. Show me options.",
        "Look up {cabin} seats from {origin} to {destination} for {date}, coming back {return_date}.",
        "Flights from {origin} to {destination} on {date}, please.",
        "Can you check what flies {origin} - {destination} on {date} in {cabin}?",
    ) + held(
        "What flights go from {origin} to {destination} on {date}?",
        "I have to get from {origin} to {destination} on {date}; what's available in {cabin}?",
        "Show me round trips {origin} to {destination}: out {date}, back {return_date}, for {passengers}.",
    )),
    parallel=tuple(plain(
        "Search flights from {origin} to {destination_1} and from {origin} to {destination_2}, both on {date}.",
    ) + held("Compare flights on {date}: {origin} to {destination_1}, and {origin} to {destination_2}.")),
)


def flight_status(rng, pools) -> Draw:
    code = rng.choice(pools.airlines) + str(rng.randint(1, 2999))
    text = rng.choice([code, code, f"{code[:2]} {code[2:]}"])
    draw = Draw().arg("flight_number", val(code), text, slot="flight")
    date_text, date_val, _ = v.date_value(rng)
    draw.arg("date", date_val, date_text)
    return draw


FLIGHT_STATUS = Intent(
    "travel.flight_status", "get_flight_status", flight_status, capability="check a flight's status", identity=("flight_number",),
    templates=tuple(plain(
        "Is flight {flight} on time?",
        "What's the status of {flight} on {date}?",
        "Has {flight} departed yet?",
        "Check whether flight {flight} is delayed.",
        "My sister is arriving on {flight} on {date}. Is it on schedule?",
        "Any delays on {flight}?",
        "Where is flight {flight} right now?",
    ) + held(
        "Track flight {flight} for me.",
        "When does {flight} land on {date}?",
        "Gate and status info for {flight}, please.",
    )),
    parallel=tuple(plain("Check the status of {flight_1} and {flight_2}.",
                         "Are flights {flight_1}, {flight_2} and {flight_3} on time?")
                   + held("Is {flight_1} delayed? What about {flight_2}?")),
)


def hotels(rng, pools) -> Draw:
    text, value, _ = v.city(rng, pools)
    draw = Draw().arg("city", value, text)
    date_text, date_val, _ = v.date_value(rng)
    draw.arg("check_in", date_val, date_text)
    nights, value, _ = v.count_value(rng, 1, 14, "night")
    draw.arg("nights", value, nights)
    n = rng.randint(2, 6)
    draw.arg("guests", val(n), rng.choice([ph.count_text(rng, n, "guest"), ph.count_text(rng, n, "adult"),
                                          ph.count_text(rng, n, "person", "people")]))
    price = rng.choice([80, 100, 120, 150, 180, 200, 250, 300, 400])
    draw.arg("max_price", v.number_value(float(price)), rng.choice([f"${price}", f"{price} dollars", f"{price} USD"]))
    chosen = rng.sample(AMENITIES, rng.choice([1, 1, 2]))
    words = {"wifi": rng.choice(["wifi", "free wifi", "Wi-Fi"]), "breakfast": "breakfast included",
             "parking": "parking", "pool": "a pool", "gym": "a gym"}
    draw.arg("amenities", v.list_value(chosen), v.join_words([words[a] for a in chosen]))
    return draw


HOTELS = Intent(
    "travel.hotels", "search_hotels", hotels, capability="search for hotels", identity=("city",),
    templates=tuple(plain(
        "Find a hotel in {city} from {check_in} for {nights}.",
        "I need a room in {city} for {guests}, checking in {check_in}, staying {nights}.",
        "Search hotels in {city}: check-in {check_in}, {nights}, under {max_price} a night.",
        "Any hotels in {city} with {amenities}? Arriving {check_in} for {nights}.",
        "Hotel hunt: {nights} in {city} starting {check_in}, budget {max_price} per night, {guests}.",
        "Where can I book {nights} in {city} from {check_in}?",
    ) + held(
        "Where can I stay in {city}? I arrive {check_in} and stay {nights}.",
        "Look for accommodation in {city} with {amenities} for {guests}, {nights} from {check_in}.",
    )),
    parallel=tuple(plain("Look for hotels in {city_1} and in {city_2}, both from {check_in} for {nights}.")
                   + held("Compare hotel options for {nights} from {check_in} in {city_1} versus {city_2}.")),
)


def restaurants(rng, pools) -> Draw:
    text, value, _ = v.city(rng, pools)
    draw = Draw().arg("city", value, text)
    cuisine = rng.choice(CUISINES)
    draw.arg("cuisine", val(cuisine), cuisine.capitalize() if cuisine not in ("vegan", "seafood") else cuisine)
    n = rng.randint(2, 10)
    draw.arg("party_size", val(n), rng.choice([ph.count_text(rng, n, "person", "people"), ph.number_text(rng, n, 0.6)]),
             slot="party")
    price = rng.choice(["cheap", "moderate", "expensive"])
    words = {"cheap": ["cheap", "budget", "inexpensive"], "moderate": ["mid-range", "moderately priced"],
             "expensive": ["fancy", "upscale", "expensive"]}[price]
    draw.arg("price_range", val(price), rng.choice(words), slot="price")
    return draw


RESTAURANTS = Intent(
    "travel.restaurants", "find_restaurants", restaurants, capability="find restaurants", identity=("city",),
    templates=tuple(plain(
        "Find {cuisine} restaurants in {city}.",
        "Where can I get {cuisine} food in {city}?",
        "Table for {party} somewhere in {city}: {cuisine}, {price}.",
        "Recommend a {price} place to eat in {city}.",
        "Looking for a {price} {cuisine} restaurant in {city} for {party}.",
        "Restaurants in {city}?",
    ) + held(
        "Any good {cuisine} spots in {city} for {party}?",
        "I'm hungry in {city}. Something {price}, please.",
    )),
    parallel=tuple(plain("Find {cuisine} places in {city_1} and in {city_2}.")
                   + held("I need {price} restaurants in both {city_1} and {city_2}.")),
)

INTENTS = [CURRENT_WEATHER, FORECAST, FLIGHTS, FLIGHT_STATUS, HOTELS, RESTAURANTS]
