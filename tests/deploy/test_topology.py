"""One topology in five places: compose, supervisord, Kubernetes, `reelforge run` and the code.
Worker groups (queues, pool size, stop grace, scaling, GPU) tied to the registry in
backend/app/jobs/names.py GROUPS (tests/deploy/topology.py reads each file back), and the
variables the deployments set tied to the groups of Settings (backend/app/core/config/)."""

from __future__ import annotations

import dataclasses
import re
import shlex
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import ValidationError

from app.core.config import DEV_SECRET, Settings, group_types
from app.jobs.names import GROUP_BY_NAME, GROUPS, TASK_QUEUES, WORKER_GROUPS, Queue, WorkerGroup
from tests.deploy.manifests import KUBERNETES, OVERLAYS, environment, of_kind, render
from tests.deploy.supervised import parsed_config
from tests.deploy.test_compose import services
from tests.deploy.topology import disagreements

TEMPLATES = (KUBERNETES / "base" / "config.yaml", KUBERNETES / "base" / "secret.yaml")
# Settings whose defaults suit a laptop, never a cluster: they must be set in the templates.
# Any default naming the loopback address or a relative path joins them by rule below.
NEED_A_VALUE = {"ENVIRONMENT", "SECRET_KEY", "STORAGE_BACKEND", "S3_ENDPOINT_URL",
                "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "SCALER_BACKEND",
                "KUBERNETES_NAMESPACE", "KUBERNETES_DEPLOYMENT_TEMPLATE", "FLOWER_PASSWORD",
                "METRICS_TOKEN"}
SECRETS = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "S3_ACCESS_KEY_ID",
           "S3_SECRET_ACCESS_KEY", "FLOWER_PASSWORD", "METRICS_TOKEN"}
# variables of the processes around the application, not Settings
SUPERVISORD_EXTRAS = {"PYTHONUNBUFFERED", "REELFORGE_VENV", "REELFORGE_FLOWER_PORT"}
COMPOSE_EXTRAS = {"FLOWER_BASIC_AUTH"}  # Flower's own option (docs/deployment.md)
# Every setting, across the groups of Settings: {variable name: its field}.
FIELDS = {name: info for kind in group_types().values()
          for name, info in kind.model_fields.items()}
HOSTNAME = re.compile(r"--hostname=(\w+)@\S+")


def worker_options(command: list[str]) -> dict[str, str]:
    """A Celery worker command as {option: value} from `celery` on (`python -m celery` too),
    with the node's host part left out: the same worker whatever the order of options."""
    start = command.index("celery") if "celery" in command else command.index("-m") + 1
    args = [HOSTNAME.sub(r"--hostname=\1@HOST", arg) for arg in command[start:]]
    options: dict[str, str] = {"": " ".join(args[:4])}  # celery -A <app> worker
    rest = iter(args[4:])
    for arg in rest:
        name, _, value = arg.partition("=")
        options[name] = value or next(rest)
    return options


def supervisord_program(name: str) -> dict[str, Any]:
    conf = parsed_config()
    command = shlex.split(conf.get(f"program:{name}", "command", raw=True))
    env = re.findall(r'(\w+)="[^"]*"', conf.get(f"program:{name}", "environment", raw=True))
    return {"command": command, "environment": set(env)}


def unsafe_default(name: str) -> bool:
    default = FIELDS[name].default
    text = str(default)
    return (name in NEED_A_VALUE or default == DEV_SECRET or "127.0.0.1" in text
            or "localhost" in text or (isinstance(default, Path) and not default.is_absolute()))


def test_every_deploy_file_agrees_with_the_worker_group_registry() -> None:
    assert disagreements(GROUPS) == []


def test_every_queue_is_consumed_by_exactly_one_group() -> None:
    consumed = [q for g in GROUPS for q in g.queues]
    assert sorted(consumed) == sorted(Queue)  # none twice, none left out
    assert set(TASK_QUEUES.values()) <= set(consumed)
    assert len(GROUP_BY_NAME) == len(GROUPS)


def test_a_group_added_only_to_the_registry_is_flagged_in_every_deploy_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The launcher builds its workers from the registry, so it follows; the files do not.
    audio = WorkerGroup("audio", cast(tuple[Queue, ...], ("audio",)), concurrency=1,
                        stop_grace_s=60, jobs_per_replica=5, max_replicas=2)
    groups = (*GROUPS, audio)
    monkeypatch.setattr("app.dev.launcher.GROUPS", groups)
    flagged = disagreements(groups)
    assert {line.split(":")[0] for line in flagged} == {
        "supervisord.conf", "docker-compose.yml", "kubernetes Deployment",
        "kubernetes KEDA ScaledObject", "kubernetes HPA"}
    assert all("no worker for group 'audio'" in line for line in flagged)


