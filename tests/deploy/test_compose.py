"""docker-compose.yml against the Compose specification's JSON schema, and the promises the
file makes: a worker per queue group that `--scale` can multiply, one beat, Flower behind
basic auth, a Redis that never evicts, an S3 store whose bucket the migrations create, no
volume shared between the API and the workers, healthchecks, no default secrets. No Docker
engine runs here, so the file is read, validated and, for Redis, its configuration run on a
real redis-server."""

from __future__ import annotations

import importlib.resources
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis
import yaml

from app.jobs.names import WORKER_GROUPS
from tests.deploy.supervised import parsed_config, wait_until
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
REDIS_CONF = ROOT / "infrastructure" / "redis" / "redis.conf"
SECRETS = ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "SECRET_KEY", "FLOWER_PASSWORD",
           "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "METRICS_TOKEN")
ONE_SHOT = ("migrate",)
# check-jsonschema vendors the schema of github.com/compose-spec/compose-spec (Apache-2.0;
# its licence ships beside it in the same package, licenses/LICENSE.compose-spec).
SCHEMA = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())  # resolves << merges
    return document


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def option(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)(s|m)", duration)
    assert match, f"write durations as <n>s or <n>m, not {duration!r}"
    return int(match[1]) * (60 if match[2] == "m" else 1)


def test_the_file_matches_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


def test_the_schema_check_catches_a_mistake() -> None:
    broken = compose()
    broken["services"]["api"]["helthcheck"] = broken["services"]["api"].pop("healthcheck")
    assert any("helthcheck" in error for error in schema_errors(broken))


def test_one_worker_service_per_group_consuming_its_queues() -> None:
    workers = {name: svc for name, svc in services().items()
               if "worker" in svc.get("command", [])}
    assert set(workers) == {f"celery-worker-{group}" for group in WORKER_GROUPS}
    for group, queues in WORKER_GROUPS.items():
        command = workers[f"celery-worker-{group}"]["command"]
        assert command[:4] == ["celery", "-A", "app.tasks.app:celery_app", "worker"]
        assert option(command, "-Q") == ",".join(queues)
        assert f"--hostname={group}@%h" in command


def test_workers_can_be_scaled() -> None:
    """`docker compose up --scale celery-worker-video=3`: no fixed name, no host port."""
    for group in WORKER_GROUPS:
        worker = services()[f"celery-worker-{group}"]
        assert "container_name" not in worker and "ports" not in worker, group
        assert "replicas" not in worker.get("deploy", {}), group


def test_the_gpu_worker_runs_the_cuda_image_on_a_reserved_gpu_behind_a_profile() -> None:
    gpu = services()["celery-worker-gpu"]
    assert gpu["profiles"] == ["gpu"]
    assert gpu["build"]["dockerfile"] == "Dockerfile.gpu"
    [device] = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia"
    assert {"gpu", "video"} <= set(device["capabilities"])  # video: NVENC's library
    assert all("profiles" not in svc for name, svc in services().items()
               if name != "celery-worker-gpu")


def test_exactly_one_beat() -> None:
    beats = [name for name, svc in services().items() if "beat" in svc.get("command", [])]
    assert beats == ["beat"]
    beat = services()["beat"]
    assert beat["deploy"]["replicas"] == 1 and "scale" not in beat


def test_flower_always_asks_for_basic_auth_and_is_published_on_loopback_only() -> None:
    flower = services()["flower"]
    env = flower["environment"]
    flower_vars = {k for svc in services().values() for k in svc.get("environment", {})
                   if k.startswith("FLOWER_")}
    # FLOWER_UNAUTHENTICATED_API would open /api/*; any other FLOWER_* name stops Flower
    assert flower_vars == {"FLOWER_BASIC_AUTH"}
    assert re.fullmatch(r"\$\{FLOWER_USER:-\w+\}:\$\{FLOWER_PASSWORD:\?[^}]+\}",
                        env["FLOWER_BASIC_AUTH"])
    assert not any("auth" in arg for arg in flower["command"])  # no password in `ps`
    assert [p.split(":")[0] for p in flower["ports"]] == ["127.0.0.1"]


def test_secrets_have_no_defaults() -> None:
    text = COMPOSE.read_text()
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"(:?[-?]?)", text)
        assert uses and set(uses) == {":?"}, name


