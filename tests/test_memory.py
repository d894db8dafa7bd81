"""Peak memory per phase: the kernel's peak resident set, reset at the start of each measured block."""
import mmap

import numpy as np

from harness.run.memory import current_rss_mib, peak_memory


def test_each_block_gets_its_own_peak():
    with peak_memory() as big:
        # 200 MiB mapped and touched, then unmapped: given back to the system whatever malloc is preloaded
        # (tcmalloc, as scripts/test.sh preloads it, keeps freed heap memory resident).
        block = mmap.mmap(-1, 200 * 2**20)
        for offset in range(0, len(block), mmap.PAGESIZE):
            block[offset] = 1
        block.close()
    with peak_memory() as small:
        np.ones(2**20 // 8).sum()
    assert big.scope == small.scope == "phase"
    assert big.rss_mib - small.rss_mib > 150  # the second block does not inherit the first one's peak
    assert small.rss_mib >= current_rss_mib() * 0.5


def test_the_record_names_its_phase_and_scope():
    with peak_memory() as peak:
        pass
    record = peak.to_json("generation")
    assert set(record) == {"generation_peak_rss_mib", "generation_peak_scope"}
    assert record["generation_peak_rss_mib"] > 0 and record["generation_peak_scope"] == "phase"