def test_a_changed_group_is_flagged_wherever_a_file_still_says_the_old_value() -> None:
    video = GROUP_BY_NAME["video"]
    changed = [dataclasses.replace(g, concurrency=3, max_replicas=30) if g is video else g
               for g in GROUPS]
    flagged = disagreements(changed)
    assert {line.split(":")[0] for line in flagged if "concurrency" in line} == {
        "supervisord.conf", "docker-compose.yml", "kubernetes Deployment",
        "reelforge run --gpu-worker", "reelforge run"}
    assert {line.split(":")[0] for line in flagged if "max_replicas" in line} == {
        "kubernetes KEDA ScaledObject", "kubernetes HPA"}
    gpu_off = [dataclasses.replace(g, gpu=False) for g in GROUPS]
    # the files still treat gpu as a GPU group, and `reelforge run` still skips it by default
    assert {line.split(":")[0] for line in disagreements(gpu_off) if "gpu" in line} == {
        "supervisord.conf", "docker-compose.yml", "kubernetes Deployment", "reelforge run"}


def test_each_group_runs_the_same_worker_command_everywhere() -> None:
    """App, queues, pool size and log level alike, whatever the order of the options."""
    deployments = of_kind(render("production"), "Deployment")
    for group in WORKER_GROUPS:
        compose = services()[f"celery-worker-{group}"]["command"]
        program = supervisord_program(f"worker-{group}")["command"]
        [pod] = deployments[f"celery-worker-{group}"]["spec"]["template"]["spec"]["containers"]
        assert worker_options(compose) == worker_options(program) == \
            worker_options(pod["args"]), group


def test_the_migration_command_is_the_same_in_compose_and_kubernetes() -> None:
    job = of_kind(render("production"), "Job")["reelforge-migrate"]
    assert services()["migrate"]["command"] == job["spec"]["template"]["spec"][
        "containers"][0]["args"]


def test_every_variable_the_deployments_set_is_a_setting() -> None:
    fields = set(FIELDS)
    for overlay in OVERLAYS:
        assert set(environment(render(overlay))) - fields == set(), overlay
    for name, svc in services().items():
        if "DATABASE_URL" in svc.get("environment", {}) or name == "flower":
            assert set(svc["environment"]) - fields - COMPOSE_EXTRAS == set(), name
    for section in parsed_config().sections():
        if section.startswith("program:"):
            env = supervisord_program(section.split(":", 1)[1])["environment"]
            assert set(env) - fields - SUPERVISORD_EXTRAS == set(), section


def test_every_setting_is_named_in_the_templates() -> None:
    """Each Settings field is a key of the ConfigMap or Secret, or named in their comments
    as left at its default: the templates list every variable the code reads."""
    words = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", "".join(p.read_text() for p in TEMPLATES)))
    assert set(FIELDS) - words == set()


def test_every_setting_without_a_safe_default_has_a_value() -> None:
    unsafe = {name for name in FIELDS if unsafe_default(name)}
    assert {"DATABASE_URL", "REDIS_URL", "PUBLIC_URL", "DATA_DIR", "SECRET_KEY"} <= unsafe
    for overlay in OVERLAYS:
        assert unsafe - set(environment(render(overlay))) == set(), overlay
    app_env = services()["api"]["environment"]
    compose_unsafe = unsafe - {"SCALER_BACKEND", "KUBERNETES_NAMESPACE",
                               "KUBERNETES_DEPLOYMENT_TEMPLATE",  # local scaler in compose
                               "FLOWER_PASSWORD"}  # Flower gets FLOWER_BASIC_AUTH instead
    assert compose_unsafe - set(app_env) == set()


def test_secrets_are_in_the_secret_and_nothing_else_is() -> None:
    for overlay in OVERLAYS:
        docs = render(overlay)
        assert set(of_kind(docs, "Secret")["reelforge-secrets"]["stringData"]) == SECRETS
        assert not SECRETS & set(of_kind(docs, "ConfigMap")["reelforge-config"]["data"])


def load_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in FIELDS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env(None)


def test_the_templates_fail_closed_and_load_once_filled_in(
        monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(render("production"))
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        load_settings(env, monkeypatch)  # the placeholder secret is refused
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        load_settings({**env, "SECRET_KEY": "x" * 48}, monkeypatch)  # and the placeholder token
    loaded = load_settings({**env, "SECRET_KEY": "x" * 48, "METRICS_TOKEN": "m" * 32},
                           monkeypatch)
    assert loaded.app.ENVIRONMENT == "production"
    assert loaded.scaling.SCALER_BACKEND == "kubernetes"
    assert loaded.storage.STORAGE_BACKEND == "s3"
    assert loaded.storage.S3_ACCESS_KEY_ID == "CHANGE-ME"
    template = loaded.scaling.KUBERNETES_DEPLOYMENT_TEMPLATE
    assert template.format(group="video") == "celery-worker-video"
    dev = load_settings(environment(render("dev")), monkeypatch)
    assert dev.storage.RESULT_DELIVERY == "stream"
    assert dev.storage.S3_ENDPOINT_URL == "http://seaweedfs:8333"
