"""Our `bfcl` scoring mode against BFCL's own ast_checker, entry by entry, on BFCL's data.

Each entry is scored from its ground truth and from systematic perturbations of it; verdicts must agree.
"""
from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pytest

from harness.errors import HarnessInputError
from harness.integrations.bfcl.convert import bfcl_case
from harness.integrations.bfcl.wheel import BfclWheelError, read_bfcl_jsonl
from harness.scoring.tool_call_accuracy import check_case
from harness.scoring.value_match import bfcl_type_name
from harness.suite.cases import Case, ToolCall
from tests.bfcl_reference import (GROUND_TRUTH_DEFECTS, BfclReference, bfcl_reference, ground_truth_output,
                                  perfect_answer, value_instance)

AST_CATEGORIES = ["simple_python", "multiple", "parallel", "parallel_multiple",
                  "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple"]
Output = list[tuple[str, dict]]  # decoded calls: (function name, arguments)


@dataclass(frozen=True)
class Outcome:
    entry_id: str
    perturbation: str
    ours: bool
    theirs: bool | str  # BFCL's verdict, or the exception it raised


# ---- perturbations: changed copies of the ground-truth output ----

def _changed_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 7
    if isinstance(value, str):
        return value + " zzz"
    if isinstance(value, list):
        return value + value[:1] if value else ["zzz"]
    if isinstance(value, dict):
        return {**value, "zzz": 1}
    return "zzz"


def _is(*types: type) -> Callable[[Any, dict], bool]:
    return lambda value, schema: type(value) in types


#: Argument mutations, each tried on every argument it applies to: (label, applies(value, schema), change).
ARGUMENT_MUTATIONS: list[tuple[str, Callable[[Any, dict], bool], Callable[[Any], Any]]] = [
    ("changed_value", lambda v, s: True, _changed_value),
    ("stringified_number", _is(int, float), str),
    ("number_for_string", _is(str), lambda v: 42),
    ("int_for_float", lambda v, s: type(v) is float and bfcl_type_name(s) == "float", lambda v: int(round(v))),
    ("float_for_int", _is(int), float),
    ("bool_for_int", _is(int), lambda v: v == 1),
    ("null_value", lambda v, s: True, lambda v: None),
    ("list_as_tuple", _is(list), tuple),
    ("empty_list", _is(list), lambda v: []),
    ("element_stringified", lambda v, s: type(v) is list and bool(v), lambda v: [str(v[0])] + v[1:]),
    ("elements_as_int", lambda v, s: type(v) is list and any(type(i) is float for i in v),
     lambda v: [int(i) if type(i) is float else i for i in v]),
    ("dict_extra_key", _is(dict), lambda v: {**v, "zzz": 1}),
    ("dict_key_dropped", lambda v, s: type(v) is dict and bool(v), lambda v: dict(list(v.items())[1:])),
    ("dict_value_as_bool", lambda v, s: type(v) is dict and any(type(i) is int for i in v.values()),
     lambda v: {k: (i == 1 if type(i) is int else i) for k, i in v.items()}),
    ("string_spelling", _is(str), lambda v: v.upper().replace(" ", "_") + "."),
    ("dropped", lambda v, s: True, None),  # None: remove the argument
]


def _argument_perturbations(output: Output, case: Case) -> Iterator[tuple[str, Output]]:
    for index, (name, arguments) in enumerate(output):
        tool = case.tool(name)
        properties = tool.properties if tool else {}
        for argument, value in arguments.items():
            required = tool is not None and argument in tool.required
            for label, applies, change in ARGUMENT_MUTATIONS:
                if not applies(value, properties.get(argument, {})):
                    continue
                changed = copy.deepcopy(output)
                if change is None:
                    del changed[index][1][argument]
                    label = "dropped_required" if required else "dropped_optional"
                else:
                    changed[index][1][argument] = change(copy.deepcopy(value))
                yield label, changed


def _each_alternative(case: Case) -> Iterator[tuple[str, Output]]:
    """Every acceptable value of every argument in turn (the ground truth uses only the first)."""
    truth = [(expected.name, {a: value_instance(v[0]) for a, v in expected.arguments.items() if v and v[0] != ""})
             for expected in case.expected]
    for index, expected in enumerate(case.expected):
        for argument, values in expected.arguments.items():
            for value in values[1:]:
                changed = copy.deepcopy(truth)
                if value == "":
                    changed[index][1].pop(argument, None)
                else:
                    changed[index][1][argument] = value_instance(value)
                yield "other_alternative", changed


