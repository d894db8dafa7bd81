"""Calendar and messaging intents: events, reminders, timers, email, SMS and team chat."""
from __future__ import annotations

from toolshop_gen import phrasing as ph
from toolshop_gen import values as v
from toolshop_gen.intent import Draw, Intent, T, Value, held, plain, val

_DURATIONS = {15: ["15 minutes", "fifteen minutes", "a quarter of an hour"], 30: ["30 minutes", "half an hour", "thirty minutes"],
              45: ["45 minutes", "forty-five minutes"], 60: ["an hour", "one hour", "60 minutes"],
              90: ["90 minutes", "an hour and a half", "ninety minutes"], 120: ["2 hours", "two hours"],
              180: ["3 hours", "three hours"], 20: ["20 minutes", "twenty minutes"], 10: ["10 minutes", "ten minutes"]}


def _duration(rng, minutes: list[int]) -> tuple[str, int]:
    n = rng.choice(minutes)
    return rng.choice(_DURATIONS.get(n) or [f"{n} minutes", f"{ph.number_words(n)} minutes"]), n


def event(rng, pools) -> Draw:
    title = rng.choice(pools.event_titles)
    draw = Draw().arg("title", val(title), title).say("title_q", v.quoted(rng, title), "title")
    date_text, date_val, _ = v.date_value(rng)
    draw.arg("date", date_val, date_text)
    time_text, time_val = v.time_value(rng, 8, 19)
    draw.arg("start_time", time_val, time_text, slot="time")
    text, minutes = _duration(rng, [15, 30, 45, 90, 120, 180, 30, 45])
    draw.arg("duration_minutes", val(minutes), text, slot="duration")
    people = v.emails(rng, pools, rng.choice([1, 1, 2]))
    draw.arg("attendees", v.list_value(people), v.join_words(people))
    place = rng.choice(pools.places)
    draw.arg("location", val(place), place)
    return draw


EVENT = Intent(
    "calendar.event", "create_event", event, capability="add events to a calendar",
    templates=tuple(plain(
        "Schedule {title_q} on {date} at {time}.",
        "Put {title_q} in my calendar for {date} at {time}, {duration}.",
        "Create a meeting called {title} on {date} at {time} with {attendees}.",
        "Add an event: {title_q}, {date}, {time}, at {location}.",
        "Set up {title_q} with {attendees} on {date} starting {time} for {duration}.",
        "New calendar entry {title_q} on {date} from {time}, lasting {duration}, in {location}.",
        "Book {title_q} into my calendar: {date}, {time}.",
    ) + held(
        "Block {duration} on {date} at {time} for {title_q}.",
        "Can you get {title_q} onto my calendar? It's {date} at {time} in {location}.",
        "Invite {attendees} to {title_q} on {date} at {time}.",
    )),
    parallel=tuple(plain("Add {title_q_1} on {date_1} at {time_1} and {title_q_2} on {date_2} at {time_2} to my calendar.")
                   + held("Two events please: {title_q_1} ({date_1}, {time_1}) and {title_q_2} ({date_2}, {time_2}).")),
)


def reminder(rng, pools) -> Draw:
    task = rng.choice(pools.tasks)
    draw = Draw().arg("message", val(task), task, slot="task")
    time_text, time_val = v.time_value(rng, 6, 22)
    draw.arg("time", time_val, time_text)
    date_text, date_val, _ = v.date_value(rng)
    draw.arg("date", date_val, date_text)
    repeat = rng.choice(["daily", "weekly", "monthly"])
    words = {"daily": ["every day", "daily", "each day"], "weekly": ["every week", "weekly"],
             "monthly": ["every month", "monthly", "once a month"]}[repeat]
    draw.arg("repeat", val(repeat), rng.choice(words)).say("repeat_adj", repeat, "repeat")
    return draw


REMINDER = Intent(
    "calendar.reminder", "set_reminder", reminder, capability="set reminders",
    templates=tuple(plain(
        "Remind me to {task} at {time}.",
        "Set a reminder to {task} on {date} at {time}.",
        "Remind me {repeat} at {time} to {task}.",
        "Don't let me forget to {task}: ping me at {time} on {date}.",
        "At {time}, remind me to {task}.",
        "Please remind me at {time} to {task}, and repeat it {repeat}.",
        "Reminder for {date}, {time}: {task}.",
    ) + held(
        "I need a nudge at {time} to {task}.",
        "Create a {repeat_adj} reminder at {time} to {task}.",
        "On {date} at {time} tell me to {task}.",
    )),
    parallel=tuple(plain("Remind me to {task_1} at {time_1} and to {task_2} at {time_2}.")
                   + held("Two reminders: {task_1} at {time_1}, then {task_2} at {time_2}.")),
)


