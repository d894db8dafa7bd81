"""Smart-home intents: thermostat, lights, door locks and music."""
from __future__ import annotations

from toolshop_gen import phrasing as ph
from toolshop_gen import values as v
from toolshop_gen.intent import Draw, Intent, T, held, plain, val
from toolshop_gen.tools import ROOMS


def _room(rng, draw: Draw, rooms: list[str], slot: str = "room", argument: str = "room") -> None:
    room = rng.choice(rooms)
    draw.arg(argument, val(room), room.replace("_", " "), slot=slot)


def thermostat(rng, pools) -> Draw:
    draw = Draw()
    if rng.random() < 0.7:
        degrees = rng.choice([17, 18, 19, 20, 20.5, 21, 21.5, 22, 23, 24, 25])
        shown = f"{degrees:g}"
        said = rng.choice([f"{shown} degrees", f"{shown}°C", f"{shown} degrees Celsius", f"{shown} °C"])
        if degrees == int(degrees) and rng.random() < 0.3:
            said = f"{ph.number_words(int(degrees))} degrees"
        unit = "celsius"
    else:
        degrees = rng.choice([62, 64, 65, 66, 68, 70, 71, 72, 74, 75, 76, 78])
        said = rng.choice([f"{degrees}°F", f"{degrees} degrees Fahrenheit", f"{degrees} F",
                           f"{ph.number_words(degrees)} degrees Fahrenheit"])
        unit = "fahrenheit"
    draw.values["temperature"] = v.number_value(float(degrees))
    draw.values["unit"] = val(unit)
    states_unit = unit == "fahrenheit" or "C" in said or "Celsius" in said
    draw.say("temp", said, *(("temperature", "unit") if states_unit else ("temperature",)))
    _room(rng, draw, ROOMS[:5], slot="zone", argument="zone")
    mode = rng.choice(["heat", "cool", "auto"])
    draw.arg("mode", val(mode), {"heat": "heating", "cool": "cooling", "auto": "auto"}[mode])
    return draw


THERMOSTAT = Intent(
    "home.thermostat", "set_thermostat", thermostat, capability="control the thermostat", identity=("zone",),
    templates=tuple(plain(
        "Set the thermostat to {temp}.",
        "Make the {zone} {temp}.",
        T("Heat the {zone} to {temp}.", mode=["heat", ""]),
        T("Cool the house down to {temp}.", mode=["cool", ""], zone=["whole_house", ""]),
        "Put the {zone} thermostat on {mode} at {temp}.",
        "It's freezing in here. Set the {zone} to {temp}.",
        "Thermostat {temp}, {mode} mode.",
    ) + held(
        "Could you bring the {zone} temperature to {temp}?",
        "I'd like it {temp} in the {zone}, on {mode} mode.",
        T("Warm the whole house up to {temp}.", mode=["heat", ""], zone=["whole_house", ""]),
    )),
    parallel=tuple(plain("Set the {zone_1} to {temp_1} and the {zone_2} to {temp_2}.")
                   + held("Thermostat plan: {zone_1} at {temp_1}, {zone_2} at {temp_2}.")),
)


def light(rng, pools) -> Draw:
    draw = Draw()
    _room(rng, draw, ROOMS)
    on = rng.random() < 0.6
    draw.arg("on", val(on), "on" if on else "off", slot="state")
    level = rng.choice([10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 100])
    draw.arg("brightness", val(level), rng.choice([f"{level}%", f"{level} percent", f"{ph.number_words(level)} percent"]))
    color = rng.choice(["warm_white", "cool_white", "red", "blue", "green", "purple", "orange"])
    return draw.arg("color", val(color), color.replace("_", " "))


LIGHT = Intent(
    "home.light", "set_light", light, capability="control the lights", identity=("room",),
    templates=tuple(plain(
        "Turn {state} the {room} lights.",
        "Switch the {room} light {state}.",
        T("Dim the {room} lights to {brightness}.", on=True),
        T("Make the {room} lights {color}.", on=True),
        T("Set the {room} lights to {color} at {brightness} brightness.", on=True),
        T("Kill the lights in the {room}.", on=False),
        "Lights {state} in the {room}, please.",
    ) + held(
        T("Can you brighten the {room} to {brightness}?", on=True),
        T("Could the {room} lights go {color}, please?", on=True),
        T("I'm leaving the {room}; shut the lights off.", on=False),
    )),
    parallel=tuple(plain("Turn {state} the lights in the {room_1} and the {room_2}.",
                         T("Switch off the {room_1}, {room_2} and {room_3} lights.", on=False))
                   + held(T("Set the {room_1} and the {room_2} lights to {brightness}.", on=True))),
)


def door(rng, pools) -> Draw:
    name = rng.choice(["front", "back", "garage", "side"])
    draw = Draw().arg("door", val(name), name)
    locked = rng.random() < 0.6
    return draw.arg("locked", val(locked), "lock" if locked else "unlock", slot="action")


DOOR = Intent(
    "home.door", "set_door_lock", door, capability="lock or unlock doors", identity=("door",),
    templates=tuple(plain(
        T("Lock the {door} door.", locked=True),
        T("Unlock the {door} door for me.", locked=False),
        "Please {action} the {door} door.",
        T("Is the {door} door locked? If not, lock it.", locked=True),
        T("Secure the {door} door, please.", locked=True),
        T("My friend is here; open the {door} door lock.", locked=False),
        "{action} {door} door",
    ) + held(
        T("I forgot to lock the {door} door. Do it now.", locked=True),
        T("Let the cleaner in: unlock the {door} door.", locked=False),
    )),
    parallel=tuple(plain("Please {action} the {door_1} and {door_2} doors.")
                   + held(T("Make sure the {door_1} door and the {door_2} door are both locked.", locked=True))),
)


def music(rng, pools) -> Draw:
    query = rng.choice(pools.music)
    draw = Draw().arg("query", val(query), query)
    _room(rng, draw, ROOMS[:5])
    level = rng.choice([15, 20, 25, 30, 35, 40, 50, 60, 70, 80])
    draw.arg("volume", val(level), rng.choice([str(level), f"{level}%", ph.number_words(level)]))
    return draw


MUSIC = Intent(
    "home.music", "play_music", music, capability="play music", identity=("room",),
    templates=tuple(plain(
        "Play {query}.",
        "Put on {query} in the {room}.",
        "Play {query} at volume {volume}.",
        T("Shuffle {query} in the {room}.", shuffle=True),
        T("I want to hear {query}, volume {volume}, on shuffle.", shuffle=True),
        "Can you play {query} for me?",
        "Music please: {query}.",
    ) + held(
        "Could you queue up {query} in the {room}?",
        "Blast {query} at volume {volume}!",
    )),
    parallel=tuple(plain("Play {query_1} in the {room_1} and {query_2} in the {room_2}.")
                   + held("Music for two rooms: {query_1} in the {room_1}, {query_2} in the {room_2}.")),
)

INTENTS = [THERMOSTAT, LIGHT, DOOR, MUSIC]
