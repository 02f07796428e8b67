"""Packaging hook: the wheel carries data/ and locales/ (catalogs compiled) inside `bot`.

The repository keeps data/ and locales/ at the top, where people edit them. An installed
package finds them as bot/_data and bot/_locales (see bot/paths.py). The *.mo catalogs are
build products that are not committed, so they are compiled here from the *.po files.
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"data": "_data", "locales": "_locales"}
# research/ is the raw material data/ was curated from; the bot never reads it.
LEFT_OUT = shutil.ignore_patterns("research", "*.mo", "__pycache__", ".*")


class BuildPyWithData(build_py):
    """build_py, plus the data files and compiled catalogs copied into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # `pip install -e .` reads data/ and locales/ where they are
        package = Path(self.build_lib) / "bot"
        for source, target in SHIPPED.items():
            shutil.rmtree(package / target, ignore_errors=True)
            shutil.copytree(ROOT / source, package / target, ignore=LEFT_OUT)
        compile_catalogs(package / "_locales")


def compile_catalogs(locales: Path) -> None:
    """Compile every .po under `locales` into the .mo beside it, and drop the sources."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)  # fuzzy entries are left out, as `pybabel compile` does
        po.unlink()
    for template in locales.glob("*.pot"):
        template.unlink()


setup(cmdclass={"build_py": BuildPyWithData})
