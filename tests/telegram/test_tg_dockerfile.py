"""The Dockerfile: linted with hadolint, and its steps run outside Docker (no daemon here).

The image is rebuilt here in a temporary /app: the COPY instructions copy the same files,
the ENV instructions set the same variables (paths moved into the temporary directory), and
each RUN instruction runs with bash, except two: the user creation (needs root) and
`pip install` (needs the network). For the latter the test checks what it would produce:
the package metadata builds from the copied files, and the virtualenv holds exactly the
pinned dependencies.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuations joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), " ".join(rest.split())))
    return found


def test_hadolint_finds_nothing():
    result = subprocess.run(
        [str(BIN / "hadolint"), "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_is_slim_runs_as_non_root_and_starts_the_bot():
    steps = instructions()
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.11-slim\S*", steps[0][1])
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert json.loads(dict(steps)["CMD"]) == ["returnbot", "run"]
    for keyword, args in steps:
        if keyword == "COPY":
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: missing from the repository"


def _environment(app: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETURNBOT_", "TELEGRAM_"))}
    moves = {"/app": str(app), "/data": str(tmp_path / "data"), "/tmp": str(tmp_path / "tmp")}
    for keyword, args in instructions():
        if keyword == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                for old, new in moves.items():
                    if re.match(rf"{old}(/|$)", value):
                        value = new + value[len(old):]
                        break
                env[name] = value
    # `bot` is imported from the copied /app, as the editable install in the image does.
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = str(app)
    return env


def _pip_install_equivalent(app: Path, tmp_path: Path) -> None:
    egg = tmp_path / "egg"
    egg.mkdir()
    subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "egg_info",
         "--egg-base", str(egg)], cwd=app, check=True, capture_output=True,
    )
    [info] = egg.glob("*.egg-info")
    assert "Name: returnbot" in (info / "PKG-INFO").read_text()
    requirements = (info / "requires.txt").read_text().split("\n\n")[0].split()
    for requirement in requirements:
        name, version = re.fullmatch(r"([\w.-]+)(?:\[[\w,-]+\])?==([\w.]+)", requirement).groups()
        assert importlib.metadata.version(name) == version, requirement


def test_dockerfile_steps_work_outside_docker(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    for keyword, args in instructions():
        if keyword == "COPY":
            *sources, target = args.split()
            for source in sources:
                destination = app / target / Path(source).name if target.endswith("/") \
                    else app / target
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
                else:
                    shutil.copy(ROOT / source, destination)
    env = _environment(app, tmp_path)
    ran = []
    for keyword, args in instructions():
        if keyword != "RUN":
            continue
        if args.startswith("pip install"):
            _pip_install_equivalent(app, tmp_path)
        elif "useradd" in args:
            (tmp_path / "data").mkdir()
        else:
            result = subprocess.run(["bash", "-c", args], cwd=app, env=env,
                                    capture_output=True, text=True)
            assert result.returncode == 0, f"RUN {args}\n{result.stdout}{result.stderr}"
        ran.append(args.split()[0])
    assert len(ran) >= 4
    # Every catalog was compiled…
    for po in app.glob("locales/*/LC_MESSAGES/returnbot.po"):
        assert po.with_suffix(".mo").exists(), po
    # …and the store was built where the image's settings point, from the copied data/.
    store = Path(env["RETURNBOT_DB_PATH"])
    assert store.is_relative_to(app)
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM publications").fetchone()[0] > 10
    answer = subprocess.run(
        [str(BIN / "returnbot"), "ask", "How many people returned in 2023?"],
        cwd=app, env=env, capture_output=True, text=True, check=True,
    )
    assert "2,952" in answer.stdout
