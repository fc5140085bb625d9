"""Figures made from result folders: every expected file at both widths, real images, a
pixel baseline.

The baseline image is drawn from a small synthetic result folder written below, so model
changes never move it. After an intended change to the figure code, regenerate it with

    GOODHART_UPDATE_BASELINE=1 .venv/bin/python -m pytest tests/test_figures.py -k baseline

and look at tests/baseline/dashboard_gap_synthetic.png before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images
from PIL import Image

from sim.cli import main
from sim.experiments import stats
from sim.figures import (
    FIGURES,
    FolderError,
    dashboard_gap,
    load_folder,
    make_figures,
    save_figure,
    write_figures,
)

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "baseline" / "dashboard_gap_synthetic.png"
DPI = 300
SINGLE_COLUMN_PX = round(3.5 * DPI)

TINY_AE = """\
name = "tiny_ae"
domain = "hospital"
days = 10
warmup_days = 2
replications = 2
seed = 11

[hospital]
[[hospital.eds]]
name = "Solo"
arrivals_per_day = 80
clinicians_peak = 8
cubicles = 10
beds = 80

[behaviour]
decision_period_days = 2

[regimes.kpi]
type = "kpi"
measure = "share_within"
within = 240
target = 0.95

[regimes.none]
type = "none"
"""
OKR = """
[regimes.okr]
type = "okr"
objective = "Provide safe, dignified emergency care"
review_days = 5