def _supply_empty_optional_strings(output: Output, case: Case) -> Output | None:
    changed = copy.deepcopy(output)
    touched = False
    for (name, arguments), expected in zip(changed, case.expected):
        tool = case.tool(name)
        for argument in expected.arguments:
            if argument not in arguments and expected.is_omittable(argument) and tool is not None \
                    and bfcl_type_name(tool.properties.get(argument)) == "string":
                arguments[argument], touched = "", True
    return changed if touched else None


def perturbations(output: Output, case: Case) -> Iterator[tuple[str, Output | None]]:
    first_name, first_arguments = output[0]
    yield "ground_truth", output
    yield from _argument_perturbations(output, case)
    yield from _each_alternative(case)
    yield "extra_argument", [(first_name, {**first_arguments, "zzz_unlisted": "x"})] + copy.deepcopy(output[1:])
    yield "wrong_function_name", [(first_name + "_v2", dict(first_arguments))] + copy.deepcopy(output[1:])
    yield "reordered_calls", list(reversed(output)) if len(output) > 1 else None
    yield "rotated_calls", output[1:] + output[:1] if len(output) > 2 else None
    yield "extra_call", copy.deepcopy(output) + copy.deepcopy(output[-1:])
    yield "missing_call", copy.deepcopy(output[:-1])
    yield "no_call", []
    yield "empty_optional_string", _supply_empty_optional_strings(output, case)


# ---- the comparison ----

def _score_category(reference: BfclReference, category: str) -> tuple[list[Outcome], Counter]:
    entries = reference.read(f"BFCL_v4_{category}.json")
    answers = {row["id"]: row for row in reference.read(f"possible_answer/BFCL_v4_{category}.json")}
    outcomes: list[Outcome] = []
    tally: Counter = Counter()
    for entry in entries:
        answer = answers[entry["id"]]
        case = bfcl_case(entry, answer, category)
        truth = ground_truth_output(answer["ground_truth"])
        for label, output in perturbations(truth, case):
            if output is None:
                continue
            ours = check_case(case, [ToolCall(name, arguments) for name, arguments in output], "bfcl").passed
            decoded = [{name: arguments} for name, arguments in copy.deepcopy(output)]
            try:
                theirs: bool | str = reference.verdict(entry["function"], decoded, answer["ground_truth"],
                                                       category)["valid"]
            except Exception as exc:  # BFCL's checker raises on some malformed inputs; it never passes them
                theirs = f"raised {type(exc).__name__}: {exc}"
            outcomes.append(Outcome(entry["id"], label, ours, theirs))
            tally[(label, "pass" if ours else "fail")] += 1
    return outcomes, tally


@pytest.mark.network_wheel
@pytest.mark.parametrize("category", AST_CATEGORIES)
def test_bfcl_mode_agrees_with_bfcl_ast_checker(category: str) -> None:
    outcomes, tally = _score_category(bfcl_reference(), category)
    raised = [o for o in outcomes if isinstance(o.theirs, str)]
    disagreements = [o for o in outcomes if (o.ours != o.theirs if not isinstance(o.theirs, str) else o.ours)]
    compared = len(outcomes)
    agreed = compared - len(disagreements)
    print(f"\n[bfcl agreement] {category}: {agreed}/{compared} pairs agree ({100 * agreed / compared:.2f}%), "
          f"{len({o.entry_id for o in outcomes})} entries, BFCL raised on {len(raised)} (ours: fail)")
    for label in sorted({label for label, _ in tally}):
        print(f"    {label:24s} pass {tally[(label, 'pass')]:5d}  fail {tally[(label, 'fail')]:5d}")
    for outcome in raised[:5]:
        print(f"    BFCL raised: {outcome.entry_id} {outcome.perturbation}: {outcome.theirs[:100]}")
    shown = "\n".join(f"  {o.entry_id} [{o.perturbation}] ours={o.ours} bfcl={o.theirs}" for o in disagreements[:40])
    assert not disagreements, f"{len(disagreements)} disagreements with BFCL in {category}:\n{shown}"


@pytest.mark.network_wheel
def test_known_ground_truth_defects_fail_in_both_and_are_flagged() -> None:
    reference = bfcl_reference()
    for category in ("live_simple", "live_multiple"):
        entries = {row["id"]: row for row in reference.read(f"BFCL_v4_{category}.json")}
        answers = {row["id"]: row for row in reference.read(f"possible_answer/BFCL_v4_{category}.json")}
        for entry_id in (i for i in GROUND_TRUTH_DEFECTS if i in entries):
            case = bfcl_case(entries[entry_id], answers[entry_id], category)
            best = perfect_answer(case)  # the best answer the key allows: still fails in both checkers
            assert case.meta["ground_truth_defect"]
            assert not check_case(case, [ToolCall(n, a) for call in best for n, a in call.items()], "bfcl").passed
            assert not reference.verdict(entries[entry_id]["function"], best,
                                         answers[entry_id]["ground_truth"], category)["valid"]


