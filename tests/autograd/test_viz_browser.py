"""The pictures as a person sees them: the step player and a model graph in headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and
Selenium (the ``dev`` extra). Slow: run with ``pytest -m slow``.
"""
from __future__ import annotations

import io
import shutil

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd import viz

pytestmark = pytest.mark.slow

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1700,1300"]


def _browser(tmp_path, javascript=True):
    webdriver = pytest.importorskip("selenium.webdriver")
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_exe = shutil.which("chromedriver")
    if chrome is None or driver_exe is None:
        pytest.skip("Chromium and its driver are not installed "
                    "(apt-get install chromium chromium-driver; .ci/run does this)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]:
        opts.add_argument(flag)
    if not javascript:
        opts.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(driver_exe), options=opts)


@pytest.fixture
def browser(tmp_path):
    driver = _browser(tmp_path)
    yield driver
    driver.quit()


def ink(png: bytes) -> float:
    """Share of pixels that are not near white in a screenshot (0: blank)."""
    image = pytest.importorskip("PIL.Image")
    img = np.asarray(image.open(io.BytesIO(png)).convert("L"), dtype=np.float64)
    return float((img < 200).mean())


def apples_oranges():
    t = lambda v, n: ag.tensor(v, dtype="float64", requires_grad=True, name=n)  # noqa: E731
    return (t(100.0, "apple") * t(2.0, "apple_num")
            + t(150.0, "orange") * t(3.0, "orange_num")) * t(1.1, "tax")


def test_player_steps_through_backward_with_buttons_and_keys(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    index = viz.render_steps(apples_oranges(), tmp_path / "steps")
    browser.get(index.as_uri())
    text = lambda i: browser.find_element(By.ID, i).text  # noqa: E731
    assert text("count") == "1 / 4" and text("cap").startswith("Step 1 of 4")
    browser.find_element(By.ID, "next").click()
    assert text("count") == "2 / 4" and text("cap").startswith("Step 2 of 4")
    body = browser.find_element(By.TAG_NAME, "body")
    assert body.text.count("Step 2 of 4") == 1  # the caption once, not also in the picture
    assert not browser.find_element(By.ID, "frames").is_displayed()
    body.send_keys(Keys.ARROW_RIGHT)
    assert text("count") == "3 / 4"
    body.send_keys(Keys.END)
    assert text("count") == "4 / 4" and not browser.find_element(By.ID, "next").is_enabled()
    body.send_keys(Keys.HOME)
    assert text("count") == "1 / 4" and not browser.find_element(By.ID, "prev").is_enabled()
    loaded = browser.execute_script(
        "const i = document.getElementById('frame'); return i.complete && i.naturalWidth;")
    assert loaded and loaded > 100  # the SVG frame itself loaded (no network needed)
    shot = browser.get_screenshot_as_png()
    (tmp_path / "player.png").write_bytes(shot)
    assert ink(shot) > 0.003


def test_player_without_javascript_lists_every_frame(tmp_path):
    from selenium.webdriver.common.by import By

    index = viz.render_steps(apples_oranges(), tmp_path / "steps")
    driver = _browser(tmp_path, javascript=False)
    try:
        driver.get(index.as_uri())
        caps = [c.text for c in driver.find_elements(By.TAG_NAME, "figcaption")
                if c.is_displayed()]
        assert [c[:11] for c in caps] == [f"Step {k} of 4" for k in range(1, 5)]
        assert not driver.find_element(By.ID, "player").is_displayed()
        assert ink(driver.get_screenshot_as_png()) > 0.01
    finally:
        driver.quit()


def test_model_graph_reads_without_zooming(browser, tmp_path):
    from selenium.webdriver.common.by import By

    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    loss = F.cross_entropy(model(ag.randn(5, 4)), ag.tensor([0, 1, 2, 0, 1]))
    path = viz.render(loss, tmp_path / "mlp.svg", backward=True, params=model)
    browser.get(path.as_uri())
    width, height = browser.execute_script(
        "const r = document.documentElement.getBoundingClientRect(); return [r.width, r.height];")
    assert 300 < width <= 1600 and height <= 1300  # fits the window: nothing to zoom
    texts = [t.text for t in browser.find_elements(By.TAG_NAME, "text")]
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert name in texts
    assert ink(browser.get_screenshot_as_png()) > 0.01
