"""Pairing expected calls with produced calls: BFCL's greedy in-order pass, maximum matching, best alignment.

Pure algorithms over indices; whether a pair fits (or how well) is the caller's question to answer.
"""
from __future__ import annotations

from typing import Callable, Sequence

#: compatible(expected_index, produced_index) -> whether that produced call satisfies that expected call.
Compatibility = Callable[[int, int], bool]


def greedy_matching(n_expected: int, n_produced: int,
                    compatible: Compatibility) -> tuple[dict[int, int], int | None]:
    """BFCL's order-free parallel matching: each expected call, in order, takes the first unused produced
    call that fits, and is never revisited. Returns (expected -> produced, first expected left unmatched).

    Greedy can fail where a full matching exists (an early expected call takes the only fit of a later one).
    """
    matching: dict[int, int] = {}
    used: set[int] = set()
    for expected in range(n_expected):
        for produced in range(n_produced):
            if produced not in used and compatible(expected, produced):
                matching[expected] = produced
                used.add(produced)
                break
        else:
            return matching, expected
    return matching, None


def maximum_matching(n_expected: int, n_produced: int, compatible: Compatibility) -> dict[int, int]:
    """A largest one-to-one matching expected -> produced (Kuhn's augmenting paths, O(V * E)).

    A greedy pass goes first, so a well-ordered output costs one compatibility test per call; `compatible`
    is asked lazily and may be asked a pair more than once (memoise it if it is costly).
    """
    owner: dict[int, int] = {}  # produced -> expected
    unmatched = []
    for expected in range(n_expected):
        for produced in range(n_produced):
            if produced not in owner and compatible(expected, produced):
                owner[produced] = expected
                break
        else:
            unmatched.append(expected)

    def augment(expected: int, seen: set[int]) -> bool:
        for produced in range(n_produced):
            if produced in seen or not compatible(expected, produced):
                continue
            seen.add(produced)
            if produced not in owner or augment(owner[produced], seen):
                owner[produced] = expected
                return True
        return False

    for expected in unmatched:
        augment(expected, set())
    return {expected: produced for produced, expected in owner.items()}


def max_weight_assignment(weights: Sequence[Sequence[int]]) -> dict[int, int]:
    """One-to-one rows -> columns maximising the summed weight; pairs of weight <= 0 are left out.

    Hungarian algorithm with potentials on the matrix padded to a square (O(n^3)); integer weights keep it exact.
    """
    n_rows = len(weights)
    n_cols = max((len(row) for row in weights), default=0)
    size = max(n_rows, n_cols)
    if size == 0:
        return {}

    def cost(row: int, col: int) -> int:  # minimise the negated weight; padding and bad pairs cost 0
        if row < n_rows and col < len(weights[row]):
            return -max(weights[row][col], 0)
        return 0

    infinity = float("inf")
    row_potential = [0] * (size + 1)
    col_potential = [0] * (size + 1)
    row_of_col = [0] * (size + 1)  # 1-based row assigned to each column; 0 = none
    previous_col = [0] * (size + 1)
    for row in range(1, size + 1):
        row_of_col[0] = row
        current_col = 0
        slack = [infinity] * (size + 1)
        done = [False] * (size + 1)
        while True:
            done[current_col] = True
            current_row = row_of_col[current_col]
            delta, next_col = infinity, 0
            for col in range(1, size + 1):
                if done[col]:
                    continue
                reduced = cost(current_row - 1, col - 1) - row_potential[current_row] - col_potential[col]
                if reduced < slack[col]:
                    slack[col], previous_col[col] = reduced, current_col
                if slack[col] < delta:
                    delta, next_col = slack[col], col
            for col in range(size + 1):
                if done[col]:
                    row_potential[row_of_col[col]] += delta
                    col_potential[col] -= delta
                else:
                    slack[col] -= delta
            current_col = next_col
            if row_of_col[current_col] == 0:
                break
        while current_col:
            before = previous_col[current_col]
            row_of_col[current_col] = row_of_col[before]
            current_col = before
    assignment = {}
    for col in range(1, size + 1):
        row = row_of_col[col] - 1
        if 0 <= row < n_rows and col - 1 < len(weights[row]) and weights[row][col - 1] > 0:
            assignment[row] = col - 1
    return assignment
