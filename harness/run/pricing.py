"""Cost per 1,000 calls: tokens x list price for hosted models, device time x hourly rate for local ones.

The price table ships as data (`harness/data/prices.yaml`); a suite's `prices:` block overrides it entry by entry.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal, Mapping, Sequence

import yaml

from harness.backends.base import backend_plugin
from harness.results.file import CaseRecord
from harness.suite.candidate import CandidateSpec
from harness.suite.spec import PricesSpec, TokenPrice

CostBasis = Literal["tokens", "device_time"]
DEFAULT_DEVICE = "cpu"
# Dated snapshots and aliases ("gpt-4o-2024-08-06", "gpt-4o-mini-20240718", "claude-...-latest") cost
# what their family lists.
_SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$")


@dataclass(frozen=True)
class PriceTable:
    """USD per 1M tokens by model name, and USD per device-hour by device kind."""

    models: Mapping[str, TokenPrice] = field(default_factory=dict)
    devices: Mapping[str, float] = field(default_factory=dict)
    as_of: str | None = None

    def token_price(self, model: str | None) -> TokenPrice | None:
        """The model's price: exact name, else without a `provider/` prefix or a dated-snapshot suffix."""
        if not model:
            return None
        for name in (model, model.rsplit("/", 1)[-1]):
            for candidate_name in (name, _SNAPSHOT_SUFFIX.sub("", name)):
                if candidate_name in self.models:
                    return self.models[candidate_name]
        return None

    def device_hour_usd(self, device: str) -> float | None:
        return self.devices.get(device)

    def merged(self, overrides: PricesSpec) -> "PriceTable":
        """This table with a suite's overrides on top (an overridden model or device replaces the entry)."""
        return PriceTable(models={**self.models, **overrides.models}, devices={**self.devices, **overrides.devices},
                          as_of=self.as_of)


@functools.cache
def shipped_price_table() -> PriceTable:
    """The table in `harness/data/prices.yaml`, validated with the same model a suite's overrides use."""
    text = resources.files("harness").joinpath("data/prices.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    spec = PricesSpec.model_validate({"models": raw.get("models", {}), "devices": raw.get("devices", {})})
    return PriceTable(models=spec.models, devices=spec.devices, as_of=str(raw.get("as_of") or "") or None)


def price_table(overrides: PricesSpec | None = None) -> PriceTable:
    """The shipped table, with a suite's `prices:` block applied when given."""
    table = shipped_price_table()
    return table.merged(overrides) if overrides is not None else table


@dataclass(frozen=True)
class CallCost:
    """What 1,000 calls cost, on which basis, and the unit prices used (so the figure can be recomputed)."""

    per_1k_calls_usd: float
    basis: CostBasis
    prices: dict

    def to_aggregates(self) -> dict:
        return {"cost_per_1k_calls_usd": self.per_1k_calls_usd, "cost_basis": self.basis, "cost_prices": self.prices}


def cost_per_1k_calls(records: Sequence[CaseRecord], candidate: CandidateSpec, prices: PriceTable,
                      device: str | None = None) -> CallCost | None:
    """Cost of 1,000 calls like these records; None when the price or the measurements are unknown.

    Candidates whose backend runs a local model pay for device time: mean latency per case x the device's hourly rate; under
    batched generation each case's latency is already its share of the batch, so batching is amortised.
    Other candidates whose model has a token price pay per token: mean input and output tokens x price.
    `device` is where the model ran (the backend identity's "device"); default: the spec's, else cpu.
    """
    if backend_plugin(candidate.resolved_backend).capabilities.local_model:
        declared = getattr(candidate.backend_options(), "device", "auto")
        device = normalise_device(device or (declared if declared != "auto" else DEFAULT_DEVICE))
        hour_usd = prices.device_hour_usd(device)
        return None if hour_usd is None else device_time_cost(records, device, hour_usd)
    price = prices.token_price(candidate.model)
    return None if price is None else token_cost(records, price)


def token_cost(records: Sequence[CaseRecord], price: TokenPrice) -> CallCost | None:
    """1,000 x (mean input tokens x input price + mean output tokens x output price) / 1M."""
    known = [r for r in records if r.input_tokens is not None and r.output_tokens is not None]
    if not known:
        return None
    mean_in = sum(r.input_tokens for r in known) / len(known)
    mean_out = sum(r.output_tokens for r in known) / len(known)
    per_call = (mean_in * price.input_per_1m_usd + mean_out * price.output_per_1m_usd) / 1e6
    return CallCost(per_1k_calls_usd=1000 * per_call, basis="tokens", prices=price.model_dump())


def device_time_cost(records: Sequence[CaseRecord], device: str, hour_usd: float) -> CallCost | None:
    """1,000 x mean latency per case (hours) x USD per device-hour."""
    latencies = [r.latency_ms for r in records if r.latency_ms is not None]
    if not latencies:
        return None
    mean_hours = sum(latencies) / len(latencies) / 3_600_000
    return CallCost(per_1k_calls_usd=1000 * mean_hours * hour_usd, basis="device_time",
                    prices={"device": device, "device_hour_usd": hour_usd})


def normalise_device(device: Any) -> str:
    """"cuda:0" -> "cuda": prices are per kind of device, not per card."""
    return str(device).split(":", 1)[0].strip().lower() or DEFAULT_DEVICE


def device_from_identity(identity: Mapping[str, Any]) -> str | None:
    """The device a backend reports in its identity, when it reports one."""
    device = identity.get("device") if isinstance(identity, Mapping) else None
    return normalise_device(device) if device else None
