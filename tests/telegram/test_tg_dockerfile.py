"""The Dockerfile: linted with hadolint, and its image replayed step by step outside Docker.

There is no Docker daemon here, so the test plays the image: a temporary folder stands for
the image's root (/src, /data and /tmp are moved into it), COPY copies the same files, ENV
sets the same variables, WORKDIR moves, and each RUN runs with bash as the USER of that
moment: root first, then uid 10001. Two RUNs have equivalents: user creation (checked, not
run: the uid simply runs the later steps) and `pip install` (no network: the packages come
from constraints.txt, which the test venv was installed from, and the package itself is
built offline into a wheel and installed, not editable, into a fresh venv).

Then the container is started the way `docker run` does, ENTRYPOINT + CMD as uid 10001:
first start on an empty volume, a restart, a staff import, and a new image with newer data.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib.metadata import distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent
UID = GID = 10001
MOVED = ("/src", "/data", "/tmp")
QUESTION = "How many people returned in 2023?"
GEORGIA = "How many returned to Georgia in 2023?"
IMPORT = (
    "indicator,year,country_iso2,profile,value,unit,precision,source_url,source_publisher,"
    "source_title,source_date,source_language,evidence\n"
    "returns_by_country,2023,GE,,812,persons,exact,https://example.org/annual-report-2023.pdf,"
    "Fedasil,Annual report 2023 (test),2024-06-30,en,Table 4\n"
)


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


def _last(keyword: str) -> str:
    return [args for k, args in instructions() if k == keyword][-1]


def _environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in instructions():
        if keyword == "ENV":
            env.update(pair.partition("=")[::2] for pair in shlex.split(args))
    return env


def test_hadolint_finds_nothing():
    result = subprocess.run(
        [str(BIN / "hadolint"), "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_is_slim_and_runs_returnbot_as_uid_10001_with_everything_in_the_volume():
    steps = instructions()
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.11-slim\S*", steps[0][1])
    assert _last("USER") == f"{UID}:{GID}"
    [create_user] = [a for k, a in steps if k == "RUN" and "useradd" in a]
    assert f"--uid {UID}" in create_user and f"--gid {GID}" in create_user
    assert json.loads(_last("VOLUME")) == ["/data"]
    env = _environment()
    for name in ("RETURNBOT_DB_PATH", "RETURNBOT_STATE_PATH", "RETURNBOT_IMPORTS_DIR"):
        assert env[name].startswith("/data/"), name
    assert json.loads(_last("ENTRYPOINT")) == ["returnbot"]
    assert json.loads(_last("CMD")) == ["run"]
    for keyword, args in steps:
        if keyword == "COPY":
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: missing from the repository"


def _pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {_canonical(name): version for name, version in pairs}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pip_install_in_the_image_uses_the_constraints_file():
    installs = [a for k, a in instructions() if k == "RUN" and "pip install" in a]
    assert len(installs) == 2
    assert all("--constraint constraints.txt" in a for a in installs)


def test_the_constraints_pin_every_package_of_the_test_venv_at_its_version():
    # The test venv was installed by `make setup` with these constraints: same versions.
    pins = _pins()
    installed = {_canonical(d.metadata["Name"]): d.version for d in distributions()}
    installed.pop("returnbot")
    assert installed == pins


# --- the image, replayed ------------------------------------------------------------------


@pytest.fixture
def image_root() -> Iterator[Path]:
    """A root folder uid 10001 can reach (pytest's tmp_path is private to root)."""
    root = Path(tempfile.mkdtemp(prefix="returnbot-image-"))
    root.chmod(0o755)
    (root / "tmp").mkdir(mode=0o777)
    (root / "tmp").chmod(0o1777)
    yield root
    shutil.rmtree(root)


def _move(text: str, root: Path) -> str:
    """Rewrite the image's absolute paths into the replay's root (in one pass: the root
    itself is under /tmp)."""
    moved = "|".join(re.escape(old) for old in MOVED)
    return re.sub(rf"(?<![\w/])({moved})(?=/|\b|$)", lambda m: str(root) + m[1], text)


class Image:
    """The replayed image: its root folder, environment and current user."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cwd = root
        self.user: int | None = None  # None: root
        self.env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}

    def run(self, argv: list[str], stdin: str = "", user: int | None = None,
            ) -> subprocess.CompletedProcess[str]:
        uid = self.user if user is None else user
        ids = {} if uid is None else {"user": uid, "group": GID, "extra_groups": []}
        return subprocess.run(argv, cwd=self.cwd, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=300, **ids)


def _python_for_other_users() -> str:
    """A Python of the tests' version that uid 10001 can run (pyenv's may sit in /root)."""
    candidates = [sys._base_executable, shutil.which(
        f"python{sys.version_info.major}.{sys.version_info.minor}", path="/usr/local/bin:/usr/bin")]
    for python in filter(None, candidates):
        with contextlib.suppress(PermissionError):
            probe = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"],
                                   user=UID, group=GID, extra_groups=[], capture_output=True,
                                   text=True, cwd="/")
            if probe.stdout.strip() == str(sys.version_info[:2]):
                return python
    pytest.skip("no Python of the tests' version that uid 10001 can run")


def _build(root: Path, install_returnbot) -> Image:
    """Replay every instruction up to the last one, as `docker build` would."""
    image = Image(root)
    python = _python_for_other_users()
    for keyword, args in instructions():
        if keyword == "ENV":
            image.env.update((name, _move(value, root)) for name, value in
                             (pair.partition("=")[::2] for pair in shlex.split(args)))
        elif keyword == "WORKDIR":
            image.cwd = Path(_move(args, root))
            image.cwd.mkdir(parents=True, exist_ok=True)
        elif keyword == "USER":
            image.user = int(args.split(":")[0])
            # A user with no passwd entry: the image's useradd gives it HOME=/data.
            image.env["HOME"] = str(root / "data")
        elif keyword == "COPY":
            _copy(args, image.cwd)
        elif keyword == "RUN":
            _run_step(image, args, lambda venv: install_returnbot(venv, python=python))
    return image


def _copy(args: str, cwd: Path) -> None:
    *sources, target = args.split()
    for source in sources:
        destination = cwd / target / Path(source).name if target.endswith("/") else cwd / target
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, destination, ignore=shutil.ignore_patterns(
                "__pycache__", "*.mo", "research", "imports"))
        else:
            shutil.copy(ROOT / source, destination)


def _run_step(image: Image, args: str, install_returnbot) -> None:
    if "useradd" in args:
        return  # checked in test_image_is_slim…: the later steps simply run as that uid
    if args.startswith("pip install") and args.endswith(" pip setuptools babel"):
        pins = _pins()
        assert {"pip", "setuptools", "babel"} <= set(pins)
        return  # the test venv holds exactly these versions (see the constraints test)
    if args.startswith("pip install") and " . " in f"{args} ":
        venv_bin = install_returnbot(image.root / "usr" / "local")
        image.env["PATH"] = f"{venv_bin}{os.pathsep}{image.env['PATH']}"
        args = args.partition("&&")[2].strip() or "true"
    done = image.run(["bash", "-c", _move(args, image.root)])
    assert done.returncode == 0, f"RUN {args}\n{done.stdout}{done.stderr}"


def _start(image: Image, *command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`docker run IMAGE [COMMAND…]`: the entrypoint with the command (else CMD), as 10001."""
    argv = json.loads(_last("ENTRYPOINT")) + (list(command) or json.loads(_last("CMD")))
    return image.run(argv, stdin=stdin, user=UID)


