"""A synthetic weather/currency training set (three tools, about one in six examples with no call) for the
training tests and benchmarks; plus a tiny Llama builder for models without the embedded `tiny`.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from harness.suite.tools import parse_tool

CITIES = ["Paris", "Berlin", "Tokyo", "Lima", "Oslo", "Cairo", "Madrid", "Rome", "Seoul", "Dublin", "Quito", "Accra"]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD"]
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city.",
     "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}},
    {"type": "function", "function": {"name": "convert_currency", "description": "Convert money between currencies.",
     "parameters": {"type": "object", "properties": {"amount": {"type": "number"}, "from": {"type": "string"},
                    "to": {"type": "string"}}, "required": ["amount", "from", "to"]}}},
    {"type": "function", "function": {"name": "get_exchange_rate", "description": "Exchange rate of a pair.",
     "parameters": {"type": "object", "properties": {"base": {"type": "string"}, "quote": {"type": "string"}},
                    "required": ["base", "quote"]}}},
]
NO_CALL = [("Hello there!", "Hello! How can I help?"), ("Thanks a lot.", "You're welcome!"),
           ("Tell me a joke.", "I can only help with weather and money questions.")]


def synthetic_records(count: int, seed: int = 0) -> list[dict]:
    """Suite-format training records: weather, conversion and rate requests, about one in six with no call."""
    rng = random.Random(seed)
    records = []
    for _ in range(count):
        kind = rng.randrange(6)
        if kind in (0, 1):
            city = rng.choice(CITIES)
            arguments = {"city": city}
            text = rng.choice(["What's the weather in {c}?", "Is it raining in {c}?", "Weather for {c} please."])
            if kind == 1:
                arguments["unit"] = rng.choice(["celsius", "fahrenheit"])
                text += f" In {arguments['unit']}."
            call = ("get_weather", arguments, text.format(c=city))
        elif kind in (2, 3):
            amount, a, b = rng.randrange(5, 900), *rng.sample(CURRENCIES, 2)
            call = ("convert_currency", {"amount": amount, "from": a, "to": b},
                    rng.choice(["Convert {n} {a} to {b}.", "How much is {n} {a} in {b}?"]).format(n=amount, a=a, b=b))
        elif kind == 4:
            a, b = rng.sample(CURRENCIES, 2)
            call = ("get_exchange_rate", {"base": a, "quote": b},
                    rng.choice(["What is the {a}/{b} rate?", "Exchange rate from {a} to {b}?"]).format(a=a, b=b))
        else:
            question, answer = rng.choice(NO_CALL)
            records.append({"messages": [{"role": "user", "content": question},
                                         {"role": "assistant", "content": answer}],
                            "tools": rng.sample([t["function"]["name"] for t in TOOLS], 2)})
            continue
        name, arguments, text = call
        others = [t["function"]["name"] for t in TOOLS if t["function"]["name"] != name]
        records.append({"messages": [{"role": "user", "content": text},
                                     {"role": "assistant", "tool_calls": [
                                         {"type": "function", "function": {"name": name, "arguments": arguments}}]}],
                        "tools": sorted([name, rng.choice(others)])})
    return records


#: Argument-free device commands: the right call is a matter of picking the tool and the format, which even the
#: randomly initialised `tiny` model learns from a LoRA fine-tune (copying free-form values such as a city
#: name out of the request is beyond it).
COMMAND_TOOLS = [
    {"type": "function", "function": {"name": name, "description": description,
                                      "parameters": {"type": "object", "properties": {}}}}
    for name, description in [("get_time", "The current local time."), ("get_date", "Today's date."),
                              ("next_alarm", "When the next alarm rings."),
                              ("battery_level", "Battery charge of this device.")]
]
_COMMAND_PHRASES = {
    "get_time": ["what time is it", "tell me the time", "the current time", "what's the time now"],
    "get_date": ["what's the date today", "today's date", "which day is it today", "tell me the date"],
    "next_alarm": ["when does my alarm ring", "my next alarm", "when is the next alarm", "is an alarm set"],
    "battery_level": ["how much battery is left", "the battery level", "is my battery low", "battery status"],
}
_OPENERS = ["", "hey, ", "quick question: ", "please tell me ", "could you check ", "ok so ", "hi! "]
_CLOSERS = ["", "?", " please", " right now", ", thanks", " for me", "!"]


def command_records(count: int, seed: int = 0) -> list[dict]:
    """Suite-format records calling one argument-free device command, offered beside one other command."""
    rng = random.Random(seed)
    names = [tool["function"]["name"] for tool in COMMAND_TOOLS]
    records = []
    for _ in range(count):
        name = rng.choice(names)
        text = rng.choice(_OPENERS) + rng.choice(_COMMAND_PHRASES[name]) + rng.choice(_CLOSERS)
        records.append({"messages": [{"role": "user", "content": text[0].upper() + text[1:]},
                                     {"role": "assistant", "tool_calls": [
                                         {"type": "function", "function": {"name": name, "arguments": {}}}]}],
                        "tools": sorted([name, rng.choice([n for n in names if n != name])])})
    return records


def tool_library() -> dict:
    return {tool["function"]["name"]: parse_tool(tool) for tool in TOOLS}


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build_tiny_model(texts: list[str], hidden: int = 64, layers: int = 2, seed: int = 0, init_range: float = 0.02):
    """(model, tokenizer): a Llama of ~100k-1M parameters and a byte-level BPE trained on `texts`, with the
    harness's ChatML template, `<|im_end|>` as end of turn and a pad token of its own."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from harness.backends.prompt_format import CHATML_TEMPLATE

    specials = ["<|pad|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=800, special_tokens=specials,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|pad|>",
                                        bos_token="<|im_start|>")
    tokenizer.chat_template = CHATML_TEMPLATE
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=hidden * 2,
                         num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=4,
                         max_position_embeddings=1024, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         initializer_range=init_range)
    return LlamaForCausalLM(config), tokenizer
