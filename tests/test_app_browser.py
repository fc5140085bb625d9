"""The interactive apps: a day-stepped app model equals a batch run, and the A&E app works in
a real browser (served on a free localhost port, driven by headless Chromium via Playwright).

The browser test is skipped, with the reason, when Playwright, the system Chromium
(/usr/bin/chromium) or solara's web assets (see `python -m sim.apps.assets`) are missing.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.apps.common import app_model

HospitalApp = app_model("hospital")
CourtsApp = app_model("courts")
PoliceApp = app_model("police")

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _run_to_end(model):
    while model.running:
        model.step()
    return model


@pytest.mark.parametrize(
    ("app", "days", "settings"),
    [
        (HospitalApp, 14, {"regime": "kpi", "stakes": 2.0, "capacity": 1.1, "gamers": 0.6}),
        (CourtsApp, 42, {"regime": "okr", "inspection_chance": 0.2, "capacity": 0.9}),
        (PoliceApp, 42, {"regime": "kpi", "stakes": 2.0, "capacity": 0.8, "gamers": 0.7}),
    ],
)
def test_day_stepped_app_model_equals_batch_run(app, days, settings):
    model = _run_to_end(app(days=days, seed="7", **settings))
    assert model.steps == days
    assert model.dashboard.day == days
    summary = model.summary
    batch = sim.run(model.scenario_settings, regime=settings["regime"], seed=7, days=days)
    assert summary.keys() == batch.summary.keys()
    for key, value in summary.items():
        other = batch.summary[key]
        assert value == other or (math.isnan(value) and math.isnan(other)), key
    pd.testing.assert_frame_equal(pd.DataFrame(model.period_rows), batch.tables["periods"])
    pd.testing.assert_frame_equal(pd.DataFrame(model.decision_rows), batch.tables["decisions"])


def test_default_controls_give_the_scenario_file():
    model = HospitalApp(days=7)
    scenario = sim.load_scenario(Path(__file__).parents[1] / "scenarios" / "ae_four_hour.toml")
    assert model.scenario_settings == scenario
    assert model.dashboard.day == 0 and model.dashboard.ledger.empty


@pytest.mark.parametrize(("control", "value", "allowed"), [
    ("capacity", 1e6, "0.7 to 1.6"), ("stakes", -1.0, "0 to 5"), ("gamers", math.nan, "0 to 1"),
    ("inspection_chance", True, "0 to 0.5"),
])
def test_controls_are_bounded_on_the_server_not_only_by_the_sliders(control, value, allowed):
    """A browser's slider limits can be bypassed: the model refuses, naming the control."""
    with pytest.raises(sim.ScenarioError, match=f"^{control}: allowed {allowed}, got"):
        HospitalApp(days=7, **{control: value})


def test_a_bad_seed_is_reported_not_fatal():
    model = CourtsApp(days=14, seed="abc")
    assert "'abc'" in model.notice and "seed 31045" in model.settings_text
    assert CourtsApp(days=14, seed=" 12 ").notice == ""


def test_gamer_share_keeps_the_mix_a_distribution():
    model = CourtsApp(days=14, gamers=0.8)
    assert "gamer share 0.80" in model.settings_text
    mix = model.behaviour.population_mix
    assert sum(mix.values()) == pytest.approx(1.0)
    assert mix["reactive_gamer"] + mix["rational_maniac"] == pytest.approx(0.8)
    assert mix["reactive_gamer"] / mix["rational_maniac"] == pytest.approx(3.0)  # 0.3 : 0.1


def test_notebook_element_renders_and_steps():
    solara = pytest.importorskip("solara")
    import ipyvuetify as v

    import sim.apps

    # a notebook shows the element inside an app layout (the controls in a dialog)
    element = sim.apps.app("courts", days=30, regime="none")
    _, rc = solara.render(solara.AppLayout(children=[element]))
    rc.find(v.Html, children=["Day 0 of 30"]).assert_single()
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Html, children=["Day 1 of 30"]).wait_for(timeout=10)
    rc.find(v.Html, children=["Regime: none"]).assert_single()
    rc.close()