[[regimes.okr.key_results]]
measure = "mean_wait_min"
direction = "lower"
target = 240
zero_at = 360
"""

SINGLE_FIGURES = {
    "hospital": {"time_in_department", "dashboard_gap", "harms", "emergence"},
    "courts": {"time_to_trial", "dashboard_gap", "harms", "emergence"},
    "police": {"recorded_vs_crime", "dashboard_gap", "harms", "emergence"},
}


def cli(*argv: str) -> None:
    assert main(list(argv)) == 0


@pytest.fixture(scope="session")
def folders(tmp_path_factory) -> dict[str, Path]:
    """Small real result folders of every kind, made once through the command line.

    Figures never read the bootstrap intervals of regimes.csv or the analysis tables, so
    they are not computed here (they took most of this fixture's time).
    """
    base = tmp_path_factory.mktemp("results")
    scenario, two_regimes = base / "tiny_ae.toml", base / "tiny_ae_kpi_none.toml"
    scenario.write_text(TINY_AE + OKR, encoding="utf-8")
    two_regimes.write_text(TINY_AE, encoding="utf-8")
    out = {name: base / name for name in ("ae_run", "ae", "courts", "police", "grid", "sobol")}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stats, "bootstrap_interval", lambda values, seed=0: (np.nan, np.nan))
        make_folders(scenario, two_regimes, out)
    return out


def make_folders(scenario: Path, two_regimes: Path, out: dict[str, Path]) -> None:
    cli("run", str(scenario), "--out", str(out["ae_run"]))
    cli("compare", str(scenario), "--workers", "1", "--no-figures", "--out", str(out["ae"]))
    cli("compare", str(ROOT / "scenarios" / "courts_time_to_trial.toml"), "--days", "60",
        "--set", "warmup_days=20", "--replications", "2", "--workers", "1", "--no-figures",
        "--out", str(out["courts"]))  # fmt: skip
    cli("compare", str(ROOT / "scenarios" / "police_crime_targets.toml"), "--days", "120",
        "--set", "warmup_days=28", "--replications", "2", "--workers", "1", "--no-figures",
        "--out", str(out["police"]))  # fmt: skip
    cli("sweep", str(two_regimes), "--design", "grid", "--param", "stakes.level=0,2",
        "--param", "league_table.weight=0,0.5", "--replications", "1", "--days", "6",
        "--workers", "1", "--out", str(out["grid"]))  # fmt: skip
    cli("sweep", str(two_regimes), "--design", "sobol", "--samples", "2",
        "--param", "stakes.level=0:3", "--param", "league_table.weight=0:1",
        "--replications", "1", "--days", "6", "--workers", "1",
        "--out", str(out["sobol"]))  # fmt: skip
    for store in ("grid", "sobol"):
        cli("analyse", str(out[store]))


def file_names(figures: set[str], width: str = "both") -> set[str]:
    """The PNG and PDF files of `figures`: NAME.FORMAT (double), NAME_single.FORMAT (single)."""
    ends = {"double": ("",), "single": ("_single",), "both": ("", "_single")}[width]
    return {f"{figure}{end}.{fmt}" for figure in figures for end in ends
            for fmt in ("png", "pdf")}  # fmt: skip


def check_image_files(paths: list[Path], folder: Path) -> None:
    """Every PNG a real 300-dpi image (3.5 in wide if single-column), every PDF a real PDF."""
    for path in paths:
        assert path.parent == folder / "figures"
        data = path.read_bytes()
        if path.suffix == ".png":
            with Image.open(path) as image:
                image.verify()
            with Image.open(path) as image:
                width_px, height_px = image.size
                dpi = image.info.get("dpi")
            assert dpi is not None and round(dpi[0]) == DPI
            assert width_px > 2 * DPI and height_px > DPI  # at least 2 x 1 inches
            if path.stem.endswith("_single"):
                assert width_px == SINGLE_COLUMN_PX, path.name
        elif path.suffix == ".pdf":
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
        else:
            pytest.fail(f"unexpected file {path}")
    leftovers = [p.name for p in (folder / "figures").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary files left behind


@pytest.mark.parametrize(
    ("name", "domain", "kind", "width"),
    [("ae_run", "hospital", "run", "single"), ("ae", "hospital", "compare", "double"),
     ("courts", "courts", "compare", "both"), ("police", "police", "compare", "both")],
)  # fmt: skip
def test_every_figure_of_a_run_or_compare_folder(folders, name, domain, kind, width):
    folder = load_folder(folders[name])
    assert (folder.kind, folder.domain) == (kind, domain)
    report = make_figures(folders[name], width=width)
    assert report.skipped == {}
    expected = SINGLE_FIGURES[domain] | ({"real_gain"} if (kind, domain) == ("compare",
                                                                           "hospital") else set())
    if kind == "compare":
        expected |= {"dashboard_gap_differences", "harm_differences"}
    assert {p.name for p in report.written} == file_names(expected, width)
    check_image_files(report.written, folders[name])


def test_png_pixels_match_figure_size_at_300_dpi(folders):
    folder = load_folder(folders["ae"])
    spec = next(s for s in FIGURES if s.name == "dashboard_gap")
    figure = spec.draw(folder)
    width_in, height_in = figure.get_size_inches()
    written = {p.name: p for p in make_figures(folders["ae"], formats=("png",)).written}
    with Image.open(written["dashboard_gap.png"]) as image:
        assert image.size == (round(width_in * DPI), round(height_in * DPI))


def test_sweep_stores(folders):
    grid = make_figures(folders["grid"], width="both")
    assert {p.name for p in grid.written} == file_names({"sweep_heatmap", "regime_map"})
    assert set(grid.skipped) == {"sensitivity"}
    assert "grid" in grid.skipped["sensitivity"]
    check_image_files(grid.written, folders["grid"])

    sobol = make_figures(folders["sobol"], width="both")
    assert {p.name for p in sobol.written} == file_names({"sensitivity"})
    assert set(sobol.skipped) == {"sweep_heatmap", "regime_map"}
    check_image_files(sobol.written, folders["sobol"])


def test_sensitivity_without_analysis_is_skipped_with_the_command_to_run(folders, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(folders["sobol"], store, ignore=shutil.ignore_patterns("analysis", "figures"))
    report = make_figures(store)
    assert report.written == []
    assert "goodhart analyse" in report.skipped["sensitivity"]


# ---- a synthetic folder: no model involved ------------------------------------------------
def synthetic_folder(folder: Path) -> Path:
    """A hospital compare folder holding only a hard-coded summary and its manifest."""
    folder.mkdir()
    measured = {"kpi": [93.1, 92.4, 94.0], "okr": [88.2, 87.5, 89.1], "none": [86.0, 85.1, 87.2]}
    true = {"kpi": [86.3, 85.0, 87.1], "okr": [87.4, 86.9, 88.0], "none": [85.8, 85.0, 87.0]}
    mean_true = {"kpi": [171.0, 176.5, 168.2], "okr": [160.4, 163.0, 158.8],
                 "none": [166.1, 170.2, 163.5]}  # fmt: skip
    rows = []
    for regime in ("kpi", "okr", "none"):
        for rep in range(3):
            m, t, minutes = measured[regime][rep], true[regime][rep], mean_true[regime][rep]
            rows.append({
                "regime": regime, "replication": rep, "measured_4h_pct": m,
                "true_4h_pct": t, "gap_4h_pct": m - t, "mean_true_min": minutes,
                "mean_measured_min": minutes - 2.0 * (m - t),
            })  # fmt: skip
    pd.DataFrame(rows).to_parquet(folder / "summary.parquet", index=False)
    manifest = {
        "scenario": {"name": "synthetic", "domain": "hospital", "days": 91, "warmup_days": 14,
                     "seed": 1, "regimes": {"kpi": {}, "okr": {}, "none": {}}},
        "command": "compare", "seed": 1, "replications": 3, "days": 91.0,
        "regimes": ["kpi", "okr", "none"],
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_dashboard_gap_matches_the_baseline_image(tmp_path):
    folder = synthetic_folder(tmp_path / "synthetic")
    [actual] = save_figure(dashboard_gap(folder), tmp_path, "dashboard_gap", ["png"], dpi=100)
    if os.environ.get("GOODHART_UPDATE_BASELINE") == "1":
        BASELINE.parent.mkdir(exist_ok=True)
        shutil.copyfile(actual, BASELINE)
        pytest.skip(f"baseline written to {BASELINE}")
    assert BASELINE.exists(), "no baseline image: run with GOODHART_UPDATE_BASELINE=1"
    assert compare_images(str(BASELINE), str(actual), tol=2) is None


def test_write_figures_svg_in_place(tmp_path):
    folder = synthetic_folder(tmp_path / "synthetic")
    paths = write_figures(folder, formats=("svg",))
    drawn = ("dashboard_gap", "dashboard_gap_differences", "real_gain")
    assert paths == [folder / "figures" / f"{n}.svg" for n in drawn]
    assert paths[0].read_bytes().lstrip().startswith(b"<?xml")
    again = write_figures(folder, formats=("svg", "png"))  # the SVG is replaced in place
    assert [p.name for p in again][:2] == ["dashboard_gap.svg", "dashboard_gap.png"]
    names = sorted(p.name for p in (folder / "figures").iterdir())
    assert names == sorted(f"{n}.{fmt}" for n in drawn for fmt in ("png", "svg"))
    with pytest.raises(ValueError, match="formats"):
        write_figures(folder, formats=("gif",))


def test_width_single_writes_only_the_single_column_files(tmp_path):
    folder = synthetic_folder(tmp_path / "synthetic")
    paths = write_figures(folder, formats=("png",), width="single")
    assert [p.name for p in paths] == ["dashboard_gap_single.png",
                                       "dashboard_gap_differences_single.png",
                                       "real_gain_single.png"]  # fmt: skip
    check_image_files(paths, folder)
    assert sorted(p.name for p in (folder / "figures").iterdir()) == sorted(p.name for p in paths)


def test_an_unknown_width_is_refused_naming_the_allowed_values(tmp_path):
    folder = synthetic_folder(tmp_path / "synthetic")
    with pytest.raises(ValueError, match="'double', 'single', 'both'"):
        make_figures(folder, width="triple")
    with pytest.raises(ValueError, match=r"'double', 'single'$"):
        dashboard_gap(folder, width="both")  # a figure is drawn at one width
    assert not (folder / "figures").exists()


def test_figures_that_the_folder_cannot_support_are_skipped_with_a_reason(tmp_path):
    report = make_figures(synthetic_folder(tmp_path / "synthetic"), formats=("png",))
    assert {p.name for p in report.written} == {"dashboard_gap.png", "real_gain.png",
                                                "dashboard_gap_differences.png"}  # fmt: skip
    assert set(report.skipped) == {"time_in_department", "emergence", "harms",
                                   "harm_differences"}  # fmt: skip
    assert "excess_deaths" in report.skipped["harms"]
    assert "patients.parquet" in report.skipped["time_in_department"]
    assert "decisions.parquet" in report.skipped["emergence"]


def test_a_figure_that_fails_is_reported_and_the_others_still_written(tmp_path, monkeypatch):
    from sim.figures import writer

    def broken(folder, width="double"):
        raise KeyError("no such column")

    failing = writer.FigureSpec("broken", broken, frozenset({"compare"}))
    monkeypatch.setattr(writer, "FIGURES", (failing, *writer.FIGURES))
    report = make_figures(synthetic_folder(tmp_path / "synthetic"), formats=("png",))
    assert report.skipped["broken"].startswith("failed: KeyError")
    assert [p.name for p in report.written] == ["dashboard_gap.png",
                                                "dashboard_gap_differences.png", "real_gain.png"]


# ---- not a result folder ------------------------------------------------------------------
def test_a_folder_that_is_not_a_result_folder_is_refused_by_name(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FolderError, match=re.escape(str(empty)) + ".*no manifest.json"):
        write_figures(empty)
    with pytest.raises(FolderError, match="is not a folder"):
        write_figures(tmp_path / "missing")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FolderError, match="cannot be read as JSON"):
        write_figures(bad)
    manifest = {"scenario": {"domain": "hospital"}, "command": "run"}
    (bad / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(FolderError, match=r"no summary\.parquet"):
        write_figures(bad)
    assert not (bad / "figures").exists()


def test_figures_never_import_a_model():
    """Figures read result files, and each domain's catalogue and panels from the registry."""
    source = ROOT / "sim" / "figures"
    imports = re.compile(r"^\s*(?:from|import)\s+(sim\.\S+)", re.MULTILINE)
    allowed = {"sim.figures", "sim.domain", "sim.registry", "sim.experiments.stats",
               "sim.experiments.store"}
    for file in source.glob("*.py"):
        for module in imports.findall(file.read_text(encoding="utf-8")):
            assert any(module == a or module.startswith(a + ".") for a in allowed), (file, module)


def test_regime_colours_are_fixed_and_colour_blind_safe():
    from sim.figures.style import OKABE_ITO, regime_colours

    colours = regime_colours(["kpi_98", "none", "okr", "kpi", "okr_fixed"])
    assert colours["kpi"] == OKABE_ITO["vermilion"]
    assert colours["okr"] == OKABE_ITO["blue"]
    assert colours["none"] == OKABE_ITO["black"]
    assert colours["kpi_98"] != colours["okr_fixed"]
    assert set(colours.values()) <= set(OKABE_ITO.values())
    assert np.unique(list(colours.values())).size == 5


def test_regime_map_marks_cells_by_their_paired_interval():
    from sim.figures.regime_map import paired_grid

    rows = []
    for point, (a, b) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)]):
        effect = {0: -5.0, 1: 0.0, 2: 5.0, 3: 0.0}[point]
        for rep in range(4):
            noise = [0.1, -0.1, 0.2, -0.2][rep] * (20.0 if point in (1, 3) else 1.0)
            rows += [{"point": point, "replication": rep, "a": a, "b": b, "regime": "none",
                      "m": 100.0 + rep},
                     {"point": point, "replication": rep, "a": a, "b": b, "regime": "kpi",
                      "m": 100.0 + rep + effect + noise}]  # fmt: skip
    xs, ys, means, signs = paired_grid(pd.DataFrame(rows), "a", "b", "m", "kpi", "none")
    assert xs == [0, 1] and ys == [0, 1]
    assert means[0, 0] == pytest.approx(-5.0) and signs[0, 0] == -1  # clearly below zero
    assert signs[1, 0] == 1  # point 2 (a=0, b=1): clearly above
    assert signs[0, 1] == 0 and signs[1, 1] == 0  # no effect, noisy: the interval holds 0


