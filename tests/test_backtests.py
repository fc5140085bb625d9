"""Golden back-tests: short runs must reproduce the results stored in tests/golden/.

If a change is meant to move the numbers, regenerate them with `python tests/backtests.py`
and say why in the commit.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from backtests import CASES, produce, read


@pytest.mark.parametrize("case", sorted(CASES))
def test_results_match_the_stored_back_test(case, tmp_path):
    summary, tables = produce(case)
    stored_summary, stored_tables = read(case)
    assert sorted(summary) == sorted(stored_summary)
    for key, value in stored_summary.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            assert math.isnan(summary[key]), key
        else:
            assert summary[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert sorted(tables) == sorted(stored_tables)
    for name, head in tables.items():
        path = tmp_path / f"{name}.csv"
        head.to_csv(path, index=False)  # the same round trip the stored file made
        pd.testing.assert_frame_equal(pd.read_csv(path), stored_tables[name],
                                      check_exact=False, rtol=1e-12, atol=1e-12)  # fmt: skip
