"""End-to-end tests in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium).

`scripts/test-deps.sh` installs the browser; CI runs it. Screenshots of the main pages are written to
tests/screenshots/ (ignored by git) for a reviewer to look at. Pages are checked with axe-core
(vendored in tests/vendor/) for WCAG 2 A/AA rules: headings, labels, contrast.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

selenium = pytest.importorskip("selenium", reason="selenium is in the test extra")
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

SHOTS = Path(__file__).parent / "screenshots"
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def server(live_site):
    return live_site


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromedriver are missing: run scripts/test-deps.sh (CI does)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=fr"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    SHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def wait(browser, condition, seconds: float = 30):
    return WebDriverWait(browser, seconds).until(condition)


def shot(browser, name: str) -> None:
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def test_home_then_follow_an_experience(browser, server):
    browser.get(server.base + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "home")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/doc/experience/drive-bois-anjou"]').click()
    wait(browser, EC.url_contains("/doc/experience/drive-bois-anjou"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Drive local des Bois d'Anjou" in body and "LEADER" in body and "80" in body
    shot(browser, "experience-drive-bois-anjou")


def test_explorer_filtered_by_leader_shows_the_bois_d_anjou_drive(browser, server):
    browser.get(server.base + "/explore")
    shot(browser, "explorer")
    box = browser.find_element(By.CSS_SELECTOR, 'input[name="programme"][value="leader"]')
    box.click()  # with JavaScript the form submits itself on change; without it, the button does
    from selenium.common.exceptions import TimeoutException

    try:
        wait(browser, EC.url_contains("programme=leader"), 5)
    except TimeoutException:
        browser.find_element(By.CSS_SELECTOR, "form.facets [type=submit]").click()
        wait(browser, EC.url_contains("programme=leader"))
    items = browser.find_elements(By.CSS_SELECTOR, "ol.experience-list > li")
    assert [i.text.splitlines()[0] for i in items] == ["Drive local des Bois d'Anjou"]
    shot(browser, "explorer-leader")


@pytest.mark.parametrize("query", ["téléconsultation", "teleconsultation", "TELECONSULTATION"])
def test_search_with_and_without_accents(browser, server, query):
    browser.get(server.base + "/")
    field = browser.find_element(By.ID, "q")
    field.send_keys(query)
    field.submit()
    wait(browser, EC.url_contains("/search"))
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a")]
    assert any(h and h.endswith("/doc/experience/oberbruck") for h in links)


def test_run_a_preset_from_the_editor_and_see_rows(browser, server):
    browser.get(server.base + "/editor")
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe")))
    browser.find_element(By.CSS_SELECTOR, '#preset-list li[data-preset="experiences-by-theme"] a.load-example').click()
    # YASGUI keeps one editor per tab; the preset opened in a new, visible tab
    button = wait(browser, lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()), False))
    button.click()
    rows = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, ".yasr tbody tr") if r.is_displayed()] or False)
    assert len(rows) >= 1
    headers = " ".join(h.text.lower() for h in browser.find_elements(By.CSS_SELECTOR, ".yasr th") if h.is_displayed())
    assert "experience" in headers
    shot(browser, "editor")


def test_map_shows_all_17_markers_including_germany(browser, server):
    browser.get(server.base + "/map")
    markers = wait(browser, lambda d: (m := d.find_elements(By.CSS_SELECTOR, ".rkg-marker")) and len(m) >= 17 and m)
    ids = {m.get_attribute("data-experience") for m in markers}
    assert len(ids) == 17 and "digital-villages" in ids
    shot(browser, "map")


def test_charts_page(browser, server):
    browser.get(server.base + "/charts")
    assert browser.find_elements(By.CSS_SELECTOR, "svg")
    shot(browser, "charts")


AXE_PAGES = ["/", "/?lang=en", "/doc/experience/drive-bois-anjou", "/doc/agent/etat", "/doc/territory/commune-26108",
             "/explore", "/explore?programme=leader", "/search?q=fablab", "/map", "/charts", "/queries",
             "/queries/projects-by-programme-and-animation", "/editor", "/def", "/dataset", "/downloads", "/api"]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_accessibility(browser, server, path):
    browser.get(server.base + path)
    browser.execute_script(AXE)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}).then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));")
    violations = json.loads(result)
    summary = [(v["id"], v["help"], [n.get("target") for n in v["nodes"][:3]]) for v in violations]
    assert summary == [], f"{path}: {summary}"