def test_server_serves_the_shared_page_of_a_domain_with_an_app():
    from sim.apps.launch import DOMAIN_ENV, server_command

    command = server_command("courts", port=9001)
    assert command.args[1:5] == ["-m", "solara", "run", "sim.apps.page"]
    assert command.env == {DOMAIN_ENV: "courts"}
    with pytest.raises(ValueError, match="no app for domain 'ishigami'"):
        server_command("ishigami")  # a registered domain without an app


@pytest.mark.parametrize(("value", "message"), [("", "is not set"), ("nope", "names no domain")])
def test_the_page_needs_a_domain_with_an_app(value, message):
    env = {**os.environ, "GOODHART_APP_DOMAIN": value}
    done = subprocess.run([sys.executable, "-c", "import sim.apps.page"], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode != 0 and message in done.stderr


# ---- in a browser ---------------------------------------------------------------------------
THUMB_LABEL = ".v-slider-thumb__label"  # Vuetify 3's slider value bubble


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(domain: str, log: Path):
    """Run ``python -m sim.apps.launch DOMAIN`` on a free port; yield its URL once it answers."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sim.apps.launch", domain, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"the app server exited ({server.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app server did not answer within 30 s:\n{log.read_text()}")
            time.sleep(0.25)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _skip_without_assets(url: str) -> None:
    """Skip unless the server can hand out every CDN file its page names."""
    with urllib.request.urlopen(url, timeout=10) as response:
        html = response.read().decode()
    for path in sorted(set(re.findall(r'"(/_solara/cdn/[^"?]+)', html))):
        try:
            with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as response:
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        if not ok:
            pytest.skip(
                f"solara's web assets are not available ({path}); "
                "fetch them with `python -m sim.apps.assets`"
            )


def _day(page) -> int:
    text = page.locator(".goodhart-day").inner_text()
    return int(re.match(r"Day (\d+)", text).group(1))


def _wait_for_day(page, day: int) -> None:
    """Wait until the day counter reaches `day`."""
    page.wait_for_function(
        "day => /Day (\\d+)/.test(document.querySelector('.goodhart-day').innerText)"
        " && +document.querySelector('.goodhart-day').innerText.match(/Day (\\d+)/)[1]"
        " >= day", arg=day, timeout=30_000,
    )  # fmt: skip


def _plots(page) -> list[str]:
    """The src of every plot image (a PNG data URL that changes when the plot does)."""
    return page.locator("img").evaluate_all("images => images.map(i => i.src)")


@contextlib.contextmanager
def _app_page(domain: str, tmp_path: Path):
    """Serve `domain`'s app and open it in headless Chromium; yield the page and its errors.

    Skips, with the reason, without Playwright, Chromium or solara's web assets.
    """
    playwright = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed (pip install "
        "playwright; the system Chromium is used, no browser download)"
    )  # fmt: skip
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with _serve(domain, tmp_path / "server.log") as url, playwright.sync_playwright() as p:
        _skip_without_assets(url)
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=FLAGS,
            headless=True, viewport={"width": 1600, "height": 1100},
        )  # fmt: skip
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url, timeout=30_000)
            yield page, errors
        finally:
            browser.close()


def test_hospital_app_in_browser(tmp_path):
    started = time.monotonic()
    with _app_page("hospital", tmp_path) as (page, errors):
        page.get_by_text("Day 0 of 182").wait_for(timeout=30_000)
        assert "Regime: kpi" in page.content()
        page.wait_for_function("document.title === 'Goodhart A&E'", timeout=10_000)
        before = _plots(page)
        assert len(before) == 3, "the ledger, histogram and lever plots"

        # change two controls, then Reset builds the model from them
        page.locator(".v-select").first.click()
        page.get_by_role("option", name="okr", exact=True).click()
        # the sidebar counts days, not model minutes
        page.get_by_text("Day: 0 of 182").wait_for(timeout=10_000)
        assert "Time:" not in page.content()
        # every slider shows its value without being dragged
        for label, shown in (("Stakes", "1.00"), ("Inspection chance", "0.05"),
                             ("Capacity", "1.00")):  # fmt: skip
            thumb = page.locator(".v-input", has_text=label).locator(THUMB_LABEL)
            assert thumb.is_visible() and thumb.inner_text() == shown, label
        stakes = page.locator(".v-input", has_text="Stakes").get_by_role("slider")
        stakes.focus()
        for _ in range(4):
            stakes.press("ArrowRight")  # 1.0 -> 2.0 in steps of 0.25
        stakes.blur()
        shown = page.locator(".v-input", has_text="Stakes").locator(THUMB_LABEL)
        assert shown.is_visible() and shown.inner_text() == "2.00"
        page.get_by_role("button", name="Reset").click()
        page.get_by_text("Regime: okr").wait_for(timeout=10_000)
        page.get_by_text("stakes 2, inspection chance 0.05").wait_for(timeout=5_000)

        page.get_by_role("button", name="Step").click()
        page.get_by_text("Day 1 of 182").wait_for(timeout=10_000)
        after_step = _plots(page)
        assert after_step[1] != before[1], "the histogram shows the first day's departures"

        page.get_by_role("button", name="▶").click()  # play until a decision period ends
        _wait_for_day(page, 9)
        page.get_by_role("button", name="❚❚").click()
        day = _day(page)
        page.wait_for_timeout(500)
        assert _day(page) - day <= 1, "pause stops the run"
        played = _plots(page)
        assert played[0] != after_step[0], "the ledger plot shows the first period"
        assert played[2] != after_step[2], "the lever plot shows the first decisions"
        assert "Latest period (day " in page.content()
        assert not errors, errors

        shot = tmp_path / "hospital_app.png"
        page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")
    print(f"browser test took {time.monotonic() - started:.1f} s")


def test_courts_app_in_browser(tmp_path):
    with _app_page("courts", tmp_path) as (page, errors):
        page.get_by_text("Day 0 of 365").wait_for(timeout=30_000)
        before = _plots(page)
        assert len(before) == 3, "the ledger, histogram and lever plots"
        page.get_by_role("button", name="▶").click()  # play past the first fortnight
        _wait_for_day(page, 16)
        page.get_by_role("button", name="❚❚").click()
        played = _plots(page)
        assert played[0] != before[0], "the ledger plot shows the first period"
        assert played[2] != before[2], "the lever plot shows the first decisions"
        assert "Backlog:" in page.content()
        assert not errors, errors
        page.screenshot(path=str(tmp_path / "courts_app.png"))


def test_the_launcher_fetches_missing_assets_or_names_the_command(monkeypatch):
    pytest.importorskip("solara")
    from sim.apps import assets

    fetched = []
    monkeypatch.setattr(assets, "missing", lambda: ["a@1", "b@2"])
    monkeypatch.setattr(assets, "fetch", lambda spec, npm: fetched.append(spec))
    monkeypatch.setattr(assets.shutil, "which", lambda name: "/usr/bin/npm")
    lines: list[str] = []
    assert assets.ensure(lines.append) == [] and fetched == ["a@1", "b@2"]

    monkeypatch.setattr(assets.shutil, "which", lambda name: None)  # offline and no npm
    lines.clear()
    assert assets.ensure(lines.append) == ["a@1", "b@2"]
    assert "page stays blank" in lines[-1] and "-m sim.apps.assets" in lines[-1]


def test_police_app_in_browser(tmp_path):
    with _app_page("police", tmp_path) as (page, errors):
        page.get_by_text("Day 0 of 730").wait_for(timeout=30_000)
        page.wait_for_function("document.title === 'Goodhart Police'", timeout=10_000)
        before = _plots(page)
        assert len(before) == 3, "the ledger, histogram and lever plots"
        page.get_by_role("button", name="▶").click()  # play past the first fortnight
        _wait_for_day(page, 16)
        page.get_by_role("button", name="❚❚").click()
        played = _plots(page)
        assert played[0] != before[0], "the ledger plot shows the first period"
        assert played[1] != before[1], "the histogram shows the reports"
        assert "crimes recorded a day" in page.content()
        assert not errors, errors
        page.screenshot(path=str(tmp_path / "police_app.png"))
        print(f"screenshot: {tmp_path / 'police_app.png'}")