def _owner_and_mode(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_uid, stat.S_IMODE(info.st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="replaying the image needs root, as in CI")
def test_the_image_starts_restarts_imports_and_rebuilds_as_uid_10001(image_root,
                                                                    install_returnbot):
    image = _build(image_root, install_returnbot)
    volume = image_root / "data"
    store = Path(image.env["RETURNBOT_DB_PATH"])
    assert store.parent == volume and not store.exists()
    assert not (image_root / "src").exists(), "the sources are not left in the image"

    # First start on an empty volume: the store is built there, readable by the bot.
    first = _start(image, stdin=QUESTION + "\n")
    assert first.returncode == 0, first.stderr
    assert "2,952" in first.stdout and "Source: Fedasil" in first.stdout
    assert f"returnbot: building the store at {store}" in first.stderr.splitlines()
    assert "Traceback" not in first.stderr
    assert _owner_and_mode(store) == (UID, 0o644)

    # A restart keeps the store as it is.
    built = store.stat().st_ino
    again = _start(image, stdin=QUESTION + "\n")
    assert "2,952" in again.stdout and "building" not in again.stderr
    assert store.stat().st_ino == built

    # The staff flow: a CSV mounted read-only, imported into the volume, answered at once.
    inbox = image_root / "in"
    inbox.mkdir(mode=0o755)
    (inbox / "report.csv").write_text(IMPORT)
    imported = _start(image, "db", "import", str(inbox / "report.csv"))
    assert imported.returncode == 0, imported.stderr
    kept = Path(image.env["RETURNBOT_IMPORTS_DIR"]) / "report.csv"
    assert kept.read_text() == IMPORT and kept.stat().st_uid == UID
    assert "812" in _start(image, "ask", GEORGIA).stdout

    # A new image with newer data: the store is rebuilt at start, the import kept in it.
    shipped = next((image_root / "usr" / "local").rglob("bot/_data/excluded.csv"))
    with shipped.open("a") as handle:
        handle.write("\n")
    newer = _start(image, stdin=GEORGIA + "\n")
    assert "rebuilding" in newer.stderr and "812" in newer.stdout
    assert _owner_and_mode(store) == (UID, 0o644)
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        assert db.execute("select count(*) from figures where value = 812").fetchone()[0] == 1
