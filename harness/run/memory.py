"""Peak memory of a phase of the run (generating one candidate's cases, training its adapter), as the results
file records it beside latency and cost.

On Linux the kernel keeps the process's peak resident set (VmHWM) and lets the process reset it (writing 5
to /proc/self/clear_refs), so each phase gets its own peak rather than the run's so far. Elsewhere the
lifetime peak is the best there is, and the record says which it is. A phase's peak includes what the process
still holds from before it (the models loaded, memory an allocator such as tcmalloc keeps after a free), so the
clean figure for one phase alone is a process of its own (`scripts/memory_phases.sh`). GPU memory comes from torch's
allocator statistics when a GPU was used.
"""
from __future__ import annotations

import contextlib
import resource
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass
class PeakMemory:
    """Filled in when the measured block ends."""

    rss_mib: float | None = None
    #: `phase`: the block's own peak; `process`: the process's peak so far (the block's cannot be isolated).
    scope: str = "phase"
    gpu_mib: float | None = None

    def to_json(self, prefix: str) -> dict:
        data = {f"{prefix}_peak_rss_mib": _rounded(self.rss_mib), f"{prefix}_peak_scope": self.scope}
        if self.gpu_mib is not None:
            data[f"{prefix}_peak_gpu_mib"] = _rounded(self.gpu_mib)
        return data


@contextlib.contextmanager
def peak_memory() -> Iterator[PeakMemory]:
    """Measure the peak memory of the block."""
    peak = PeakMemory(scope="phase" if _reset_rss_peak() else "process")
    gpu = _reset_gpu_peak()
    try:
        yield peak
    finally:
        peak.rss_mib = _rss_peak_mib()
        if gpu:
            import torch

            peak.gpu_mib = torch.cuda.max_memory_allocated() / 2**20


def current_rss_mib() -> float | None:
    """Resident memory now (VmRSS), for progress lines and tests."""
    return _status_field("VmRSS")


def _reset_rss_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def _rss_peak_mib() -> float | None:
    peak = _status_field("VmHWM")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10  # bytes on macOS, KiB on Linux


def _status_field(name: str) -> float | None:
    """A `kB` line of /proc/self/status in MiB."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_gpu_peak() -> bool:
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return False
    torch.cuda.reset_peak_memory_stats()
    return True


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
