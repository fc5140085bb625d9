"""Golden back-tests: short runs of each model compared with results stored in tests/golden/.

A change that alters the numbers fails `tests/test_backtests.py`. When the change is
intended (a new mechanism, a new random stream), regenerate the stored results and commit
them with the change, saying why the numbers moved:

    python tests/backtests.py

Each case stores its run summary (JSON, exact floats) and the first rows of every table
(CSV, floats written in full).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
ROWS = 25
#: name: (scenario file, regime, days, seed)
CASES = {
    "ae_kpi": ("scenarios/ae_four_hour.toml", "kpi", 21.0, 11),
    "ae_okr": ("scenarios/ae_four_hour.toml", "okr", 21.0, 11),
    "courts_kpi": ("scenarios/courts_time_to_trial.toml", "kpi", 90.0, 11),
    "police_kpi": ("scenarios/police_crime_targets.toml", "kpi", 120.0, 11),
}


def produce(case: str) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
    """The summary and the first rows of each table of one case, as stored."""
    import sim

    scenario, regime, days, seed = CASES[case]
    result = sim.run(ROOT / scenario, regime=regime, days=days, seed=seed)
    heads = {name: table.head(ROWS).reset_index(drop=True)
             for name, table in result.tables.items()}  # fmt: skip
    return result.summary, heads


def read(case: str) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
    """The stored summary and table heads of one case."""
    folder = GOLDEN / case
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    tables = {path.stem: pd.read_csv(path) for path in sorted(folder.glob("*.csv"))}
    return summary, tables


def write(case: str) -> Path:
    """Run one case and store its results."""
    summary, tables = produce(case)
    folder = GOLDEN / case
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    text = json.dumps(summary, indent=1, sort_keys=True, allow_nan=True)
    (folder / "summary.json").write_text(text + "\n", encoding="utf-8")
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder


def main(argv: list[str]) -> int:
    """Regenerate the stored results of every case (or of the cases named)."""
    for case in argv or list(CASES):
        print(f"wrote {write(case)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
