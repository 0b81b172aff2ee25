"""The newsroom page in a real browser: Debian's headless Chromium driven by playwright.

Skips when /usr/bin/chromium or playwright is absent (`.ci/run` installs the browser when it can).
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.serverproc import Server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

TITLE = "Liderii UE s-au întâlnit la Bruxelles. Ce au decis"
LIST = ["Guvernul a aprobat bugetul pe 2027", "INEDIT Ce a găsit un pescar în Delta Dunării", "",
        "Nu o să-ți vină să crezi ce a făcut acest actor"]


@pytest.fixture(scope="module")
def page(trained):
    server = Server(trained.path)
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ro-RO")
                errors: list[str] = []
                tab.on("pageerror", lambda exc: errors.append(str(exc)))
                tab.goto(f"http://{server.host}:{server.port}/")
                yield tab, server, errors
            finally:
                browser.close()
    finally:
        code = server.stop(signal.SIGTERM)
        assert code == 0, server.output()
        server.remove_log()


@pytest.mark.parametrize("title", [TITLE, "Guvernul a aprobat bugetul pe 2027"])
def test_typing_a_title_shows_its_probability(page, trained, title):
    tab, server, errors = page
    tab.locator("#card-threshold:not(:has-text('—'))").wait_for()  # the model card has loaded
    tab.locator("#headline").fill("")
    tab.locator("#headline").press_sequentially(title, delay=10)
    # Wait for the answer to the whole title (not to a prefix caught between keystrokes).
    sync_api.expect(tab.locator("#words")).to_have_text(title, timeout=10_000)
    shown = tab.locator("#prob:not([data-probability=''])")
    expected = trained.model.score([title])[0]
    p = expected["probability"]
    assert abs(float(shown.get_attribute("data-probability")) - p) < 1e-12
    text = shown.inner_text()  # a percentage, Romanian style: "0,3 %", "> 99,9 %"
    assert text.endswith("%") and (p > 0.999 or p < 0.001 or f"{100 * p:.1f}".replace(".", ",") in text), text
    verdict = tab.locator("#verdict").inner_text()
    assert verdict == ("Clickbait" if expected["clickbait"] else "Nu pare clickbait")
    assert tab.locator("#ngrams li").count() > 0
    assert errors == []


def test_list_mode_sorts_by_probability(page, trained):
    tab, server, errors = page
    tab.locator("#tab-list").click()
    tab.locator("#titles").fill("\n".join(LIST))
    tab.locator("#score-list").click()
    rows = tab.locator("#list-body tr")
    rows.first.wait_for()
    scored = [r for r in trained.model.score([t for t in LIST if t.strip()])]
    assert rows.count() == len(scored)
    shown = [float(cell.get_attribute("data-probability")) for cell in tab.locator("#list-body td.p").all()]
    assert shown == sorted((r["probability"] for r in scored), reverse=True)
    assert tab.locator("#list-body td.headline").first.inner_text() == max(scored, key=lambda r: r["probability"])["headline"]
    assert tab.locator("#csv").is_visible()
    assert errors == []