def timer(rng, pools) -> Draw:
    n = rng.choice([1, 2, 3, 5, 7, 8, 10, 12, 15, 20, 25, 30, 40, 45, 60, 90, 120])
    if n in _DURATIONS and rng.random() < 0.5:
        text = rng.choice(_DURATIONS[n])
    else:
        text = ph.count_text(rng, n, "minute")
    label = rng.choice(pools.timer_labels)
    draw = Draw().arg("duration_minutes", val(n), text, slot="minutes")
    draw.say("minutes_adj", ph.hyphen_count(rng, n, "minute"), "duration_minutes")
    return draw.arg("label", val(label), label)


TIMER = Intent(
    "calendar.timer", "set_timer", timer, capability="set timers",
    templates=tuple(plain(
        "Set a timer for {minutes}.",
        "Start a {minutes_adj} timer.",
        "Timer for {minutes}, label it {label}.",
        "Can you count down {minutes} for the {label}?",
        "Start a {label} timer: {minutes}.",
        "Put a {minutes} timer on, please.",
    ) + held(
        "Give me {minutes} on the clock.",
        "Let me know in {minutes}.",
        "Set the {label} timer to {minutes}.",
    )),
    parallel=tuple(plain("Set two timers: one for {minutes_1} and one for {minutes_2}.",
                         "Start a {label_1} timer for {minutes_1} and a {label_2} timer for {minutes_2}.")
                   + held("I need timers of {minutes_1} and {minutes_2}.")),
)


def email(rng, pools) -> Draw:
    to = v.emails(rng, pools, rng.choice([1, 1, 2]))
    cc = v.emails(rng, pools, 1, exclude=tuple(to))
    subject, body = rng.choice(pools.subjects), rng.choice(pools.messages)
    draw = Draw().arg("to", v.list_value(to), v.join_words(to)).arg("cc", v.list_value(cc), cc[0])
    draw.arg("subject", val(subject), v.quoted(rng, subject))
    return draw.arg("body", val(body), v.quoted(rng, body))


EMAIL = Intent(
    "messaging.email", "send_email", email, capability="send email",
    templates=tuple(plain(
        "Email {to} with the subject {subject} saying {body}.",
        "Send an email to {to}: subject {subject}, message {body}.",
        "Write to {to}. Subject: {subject}. Body: {body}. CC {cc}.",
        "Could you email {to} and cc {cc}? Subject {subject}, text {body}.",
        "Mail {to} about {subject}; the email should say {body}.",
    ) + held(
        "Shoot {to} an email titled {subject} that says {body}.",
        "Compose an email for {to} (copy {cc}) with subject {subject} and the line {body}.",
    )),
    parallel=tuple(plain("Send {to_1} an email with subject {subject} saying {body}, and send the same to {to_2} separately.")
                   + held("Email {to_1} and, in a separate email, {to_2}: subject {subject}, body {body}.")),
)


def sms(rng, pools) -> Draw:
    text, value = v.phone(rng)
    message = rng.choice(pools.messages)
    return Draw().arg("phone_number", value, text, slot="phone").arg("message", val(message), v.quoted(rng, message), slot="msg")


SMS = Intent(
    "messaging.sms", "send_sms", sms, capability="send text messages",
    templates=tuple(plain(
        "Text {phone} saying {msg}.",
        "Send an SMS to {phone}: {msg}.",
        "Message {phone} on their phone: {msg}",
        "Can you text {msg} to {phone}?",
        "Shoot a quick text to {phone} that says {msg}.",
    ) + held(
        "Drop a text to {phone} that reads {msg}.",
        "SMS {phone} with {msg}, please.",
    )),
    parallel=tuple(plain("Text {phone_1} and {phone_2}: {msg}.")
                   + held("Send {msg} by SMS to both {phone_1} and {phone_2}.")),
)


def chat(rng, pools) -> Draw:
    channel = rng.choice(pools.channels)
    text = rng.choice([f"#{channel}", f"#{channel}", f"the {channel} channel"])
    message = rng.choice(pools.messages)
    draw = Draw().arg("channel", Value([f"#{channel}", channel], f"#{channel}"), text)
    return draw.arg("text", val(message), v.quoted(rng, message))


POST = Intent(
    "messaging.post", "post_message", chat, capability="post to team chat",
    templates=tuple(plain(
        "Post {text} in {channel}.",
        "Tell {channel}: {text}.",
        "Send {text} to {channel} on our team chat.",
        T("Urgent: post {text} to {channel}.", urgent=True),
        T("Post an urgent message in {channel} saying {text}.", urgent=True),
        "Let everyone in {channel} know: {text}",
    ) + held(
        "Share {text} with {channel}.",
        T("Announce in {channel}, flagged urgent: {text}.", urgent=True),
    )),
    parallel=tuple(plain("Post {text} in {channel_1} and in {channel_2}.")
                   + held("Cross-post {text} to {channel_1} and {channel_2}.")),
)

INTENTS = [EVENT, REMINDER, TIMER, EMAIL, SMS, POST]
