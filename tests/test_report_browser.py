"""The default report in a real browser: headless chromium renders index.html.

The rendered DOM is read back (``--dump-dom``) to check the math elements, the
tables and the inline SVG plot, and a screenshot must not be blank.  Needs
chromium (skipped locally without it, a failure in CI: SYMGRAD_REQUIRE_ALL=1).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests._require import require_executable, require_module

pytestmark = pytest.mark.browser

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--mute-audio"]


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_executable("chromium", install="apt-get install chromium")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "symgrad-report"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.run([sys.executable, "-m", "symgrad", "report", "--out", str(out),
                           "--quiet"], capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return out


def _chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_rendered_dom_has_math_tables_and_plot(chromium, report_dir, tmp_path):
    uri = (report_dir / "index.html").resolve().as_uri()
    proc = _chromium(chromium, tmp_path, "--dump-dom", uri)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # the DOM after parsing and rendering, not the file: chromium re-serialises it
    assert '<html lang="en"><head>' in dom and dom.rstrip().endswith("</html>")
    assert dom.count("<math") >= 5
    assert 'xmlns="http://www.w3.org/1998/Math/MathML"' in dom
    assert "<munderover>" in dom  # the product in the closed form
    assert dom.count("<table") >= 3  # verification, reference values, formats
    assert "<svg" in dom  # the depth-scan plot, inline
    for anchor in ("derivation", "verification", "reference", "formats", "scan",
                   "stationary"):
        assert f'id="{anchor}"' in dom, anchor


def test_screenshot_is_not_blank(chromium, report_dir, tmp_path):
    image = require_module("matplotlib.image", install="pip install 'symgrad[plot]'")
    np = require_module("numpy")
    shot = tmp_path / "shot.png"
    uri = (report_dir / "index.html").resolve().as_uri()
    proc = _chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
                     "--hide-scrollbars", uri)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pixels = np.asarray(image.imread(shot))[..., :3].astype(float)
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    assert pixels.var() > 0  # not one flat colour
    non_white = (pixels < 0.9).any(axis=-1).mean()
    # text, rules and panels cover a visible part of a rendered page, not a few pixels
    assert non_white > 0.01, non_white
