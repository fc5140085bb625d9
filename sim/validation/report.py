"""The validation table as text for the terminal and as the generated part of a Markdown file."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

BEGIN = "<!-- BEGIN generated: do not edit by hand -->"
END = "<!-- END generated -->"


def _number(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.2f}"


def simulated_text(row: pd.Series) -> str:
    """Mean and 95% interval of one row."""
    if math.isnan(row["simulated"]):
        return "-"
    interval = "" if math.isnan(row["ci_low"]) else (
        f" [{_number(row['ci_low'])}, {_number(row['ci_high'])}]")  # fmt: skip
    return f"{_number(row['simulated'])}{interval} {row['unit']}".rstrip()


def terminal_table(table: pd.DataFrame) -> str:
    """A compact table: fact, published, simulated with CI, accepted interval, verdict."""
    frame = pd.DataFrame({
        "fact": table["fact"], "published": table["published"].str.slice(0, 48),
        "simulated [95% CI]": table.apply(simulated_text, axis=1),
        "accepted": table["accepted"], "verdict": table["verdict"],
        "role": table.get("role", ""),
    })  # fmt: skip
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        return frame.to_string(index=False)


def headline(table: pd.DataFrame) -> str:
    """Verdict counts of the held-out facts, then of the fitted ones and the inputs.

    Only a held-out fact tests the model: a fitted one was used to set a parameter, and an
    input is built in.
    """
    roles = table["role"] if "role" in table else pd.Series("held out", index=table.index)
    parts = []
    for role in ("held out", "fitted", "input"):
        counts = table.loc[roles == role, "verdict"].value_counts()
        if counts.empty:
            continue
        text = ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
        parts.append(f"{role} ({int(counts.sum())} facts): {text}")
    return "; ".join(parts)


def markdown_table(
    table: pd.DataFrame, header: str, figures: list[tuple[str, str]] | None = None
) -> str:
    """The generated section: a header line, one table row per fact (with notes) and figures.

    `figures` are (caption, path relative to the Markdown file) pairs shown below the table.
    """
    lines = [header, "", f"**{headline(table)}.** Only held-out facts test the model: a fitted "
             "fact was used to set a parameter and an input is built in.", "",
             "| fact | published | source | simulated (95% CI) | accepted | verdict "
             "| role |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for _, row in table.iterrows():
        note = f" ({row['note']})" if row["note"] else ""
        lines.append(
            f"| {row['statement']} | {row['published']} | {row['source']} | "
            f"{simulated_text(row)} | {row['accepted']} | **{row['verdict']}**{note} | "
            f"{row.get('role', '')} |"
        )
    for caption, path in figures or []:
        lines += ["", f"![{caption}]({path})"]
    return "\n".join(lines)


def write_generated(path: str | Path, section: str) -> None:
    """Replace the generated section of `path` (appending it if absent), atomically."""
    path = Path(path)
    text = path.read_text() if path.exists() else ""
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w") as stream:
        stream.write(text)
    os.replace(staging, path)


#: The figures behind the validation table that are copied next to docs/validation.md.
VALIDATION_FIGURES = {
    "time_in_department": "Time in department by regime, admitted and discharged (A&E)",
    "dashboard_gap": "Measured against true performance by regime",
    "time_to_trial": "Time to trial and the backlog's age profile (Crown Court)",
}


def copy_figures(out: Path, target: Path) -> list[tuple[str, str]]:
    """Copy the validation figures (PNG) of each scenario folder to `target`; return links."""
    target.mkdir(parents=True, exist_ok=True)
    links = []
    for folder in sorted(p for p in out.iterdir() if (p / "figures").is_dir()):
        for name, caption in VALIDATION_FIGURES.items():
            source = folder / "figures" / f"{name}.png"
            if source.exists():
                copy = target / f"{folder.name}_{name}.png"
                shutil.copyfile(source, copy)
                links.append((f"{caption}: {folder.name}", f"{target.name}/{copy.name}"))
    return links