def test_redis_runs_the_production_config_with_a_password_from_the_environment() -> None:
    svc = services()["redis"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
    assert (ROOT / mounts["/usr/local/etc/redis/redis.conf"]).resolve() == REDIS_CONF
    script = svc["command"][-1]
    assert "redis-server /usr/local/etc/redis/redis.conf --include /tmp/auth.conf" in script
    assert '"$$REDIS_PASSWORD"' in script and "requirepass" in script
    for setting in ("maxmemory-policy", "appendonly", "appendfsync"):
        assert setting not in script  # the file decides
    conf = REDIS_CONF.read_text()
    assert re.search(r"^maxmemory-policy noeviction$", conf, re.M)
    assert re.search(r"^appendonly yes$", conf, re.M)
    app_env = services()["api"]["environment"]
    assert app_env["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?")


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")
def test_redis_conf_with_the_included_password_file_never_evicts_and_asks_for_it(
        tmp_path: Path) -> None:
    password = "compose-test-password-0123456789"
    (tmp_path / "auth.conf").write_text(f"requirepass {password}\n")
    port = free_port()
    # the compose command, with this machine's port, address and folder
    proc = subprocess.Popen(["redis-server", str(REDIS_CONF), "--include",
                             str(tmp_path / "auth.conf"), "--port", str(port), "--bind",
                             "127.0.0.1", "--dir", str(tmp_path), "--maxmemory", "64mb"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port, password=password, socket_timeout=5)
    try:
        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return proc.poll() is not None
        wait_until(answers, 30, "redis-server answers")
        assert proc.poll() is None
        config = client.config_get("*")
        assert config["maxmemory-policy"] == "noeviction"
        assert config["appendonly"] == "yes" and config["appendfsync"] == "everysec"
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, socket_timeout=5).ping()
    finally:
        client.close()
        proc.terminate()
        proc.wait(30)


def test_long_running_services_have_healthchecks_and_wait_for_migrations() -> None:
    for name, svc in services().items():
        if name in (*ONE_SHOT, "beat"):  # one-shot; beat has no probe beyond being alive
            continue
        assert svc["healthcheck"]["test"], name
    migrate = services()["migrate"]
    assert migrate["command"] == ["reelforge", "migrate"] and migrate["restart"] == "no"
    for name, svc in services().items():
        if "DATABASE_URL" in svc.get("environment", {}) and name != "migrate":
            assert svc["depends_on"]["migrate"]["condition"] == \
                "service_completed_successfully", name
            assert svc["depends_on"]["postgres"]["condition"] == "service_healthy", name
            assert svc["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_no_volume_is_shared_and_app_services_keep_private_temp_space() -> None:
    named = set(compose()["volumes"])
    users: dict[str, list[str]] = {}
    for name, svc in services().items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            if source in named:
                users.setdefault(source, []).append(name)
        if "DATABASE_URL" in svc.get("environment", {}):
            # DATA_DIR is the image's /data, private to each container
            assert not svc.get("volumes"), name
            assert svc["environment"]["DATA_DIR"] == "/data" and svc["init"] is True, name
    assert {v: u for v, u in users.items() if len(u) > 1} == {}
    assert set(users) == named  # no volume left over from the shared-disk days


def test_assets_and_results_go_to_the_s3_service_and_its_bucket() -> None:
    env = services()["api"]["environment"]
    assert env["STORAGE_BACKEND"] == "s3"
    store = services()["seaweedfs"]
    endpoint = re.fullmatch(r"http://([\w-]+):(\d+)", env["S3_ENDPOINT_URL"])
    assert endpoint and endpoint[1] == "seaweedfs"
    script = store["command"][-1]
    assert f"-s3.port={endpoint[2]}" in script and "-s3.config=/tmp/s3.json" in script
    assert '"$$S3_ACCESS_KEY_ID" "$$S3_SECRET_ACCESS_KEY"' in script  # not on a command line
    # `reelforge migrate` creates the bucket when it is missing, once the store answers
    migrate = services()["migrate"]
    assert migrate["environment"] == env
    assert migrate["depends_on"]["seaweedfs"]["condition"] == "service_healthy"
    assert "8333" in store["healthcheck"]["test"][-1]
    assert env["RESULT_DELIVERY"].startswith("${RESULT_DELIVERY:-")


def test_workers_get_as_long_to_stop_as_under_supervisord() -> None:
    conf = parsed_config()
    for group in WORKER_GROUPS:
        service = services()[f"celery-worker-{group}"]
        assert seconds(service["stop_grace_period"]) == conf.getint(
            f"program:worker-{group}", "stopwaitsecs"), group
