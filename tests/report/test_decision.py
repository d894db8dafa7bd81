"""The fine-tune decision: its three situations, the numbers behind each sentence, and break-even by hand."""
import numpy as np
import pytest

from harness.report.decision import decide
from harness.report.stats import bootstrap_ci
from harness.results.frame import load_results
from tests.report.report_builders import candidate, decision_results, passing, results_file

N = 40


def _paired_ci(ft_passed, base_passed, n=N):
    """The CI the decision must report: seeded bootstrap of per-case (fine-tune − baseline) differences."""
    ft = np.isin(np.arange(n), list(ft_passed)).astype(float)
    base = np.isin(np.arange(n), list(base_passed)).astype(float)
    return bootstrap_ci(ft - base, seed=0)


def _signed(value):
    value = round(100 * value, 1)
    return f"+{value:.1f}" if value >= 0 else f"\u2212{abs(value):.1f}"


def test_fine_tune_that_wins_and_is_cheaper_gets_break_even():
    # LoRA passes 36/40, few-shot 20/40 (the zero-shot baseline, 10/40, is not the best baseline).
    results = decision_results(range(36), range(20), extra_baselines={"smollm2-zero-shot": range(10)})
    decision = decide(load_results(results))
    low, high = _paired_ci(range(36), range(20))
    assert decision.verdict == "fine_tune_wins"
    assert (decision.fine_tune, decision.baseline, decision.best_candidate) == ("smollm2-lora", "smollm2-few-shot",
                                                                                  "smollm2-lora")
    assert decision.difference == pytest.approx(0.4)
    assert decision.difference_ci == pytest.approx((low, high))
    assert (decision.fine_tune_only, decision.baseline_only, decision.paired_cases) == (16, 0, 40)
    assert decision.p_value == pytest.approx(2 * 0.5 ** 16)
    # $3.00 of training repaid at $0.50 - $0.20 = $0.30 saved per 1,000 calls: 3 / 0.0003 = 10,000 calls.
    assert decision.savings_per_1k_usd == pytest.approx(0.30)
    assert decision.break_even_calls == 10_000
    assert decision.sentence == (
        f"LoRA (smollm2-lora) beats the best baseline (smollm2-few-shot) by +40.0 points "
        f"[95% CI {_signed(low)}, {_signed(high)}], McNemar p<0.001; it cost $3.00 to train and saves $0.30 per "
        "1,000 calls; break-even after 10,000 calls")


def test_break_even_rounds_up_to_whole_calls():
    # $1.00 / ($0.35 - $0.05 per 1,000 calls) = 3,333.3 calls -> 3,334.
    results = decision_results(range(36), range(20), ft_cost=0.05, base_cost=0.35, training_cost=1.0)
    assert decide(load_results(results)).break_even_calls == 3_334


def test_fine_tune_not_significantly_better_is_not_justified():
    # 4 cases only LoRA passes, 2 only few-shot passes: exact McNemar p = 2 * 22/64 = 0.6875.
    results = decision_results(range(2, 24), range(20))
    decision = decide(load_results(results))
    low, high = _paired_ci(range(2, 24), range(20))
    assert decision.verdict == "not_justified"
    assert decision.p_value == pytest.approx(0.6875)
    assert decision.difference == pytest.approx(0.05)
    assert decision.sentence == (
        "fine-tuning is not justified: the best fine-tune (smollm2-lora) is not significantly better than the best "
        f"baseline (smollm2-few-shot) (+5.0 points [95% CI {_signed(low)}, {_signed(high)}], McNemar p=0.69); "
        "it cost $3.00 to train and saves $0.30 per 1,000 calls; break-even after 10,000 calls")


def test_significantly_worse_cheaper_fine_tune_never_breaks_even():
    decision = decide(load_results(decision_results(range(5), range(20))))
    assert decision.verdict == "not_justified" and decision.best_candidate == "smollm2-few-shot"
    assert "is significantly worse than the best baseline (smollm2-few-shot) (\u221237.5 points" in decision.sentence
    assert decision.break_even_calls is None and "less accurate" in decision.break_even_reason
    assert decision.sentence.endswith("saves $0.30 per 1,000 calls but is less accurate, so there is no break-even "
                                      "at equal quality (never)")


def test_better_but_dearer_fine_tune_buys_quality_per_call():
    decision = decide(load_results(decision_results(range(36), range(20), ft_cost=0.80, base_cost=0.50)))
    assert decision.verdict == "fine_tune_wins" and decision.break_even_calls is None
    assert decision.savings_per_1k_usd == pytest.approx(-0.30)
    assert decision.sentence.endswith("it cost $3.00 to train and buys its quality at +$0.30 per 1,000 calls, so the "
                                      "training cost is never repaid (break-even: never)")


def test_unpriced_baseline_leaves_break_even_unknown():
    decision = decide(load_results(decision_results(range(36), range(20), base_cost=None)))
    assert decision.break_even_calls is None
    assert decision.break_even_reason == "cost per call of smollm2-few-shot is not priced"
    assert decision.sentence.endswith("break-even unknown: the cost per call of smollm2-few-shot is not priced "
                                      "(add its price to the suite's `prices:`)")


def test_without_fine_tune_names_the_best_candidate():
    results = results_file([candidate("smollm2-few-shot", strategy="few_shot"), candidate("smollm2-zero-shot")],
                           passing("smollm2-few-shot", N, range(20)) + passing("smollm2-zero-shot", N, range(10)))
    decision = decide(load_results(results))
    frame_ci = bootstrap_ci([1.0] * 20 + [0.0] * 20, seed=0)
    low, high = _paired_ci(range(20), range(10))
    assert decision.verdict == "no_fine_tune" and decision.fine_tune is None
    assert (decision.best_candidate, decision.runner_up) == ("smollm2-few-shot", "smollm2-zero-shot")
    assert decision.p_value == pytest.approx(2 * 0.5 ** 10)
    assert decision.sentence == (
        "no fine-tuned candidate in these results: the best candidate is smollm2-few-shot (50.0% tool-call accuracy "
        f"[95% CI {100 * frame_ci[0]:.1f}, {100 * frame_ci[1]:.1f}]), significantly better than the runner-up "
        f"smollm2-zero-shot (+25.0 points [95% CI {_signed(low)}, {_signed(high)}], McNemar p=0.002)")


def test_only_fine_tunes_have_no_baseline_to_beat():
    results = results_file([candidate("lora-a", lora=True), candidate("lora-b", lora=True, strategy="few_shot")],
                           passing("lora-a", N, range(10)) + passing("lora-b", N, range(30)))
    decision = decide(load_results(results))
    assert decision.verdict == "no_baseline" and decision.best_candidate == "lora-b"
    assert decision.sentence.startswith("no baseline in these results to compare the fine-tunes with: the best "
                                        "candidate is LoRA + few-shot (lora-b) (75.0% tool-call accuracy")


def test_decision_serialises_every_number():
    data = decide(load_results(decision_results(range(36), range(20)))).to_json()
    assert data["break_even_calls"] == 10_000 and len(data["difference_ci"]) == 2
    assert data["training_cost_usd"] == 3.0 and data["baseline_cost_per_1k_usd"] == 0.5
