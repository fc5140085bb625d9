"""Growable numpy columns: the entity tables (cases, crimes) of the vectorised domains.

Entities that a day acts on in groups are rows of numpy columns rather than Mesa agents:
float columns start as NaN, integer columns as 0 and boolean columns as False.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class ColumnTable:
    """Named columns of one length, grown by doubling as rows are added."""

    def __init__(self, floats: Iterable[str], ints: Iterable[str], bools: Iterable[str],
                 capacity: int = 4096) -> None:  # fmt: skip
        """Allocate empty columns of each kind with room for `capacity` rows."""
        self.n = 0
        self.capacity = max(int(capacity), 1)
        self.cols: dict[str, np.ndarray] = {}
        for name in floats:
            self.cols[name] = np.full(self.capacity, np.nan)
        for name in ints:
            self.cols[name] = np.zeros(self.capacity, dtype=np.int64)
        for name in bools:
            self.cols[name] = np.zeros(self.capacity, dtype=bool)

    def __getitem__(self, name: str) -> np.ndarray:
        """The live part of column `name` (a view: writing to it writes the table)."""
        return self.cols[name][: self.n]

    def add(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """Append rows given as equal-length arrays (missing columns keep their defaults).

        Returns the new rows' numbers.
        """
        count = len(next(iter(values.values())))
        if self.n + count > self.capacity:
            self.capacity = max(2 * self.capacity, self.n + count)
            for name, column in self.cols.items():
                grown = np.full(self.capacity, np.nan) if column.dtype == float else np.zeros(
                    self.capacity, dtype=column.dtype)  # fmt: skip
                grown[: self.n] = column[: self.n]
                self.cols[name] = grown
        for name, array in values.items():
            self.cols[name][self.n : self.n + count] = array
        rows = np.arange(self.n, self.n + count)
        self.n += count
        return rows
