"""BFCL's simulators from the pinned wheel, and its ground-truth call strings read without evaluation."""
from __future__ import annotations

import importlib.util
import inspect
import json
import re
import subprocess
import sys
import types

import pytest

from harness.errors import HarnessInputError
from harness.integrations.bfcl.wheel import BfclWheelError
from harness.multiturn import bfcl_env
from harness.multiturn.bfcl_env import (
    bfcl_environment_factory, bfcl_ground_truth, bfcl_simulator_classes, is_long_context, parse_bfcl_call,
)
from harness.suite.cases import ToolCall

SIGNATURES = {"sort": inspect.Signature([inspect.Parameter("file_name", inspect.Parameter.POSITIONAL_OR_KEYWORD)]),
              "wc": inspect.Signature([inspect.Parameter("file_name", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                                       inspect.Parameter("mode", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                         default="l")])}




@pytest.mark.parametrize("text, call", [
    ("cd(folder='document')", ToolCall("cd", {"folder": "document"})),
    ("sort('final_report.pdf')", ToolCall("sort", {"file_name": "final_report.pdf"})),
    ("wc('a.txt', mode='w')", ToolCall("wc", {"file_name": "a.txt", "mode": "w"})),
    ("mean(numbers=[1, -2.5, 3])", ToolCall("mean", {"numbers": [1, -2.5, 3]})),
    ("f(a={'k': (1, 2)}, b=None, c=True)", ToolCall("f", {"a": {"k": (1, 2)}, "b": None, "c": True})),
    ("ls()", ToolCall("ls", {})),
])
def test_call_strings_are_read_as_calls(text, call):
    assert parse_bfcl_call(text, SIGNATURES) == call


@pytest.mark.parametrize("text, message", [
    ("cd(folder=os.getcwd())", "cannot read"),
    ("cd(folder=here)", "cannot read"),
    ("cd(**{'folder': 'x'})", "`**` arguments need evaluation"),
    ("fs.cd(folder='x')", "not a call of a plain function name"),
    ("cd", "not a call of a plain function name"),
    ("touch('a.txt')", "positional arguments to unknown function 'touch'"),
    ("sort('a', 'b')", "do not fit sort(file_name)"),
])
def test_anything_but_literals_is_refused_never_evaluated(text, message):
    with pytest.raises(HarnessInputError, match=re.escape(message)):
        parse_bfcl_call(text, SIGNATURES, field="ground_truth[0][0]")


def test_positional_ground_truth_is_named_from_the_simulator_signature(wheel):
    classes = bfcl_simulator_classes(["GorillaFileSystem", "TwitterAPI"], wheel)
    assert [cls.__name__ for cls in classes] == ["GorillaFileSystem", "TwitterAPI"]
    calls = bfcl_ground_truth([["cd(folder='document')", "sort('final_report.pdf')"], []], classes)
    assert calls == [[ToolCall("cd", {"folder": "document"}), ToolCall("sort", {"file_name": "final_report.pdf"})], []]


def test_an_unknown_class_lists_the_known_ones(wheel):
    with pytest.raises(HarnessInputError, match="unknown BFCL simulator class 'Shell'") as caught:
        bfcl_simulator_classes(["Shell"], wheel)
    assert caught.value.field == "involved_classes" and "GorillaFileSystem" in str(caught.value)


def test_the_long_context_flag_follows_the_category_in_the_id():
    assert is_long_context({"id": "multi_turn_long_context_12"}) is True
    assert is_long_context({"id": "multi_turn_composite_3"}) is True
    assert is_long_context({"id": "multi_turn_base_12"}) is False
    assert is_long_context({"id": "multi_turn_miss_param_0"}) is False


def test_an_entry_environment_loads_its_initial_config(wheel):
    entry = {"id": "multi_turn_long_context_7", "involved_classes": ["GorillaFileSystem", "MathAPI"],
             "initial_config": {"GorillaFileSystem": {"root": {"alex": {"type": "directory", "contents": {
                 "notes.txt": {"type": "file", "content": "one\ntwo"}}}}},
                 "MathAPI": {"precision": 4}}}  # BFCL gives MathAPI a config it never loads
    environment = bfcl_environment_factory(entry, wheel)()
    assert environment.class_names == ("GorillaFileSystem", "MathAPI")
    assert environment.state()["GorillaFileSystem"]["long_context"] is True
    content = json.loads(environment.execute("cat", {"file_name": "notes.txt"}).content)["file_content"]
    assert content.startswith("one\ntwo") and len(content) > 1000  # long context pads every file
    short = dict(entry, id="multi_turn_base_7")
    assert bfcl_environment_factory(short, wheel)().execute("cat", {"file_name": "notes.txt"}).content == \
        '{"file_content": "one\\ntwo"}'
    assert environment.execute("mean", {"numbers": [1, 2, 3]}).content == '{"result": 2.0}'
    assert environment.execute("_load_scenario", {"scenario": {}}).error == "unknown tool '_load_scenario'"


def test_the_simulators_import_from_the_zip_without_touching_sys_path(wheel):
    script = ("import sys\nfrom harness.multiturn.bfcl_env import bfcl_simulator_classes\n"
              f"cls, = bfcl_simulator_classes(['TicketAPI'], {str(wheel)!r})\n"
              f"assert not any('bfcl_eval' in entry for entry in sys.path), sys.path\n"
              "print(sys.modules['bfcl_eval'].__file__, cls.__module__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    origin, module = done.stdout.split()
    assert origin == f"{wheel}/bfcl_eval/__init__.py"
    assert module == "bfcl_eval.eval_checker.multi_turn_eval.func_source_code.ticket_api"


def test_a_bfcl_eval_from_elsewhere_is_refused(wheel, monkeypatch):
    stranger = types.ModuleType("bfcl_eval")
    stranger.__file__ = "/site-packages/bfcl_eval/__init__.py"
    monkeypatch.setitem(sys.modules, "bfcl_eval", stranger)
    with pytest.raises(BfclWheelError, match="a different bfcl_eval is already imported"):
        bfcl_env._import_package(str(wheel))


def test_a_simulator_needing_a_missing_package_says_which(wheel):
    if importlib.util.find_spec("html2text") is not None:
        pytest.skip("html2text is installed, so WebSearchAPI imports")
    with pytest.raises(BfclWheelError, match="BFCL simulator WebSearchAPI needs html2text, which is not installed"):
        bfcl_simulator_classes(["WebSearchAPI"], wheel)


#: Calls of every outcome: results as dicts, a refusal the simulator returns, arguments that do not fit, a method
#: that raises, a function no class has.
WORDING_CALLS = ["ls()", "pwd()", "cd(folder='nowhere')", "cd(nope=1)", "cd()", "mkdir(dir_name=5)",
                 "teleport(x=1)", "cat(file_name='missing.txt')", "mean(numbers=[1, 2, 4])", "mean(numbers=[])",
                 "get_user_tweets(username='nobody')", "posting_get_login_status()"]


def test_results_and_failures_read_as_bfcls_own_execution_words_them(wheel):
    """The model reads BFCL's simulated APIs as BFCL shows them: each call's text equals what BFCL's own
    `execute_multi_turn_func_call` gives for the same call string on the same entry."""
    from tests.multiturn.bfcl_multiturn_reference import bfcl_multi_turn_reference

    reference = bfcl_multi_turn_reference()
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import execute_multi_turn_func_call

    entry = {"id": "multi_turn_base_900", "involved_classes": ["GorillaFileSystem", "MathAPI", "TwitterAPI"],
             "initial_config": {"GorillaFileSystem": {"root": {"alex": {"type": "directory", "contents": {
                 "document": {"type": "directory", "contents": {}}}}}},
                 "TwitterAPI": {"username": "alex", "password": "pw", "authenticated": True}}}
    model = f"wording{next(reference.names)}"
    try:
        theirs, _ = execute_multi_turn_func_call(WORDING_CALLS, entry["initial_config"], entry["involved_classes"],
                                                 model, entry["id"])
    finally:
        for key in [key for key in reference.instances if key.startswith(model + "_")]:
            del reference.instances[key]
    environment = bfcl_environment_factory(entry, wheel)()
    signatures = {name: environment.signature(name) for name in environment.tool_names}
    ours = [environment.execute(call.name, call.arguments).content
            for call in (parse_bfcl_call(text, signatures) for text in WORDING_CALLS)]
    assert ours == theirs
    assert sum(text.startswith("Error during execution: ") for text in ours) >= 3  # the failures were reached
    assert environment.execute("teleport", {}).error == "unknown tool 'teleport'"  # our own reason is kept
