"""Toy simulators for the multi-turn tests, loaded by path as a suite's simulator file is (never imported by name)."""
from __future__ import annotations

import time


class Bank:
    """A tiny bank: BFCL-style, its initial state comes through `_load_scenario`."""

    def __init__(self) -> None:
        self.balances: dict[str, int] = {}
        self.transfers: list[dict] = []
        self._opened = "today"  # private: never part of the compared state

    def _load_scenario(self, config: dict, long_context: bool = False) -> None:
        self.balances = config.get("balances", {"alice": 100, "bob": 50})
        self.long_context = long_context

    def balance(self, account: str) -> dict:
        return {"account": account, "balance": self.balances[account]}

    def transfer(self, source: str, target: str, amount: int) -> dict:
        if self.balances.get(source, 0) < amount:
            return {"error": f"insufficient funds in {source}"}
        self.balances[source] -= amount
        self.balances[target] = self.balances.get(target, 0) + amount
        self.transfers.append({"source": source, "target": target, "amount": amount})
        return {"source": self.balances[source], "target": self.balances[target]}

    def accounts(self) -> list:
        return sorted(self.balances)

    def greeting(self) -> str:
        return "welcome to the bank"

    def count(self) -> int:
        return len(self.balances)

    def tag(self, account: str, labels: list) -> list:
        self.tags = getattr(self, "tags", {})
        self.tags[account] = labels  # keeps the argument itself
        return labels

    def add_label(self, account: str, label: str) -> list:
        self.tags[account].append(label)
        return self.tags[account]

    def crash(self) -> None:
        raise RuntimeError("boom")

    def hang(self) -> None:
        """Never returns, and swallows what an ordinary exception would do to stop it."""
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass

    def ping(self) -> str:
        return "bank"

    def _secret(self) -> str:
        return "private"


class Clock:
    """A simulator without `_load_scenario`: its initial state goes to the constructor."""

    def __init__(self, now: int = 540) -> None:
        self.now = now

    def time(self) -> int:
        return self.now

    def advance(self, minutes: int) -> int:
        self.now += minutes
        return self.now

    def ping(self) -> str:
        return "clock"