@pytest.fixture(scope="module")
def seven_regimes(tmp_path_factory) -> Path:
    """A comparison of the default scenario's seven regimes (short runs)."""
    out = tmp_path_factory.mktemp("seven") / "compare"
    cli("compare", str(ROOT / "scenarios" / "ae_four_hour.toml"), "--days", "8",
        "--replications", "2", "--workers", "2", "--no-figures", "--out", str(out))  # fmt: skip
    return out


def _collisions(figure) -> list[tuple[str, str]]:
    """Pairs of neighbouring x tick labels of one panel whose drawn boxes overlap."""
    from itertools import pairwise

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    pairs = []
    for axes in figure.axes:
        labels = [t for t in axes.get_xticklabels() if t.get_visible() and t.get_text()]
        for a, b in pairwise(labels):
            if a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer)):
                pairs.append((a.get_text(), b.get_text()))
    return pairs


@pytest.mark.parametrize("width", ["double", "single"])
@pytest.mark.parametrize("name", ["dashboard_gap", "harms", "dashboard_gap_differences",
                                  "harm_differences"])  # fmt: skip
def test_regime_labels_never_collide(seven_regimes, name, width):
    from sim.figures.writer import FIGURES

    draw = next(spec.draw for spec in FIGURES if spec.name == name)
    figure = draw(seven_regimes, width=width)
    assert len(figure.axes[0].get_xticklabels()) >= 6
    assert _collisions(figure) == []


def test_paired_differences_are_drawn_against_no_target(seven_regimes):
    from sim.figures import harm_differences

    figure = harm_differences(seven_regimes)
    labels = [t.get_text().replace("\n", " ") for t in figure.axes[0].get_xticklabels()]
    assert "No target" not in labels and len(labels) == 6
    assert any("minus No target, paired by replication" in text.get_text()
               for text in figure.texts)