@pytest.mark.network_wheel
@pytest.mark.parametrize("category", ["irrelevance", "live_irrelevance"])
def test_irrelevance_agrees_with_bfcl_relevance_rule(category: str) -> None:
    reference = bfcl_reference()
    disagreements = []
    entries = reference.read(f"BFCL_v4_{category}.json")
    for entry in entries:
        case = bfcl_case(entry, None, category)
        some_call = [(case.tools[0].name, {})] if case.tools else [("anything", {})]
        for label, output in (("undecodable", None), ("no_call", []), ("a_call", some_call)):
            calls = None if output is None else [ToolCall(n, a) for n, a in output]
            ours = check_case(case, calls, "bfcl").passed
            theirs = reference.irrelevance_passes(None if output is None else [{n: a} for n, a in output])
            if ours != theirs:
                disagreements.append((entry["id"], label, ours, theirs))
    print(f"\n[bfcl agreement] {category}: {3 * len(entries) - len(disagreements)}/{3 * len(entries)} agree")
    assert not disagreements, disagreements[:20]


# ---- hand-built entries that walk BFCL's odd corners ----

def _function(name: str, properties: dict, required: list[str] | None = None) -> dict:
    return {"name": name, "description": "", "parameters": {"type": "dict", "properties": properties,
                                                            "required": required or []}}


_INT_X = [_function("f", {"x": {"type": "integer"}}, ["x"])]
_ANY = [_function("g", {"a": {"type": "any"}}, ["a"])]
_LIST_OF_DICTS = [_function("g", {"a": {"type": "array", "items": {"type": "dict"}}})]
_INT_LIST = [_function("g", {"a": {"type": "array", "items": {"type": "integer"}}})]
_FLOAT_LIST = [_function("g", {"a": {"type": "array", "items": {"type": "float"}}})]
QUESTION = [[{"role": "user", "content": "q"}]]
QUIRKS = {
    # label: (category, functions, ground truth, decoded output)
    "greedy_parallel_matching": ("parallel", _INT_X, [{"f": {"x": [1, 2]}}, {"f": {"x": [1]}}],
                                 [{"f": {"x": 1}}, {"f": {"x": 2}}]),
    "greedy_parallel_lucky_order": ("parallel", _INT_X, [{"f": {"x": [1, 2]}}, {"f": {"x": [1]}}],
                                    [{"f": {"x": 2}}, {"f": {"x": 1}}]),
    "any_type_with_int_answer": ("simple_python", _ANY, [{"g": {"a": [5]}}], [{"g": {"a": 5}}]),
    "any_type_string_for_int_answer": ("simple_python", _ANY, [{"g": {"a": [5]}}], [{"g": {"a": "5"}}]),
    "any_type_list": ("simple_python", _ANY, [{"g": {"a": ["x"]}}], [{"g": {"a": [1]}}]),
    "variable_answer": ("simple_python", _INT_X, [{"f": {"x": ["n"]}}], [{"f": {"x": "n"}}]),
    "variable_not_normalised": ("simple_python", _INT_X, [{"f": {"x": ["n x"]}}], [{"f": {"x": "N X"}}]),
    "list_of_dicts_with_string_element": ("simple_python", _LIST_OF_DICTS, [{"g": {"a": [[{"k": ["v"]}], ""]}}],
                                          [{"g": {"a": ["v"]}}]),  # BFCL raises AttributeError
    "empty_list_for_omittable": ("simple_python", _INT_LIST, [{"g": {"a": ["", [1]]}}], [{"g": {"a": []}}]),
    "element_check_skipped_after_marker": ("simple_python", _INT_LIST, [{"g": {"a": ["", [1, 0]]}}],
                                           [{"g": {"a": [True, False]}}]),
    "no_promotion_inside_lists": ("simple_python", _FLOAT_LIST, [{"g": {"a": [[1.0, 2.0]]}}], [{"g": {"a": [1, 2]}}]),
    "tuple_for_tuple_type": ("simple_python", [_function("g", {"a": {"type": "tuple", "items": {"type": "integer"}}})],
                             [{"g": {"a": [[1, 2]]}}], [{"g": {"a": (1, 2)}}]),
    "empty_string_for_omittable_string": ("simple_python", [_function("g", {"a": {"type": "string"}})],
                                          [{"g": {"a": ["", "x"]}}], [{"g": {"a": ""}}]),
    "bool_inside_dict_value": ("simple_python", [_function("g", {"a": {"type": "dict", "properties": {}}})],
                               [{"g": {"a": [{"k": [1]}]}}], [{"g": {"a": {"k": True}}}]),
    "dict_nested_values_compared_raw": ("simple_python", [_function("g", {"a": {"type": "dict", "properties": {}}})],
                                        [{"g": {"a": [{"k": [{"p": "Q"}]}]}}], [{"g": {"a": {"k": {"p": "q"}}}}]),
    "only_marker_for_dict": ("simple_python", [_function("g", {"a": {"type": "dict", "properties": {}}})],
                             [{"g": {"a": [""]}}], [{"g": {"a": {}}}]),
}


