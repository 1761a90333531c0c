"""Runs after the bad-input tests (pytest takes the files in name order) to report their count."""
from __future__ import annotations

import autograd as ag
from tests.robustness.bad_input_helpers import TRIED


def test_zz_report_case_count(capsys):
    """Print how many bad-input cases ran (the suite's figure)."""
    total = sum(TRIED.values())
    with capsys.disabled():
        print(f"\nbad-input cases tried: {total} over {len(TRIED)} ops and layers")
    if "add" in TRIED:  # the op cases ran (not a -k selection): every op was tried
        assert set(ag.REGISTRY) <= set(TRIED), sorted(set(ag.REGISTRY) - set(TRIED))
