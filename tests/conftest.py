"""Shared fixtures: one real store built from data/ per test session, and an engine on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.build import write
from bot.datafiles import DATA_DIR
from bot.engine import Engine

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent


def build_committed_store(path: Path, data_dir: Path = DATA_DIR) -> Path:
    """Build a store from data/ without staff imports (data/imports/), so that committing an
    import never changes what the golden and held-out tables expect."""
    without_imports = path.parent / "data-without-imports"
    shutil.copytree(data_dir, without_imports, ignore=shutil.ignore_patterns("imports"))
    write(path, without_imports)
    return path


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_committed_store(tmp_path_factory.mktemp("store") / "returnbot.db")


@pytest.fixture(scope="session")
def committed_store_builder() -> Callable[[Path, Path], Path]:
    """The function that builds the tests' store (for the test that it leaves imports out)."""
    return build_committed_store


@pytest.fixture(scope="session")
def engine(store_path: Path) -> Engine:
    return Engine(store_path)


# What `pip install .` builds from: the repository's files, without compiled catalogs (*.mo
# are not committed, so the wheel build must compile them itself).
PACKAGE_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "bot", "data",
                   "locales")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ReturnBot's wheel, built offline as `pip install .` would (no network, no isolation)."""
    source = tmp_path_factory.mktemp("source")
    for name in PACKAGE_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "imports"))
        else:
            shutil.copy(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--wheel-dir", str(dist), str(source)],
                   check=True, capture_output=True)
    [built] = dist.glob("returnbot-*.whl")
    return built


@pytest.fixture(scope="session")
def install_returnbot(wheel: Path) -> Callable[..., Path]:
    """A function that installs the wheel into a fresh venv at a path; it returns the bin folder.
    `python=` picks the venv's interpreter (by default the one running the tests)."""
    return lambda venv, python=sys.executable: _install_wheel(wheel, venv, python)


def _install_wheel(wheel: Path, venv: Path, base: str) -> Path:
    """Install the wheel (not editable) into a fresh venv at `venv`; return its bin folder.

    The venv sees the test venv's dependencies through a plain path entry: a .pth line
    naming a folder adds it to sys.path without running the .pth files inside it, so the
    test venv's editable install of the checkout stays out.
    """
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip()
    dependencies = sysconfig.get_path("purelib")
    Path(purelib, "test-venv-dependencies.pth").write_text(dependencies + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    return venv / "bin"