@pytest.mark.network_wheel
@pytest.mark.parametrize("label", sorted(QUIRKS))
def test_bfcl_quirks_agree_with_bfcl(label: str) -> None:
    category, functions, ground_truth, decoded = QUIRKS[label]
    case = bfcl_case({"id": label, "question": QUESTION, "function": functions},
                     {"id": label, "ground_truth": ground_truth}, category)
    ours = check_case(case, [ToolCall(n, a) for call in decoded for n, a in call.items()], "bfcl").passed
    try:
        theirs = bfcl_reference().verdict(copy.deepcopy(functions), decoded, ground_truth, category)["valid"]
    except (AttributeError, TypeError, KeyError):
        theirs = False  # BFCL's checker crashes here; a crash is no pass
    assert ours == theirs


# ---- conversion and wheel plumbing ----

def test_bfcl_case_conversion():
    turns = [[{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
             [{"role": "user", "content": "again"}]]
    entry = {"id": "live_multiple_1-0-1", "question": turns,
             "function": [_function("f", {"x": {"type": "float"}}, ["x"])]}
    answer = {"id": "live_multiple_1-0-1", "ground_truth": [{"f": {"x": [1.5, ""]}}]}
    case = bfcl_case(entry, answer, "live_multiple")
    assert (case.id, case.category) == ("live_multiple_1-0-1", "live_multiple")
    assert case.meta == {"bfcl_category": "live_multiple", "bfcl_release": "v4"}
    assert [m["content"] for m in case.messages] == ["s", "u", "again"]
    assert case.tools[0].properties["x"] == {"type": "number", "x-bfcl-type": "float"}
    assert case.expected[0].arguments == {"x": (1.5, "")}
    irrelevant = bfcl_case({**entry, "id": "irrelevance_3"}, None, "irrelevance")
    assert (irrelevant.category, irrelevant.expected) == ("irrelevance", ())


@pytest.mark.parametrize("category, answer, question, message, field", [
    ("multi_turn_base", None, QUESTION, "has no importable category 'multi_turn_base'", "category"),
    ("simple", None, QUESTION, "has no importable category 'simple'", "category"),
    ("simple_python", None, QUESTION, "has no possible answer", "ground_truth"),
    ("simple_python", {"id": "other", "ground_truth": []}, QUESTION, "answer for 'other' paired with", "id"),
    ("simple_python", {"id": "simple_python_0", "ground_truth": "f(x=1)"}, QUESTION, "must be a list", "ground_truth"),
    ("simple_python", {"id": "simple_python_0", "ground_truth": [{"f": {"x": 1}}]}, QUESTION,
     "acceptable values must be a list", "ground_truth[0].f.x"),
    ("irrelevance", None, [], "non-empty list of turns", "question"),
    ("irrelevance", None, [[{"content": "no role"}]], "needs a role", "question[0][0].role"),
])
def test_bfcl_case_rejects_what_it_cannot_convert(category, answer, question, message, field):
    with pytest.raises(HarnessInputError, match=message) as info:
        bfcl_case({"id": "simple_python_0", "question": question, "function": []}, answer, category)
    assert info.value.field == field


def test_read_bfcl_jsonl_names_a_missing_member(tmp_path):
    import zipfile
    wheel = tmp_path / "bfcl_eval-2026.3.23-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("bfcl_eval/data/BFCL_v4_x.json", '{"id": 1}\n\n{"id": 2}\n')
    assert read_bfcl_jsonl(wheel, "BFCL_v4_x.json") == [{"id": 1}, {"id": 2}]
    with pytest.raises(BfclWheelError, match="no data file 'bfcl_eval/data/BFCL_v4_y.json'"):
        read_bfcl_jsonl(wheel, "BFCL_v4_y.json")
