"""The pytest plugin: generated gate items per (metric, candidate), the `harness_gate` fixture, usage errors."""
from pathlib import Path

import pytest
import tomllib

# Imported here so numpy and pandas stay loaded: pytester's in-process runs drop modules first imported
# inside them, and numpy cannot be imported twice in one process.
import harness.gate.pytest_plugin  # noqa: F401
from tests.results_files import make_results, write

pytest_plugins = ["pytester"]

ALL_PASS = [True] * 40
REGRESSED = [False] * 12 + [True] * 28     # McNemar p = 0.00049: a real regression
NOISY = [False] * 3 + [True] * 37          # p = 0.25: noise


@pytest.fixture
def run(pytester, monkeypatch):
    """Run pytest in-process with only this plugin (whatever else is installed), from a clean folder."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def go(*args):
        return pytester.runpytest("-p", "harness.gate.pytest_plugin", "-p", "no:cacheprovider", *map(str, args))

    return go


@pytest.fixture
def files(pytester):
    folder = Path(pytester.path)
    reference = write(make_results({"steady": ALL_PASS, "broken": ALL_PASS}), folder / "ref.json")
    new = write(make_results({"steady": NOISY, "broken": REGRESSED}, schema={"steady": ALL_PASS, "broken": ALL_PASS}),
                folder / "new.json")
    return reference, new


def test_generated_items_fail_only_on_a_real_regression(run, files):
    reference, new = files
    result = run("--harness-reference", reference, "--harness-results", new, "-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "*harness_gate?tool_call_accuracy-steady? PASSED*",
        "*harness_gate?tool_call_accuracy-broken? FAILED*",
        "*regression: tool_call_accuracy of broken fell 30.0 pt*McNemar p = 0.000488*",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_tolerance_option_and_marker_selection(run, files, pytester):
    pytester.makepyfile(test_other="def test_unrelated():\n    pass\n")
    reference, new = files
    result = run("--harness-reference", reference, "--harness-results", new, "-m", "harness_gate",
                 "--harness-tolerance", "tool_call_accuracy=0.5")
    result.assert_outcomes(passed=4, deselected=1)


def test_pair_option_pairs_candidates_across_names(run, pytester):
    folder = Path(pytester.path)
    reference = write(make_results({"old-model": ALL_PASS, "steady": ALL_PASS}), folder / "ref.json")
    new = write(make_results({"new-model": REGRESSED, "steady": ALL_PASS}), folder / "new.json")
    result = run("--harness-reference", reference, "--harness-results", new, "--harness-pair", "old-model=new-model",
                 "-v")
    result.assert_outcomes(passed=2, failed=2)  # accuracy and schema validity of the pair; steady passes both
    result.stdout.fnmatch_lines(["*harness_gate?tool_call_accuracy-old-model=new-model? FAILED*",
                                 "*regression: tool_call_accuracy of old-model -> new-model fell 30.0 pt*"])


def test_without_options_nothing_is_added(run, pytester):
    pytester.makepyfile(test_other="def test_unrelated():\n    pass\n")
    run().assert_outcomes(passed=1)


def test_unusable_input_is_a_usage_error(run, files, pytester):
    reference, _ = files
    other = write(make_results({"steady": ALL_PASS}, name="other"), Path(pytester.path) / "other.json")
    result = run("--harness-reference", reference, "--harness-results", other)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*harness gate:*different suites*'toolshop'*'other'*"])
    assert run("--harness-reference", reference).ret == pytest.ExitCode.USAGE_ERROR


def test_fixture_fails_the_calling_test_on_a_regression(run, files, pytester):
    reference, new = files
    pytester.makepyfile(test_gate=f"""
        def test_default_tolerances(harness_gate):
            harness_gate({str(reference)!r}, {str(new)!r})

        def test_loose_tolerance(harness_gate):
            report = harness_gate({str(reference)!r}, {str(new)!r}, tolerances={{"tool_call_accuracy": 0.5}})
            assert report.passed and len(report.changes) == 4

        def test_paths_from_options(harness_gate):
            assert harness_gate(tolerances={{"schema_validity": 0.0}}).passed is False
    """)
    result = run("--harness-reference", reference, "--harness-results", files[0], "-k", "not harness_gate")
    result.assert_outcomes(passed=1, failed=2, deselected=4)
    result.stdout.fnmatch_lines(["*harness gate: tool_call_accuracy of broken fell 30.0 pt*"])


def test_pyproject_registers_the_plugin():
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["entry-points"]["pytest11"] == {"harness": "harness.gate.pytest_plugin"}
