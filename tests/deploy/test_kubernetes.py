"""infrastructure/kubernetes rendered per overlay and validated, not eyeballed: every resource
against the Kubernetes OpenAPI schemas (kubernetes-validate, strict: unknown fields fail as
under kubectl's strict field validation), KEDA's objects against a subset of KEDA's CRD
schema (tests/deploy/schemas), then the promises: a Deployment per worker group that the
scaler's RBAC names, one beat, GPU pods on the GPU image, no shared volume, ingress timeouts
for WebSocket and SSE, disruption budgets, and KEDA triggers on the lists kombu writes."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import redis
from kubernetes_validate.utils import latest_version

from app.cli import build_parser
from app.core.config import settings
from app.jobs.names import WORKER_GROUPS, TaskName
from app.jobs.priority import API_MAX, API_MIN, to_broker
from app.tasks.app import celery_app
from tests.deploy.kustomize import Doc, KustomizeError, build, image_name, pod_spec
from tests.deploy.manifests import (
    KUBERNETES,
    OVERLAYS,
    component,
    environment,
    of_kind,
    platform_pods,
    render,
)
from tests.deploy.supervised import parsed_config, wait_until
from tests.support.processes import free_port

SCHEMAS = Path(__file__).parent / "schemas"
# the oldest Kubernetes release still maintained upstream, and the newest known here
VERSIONS = ("1.31.0", latest_version())
KEDA_KINDS = {"ScaledObject": "keda-scaledobject.json",
              "TriggerAuthentication": "keda-triggerauthentication.json"}


@cache
def keda_validator(kind: str) -> Any:
    schema = json.loads((SCHEMAS / KEDA_KINDS[kind]).read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def errors(doc: Doc, version: str) -> list[str]:
    """Schema errors of one resource, each prefixed with its kind and name."""
    where = f"{doc['kind']}/{doc['metadata']['name']}"
    if doc["kind"] in KEDA_KINDS:
        return [f"{where} {e.json_path}: {e.message}"
                for e in keda_validator(doc["kind"]).iter_errors(doc)]
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{where} {'.'.join(map(str, exc.path))}: {exc.message}"]
    return []


def workers(docs: list[Doc]) -> dict[str, Doc]:
    """group -> its worker Deployment, named by the scaler's template from the ConfigMap."""
    template = environment(docs)["KUBERNETES_DEPLOYMENT_TEMPLATE"]
    deployments = of_kind(docs, "Deployment")
    return {g: deployments[template.format(group=g)] for g in WORKER_GROUPS}


def container(doc: Doc) -> dict[str, Any]:
    spec = pod_spec(doc)
    assert spec is not None
    [only] = spec["containers"]
    return only


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_resource_matches_its_schema(overlay: str, version: str) -> None:
    docs = render(overlay)
    assert [e for doc in docs for e in errors(doc, version)] == []


@pytest.mark.parametrize("version", VERSIONS)
def test_the_hpa_alternative_matches_its_schema_and_targets_the_workers(version: str) -> None:
    hpas = of_kind(component("hpa"), "HorizontalPodAutoscaler")
    assert [e for doc in hpas.values() for e in errors(doc, version)] == []
    names = {d["metadata"]["name"] for d in workers(render("production")).values()}
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == names
    for group, queues in WORKER_GROUPS.items():
        [hpa] = [h for h in hpas.values()
                 if h["spec"]["scaleTargetRef"]["name"] == f"celery-worker-{group}"]
        selected = {m["external"]["metric"]["selector"]["matchLabels"]["queue"]
                    for m in hpa["spec"]["metrics"]}
        assert selected == set(queues), group
        assert {m["external"]["metric"]["name"] for m in hpa["spec"]["metrics"]} == {
            "reelforge_queue_depth"}  # app/core/metrics.py
    for overlay in OVERLAYS:  # optional, not by default
        assert not of_kind(render(overlay), "HorizontalPodAutoscaler"), overlay


def test_the_checks_catch_mistakes() -> None:
    docs = render("production")
    api = of_kind(docs, "Deployment")["api"]
    api["spec"]["template"]["spec"]["terminationGracePeriodSecond"] = 30
    assert errors(api, VERSIONS[0])
    scaled = of_kind(docs, "ScaledObject")["celery-worker-video"]
    del scaled["spec"]["scaleTargetRef"]["name"]
    scaled["spec"]["triggers"][0]["metadata"]["listLength"] = 2  # metadata is strings only
    assert len(errors(scaled, VERSIONS[0])) == 2
    with pytest.raises(KustomizeError):
        build(KUBERNETES / "base", component=True)


def test_everything_lands_in_the_namespace_the_scaler_patches() -> None:
    for overlay in OVERLAYS:
        docs = render(overlay)
        namespace = environment(docs)["KUBERNETES_NAMESPACE"]
        assert of_kind(docs, "Namespace").keys() == {namespace}
        for doc in docs:
            if doc["kind"] != "Namespace":
                assert doc["metadata"]["namespace"] == namespace, (overlay, doc["metadata"])
        binding = of_kind(docs, "RoleBinding")["reelforge-scaler"]
        assert {s["namespace"] for s in binding["subjects"]} == {namespace}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_worker_deployment_per_group_consuming_its_queues(overlay: str) -> None:
    docs = render(overlay)
    conf = parsed_config()
    for group, deployment in workers(docs).items():
        name = deployment["metadata"]["name"]
        assert name == f"celery-worker-{group}"
        assert "replicas" not in deployment["spec"]  # owned by KEDA or admin/scale
        assert deployment["spec"]["selector"]["matchLabels"] == {"app": name}
        assert deployment["spec"]["template"]["metadata"]["labels"]["app"] == name
        args = container(deployment)["args"]
        assert args[:4] == ["celery", "-A", "app.tasks.app:celery_app", "worker"]
        assert args[args.index("-Q") + 1] == ",".join(WORKER_GROUPS[group])
        assert f"--hostname={group}@$(POD_NAME)" in args
        # a pod killed before its warm shutdown ends cuts a render short (it is redone)
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace == conf.getint(f"program:worker-{group}", "stopwaitsecs"), group


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gpu_group_runs_the_gpu_image_and_asks_for_a_gpu(overlay: str) -> None:
    docs = render(overlay)
    for group, deployment in workers(docs).items():
        spec = deployment["spec"]["template"]["spec"]
        image = image_name(container(deployment)["image"])
        limits = container(deployment)["resources"]["limits"]
        if group != "gpu":
            assert not image.endswith("-gpu") and "nvidia.com/gpu" not in limits, group
            continue
        assert image.endswith("reelforge-gpu")
        assert limits["nvidia.com/gpu"] == "1"
        env = {e["name"]: e.get("value") for e in container(deployment)["env"]}
        assert env["NVIDIA_VISIBLE_DEVICES"] == "all"
        assert set(env["NVIDIA_DRIVER_CAPABILITIES"].split(",")) == {"compute", "video", "utility"}
        assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in \
            spec["tolerations"]
    for name, pod in platform_pods(docs).items():
        if name != "celery-worker-gpu":
            assert not any(image_name(c["image"]).endswith("-gpu") for c in pod["containers"])


def test_the_overlays_set_the_images() -> None:
    for overlay, expected in (("production", "ghcr.io/your-org/reelforge"), ("dev", "reelforge")):
        for name, pod in platform_pods(render(overlay)).items():
            for c in pod["containers"]:
                suffix = "-gpu" if name == "celery-worker-gpu" else ""
                assert image_name(c["image"]) == expected + suffix, (overlay, name)
                assert ":" in c["image"].rsplit("/", 1)[-1], "an untagged image"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_scaler_role_names_exactly_the_worker_deployments(overlay: str) -> None:
    docs = render(overlay)
    role = of_kind(docs, "Role")["reelforge-scaler"]
    scale = next(r for r in role["rules"] if r["resources"] == ["deployments/scale"])
    assert scale["apiGroups"] == ["apps"] and set(scale["verbs"]) == {"get", "patch", "update"}
    assert set(scale["resourceNames"]) == {d["metadata"]["name"] for d in workers(docs).values()}
    read = next(r for r in role["rules"] if r["resources"] == ["deployments"])
    assert set(read["verbs"]) == {"get", "list"}
    binding = of_kind(docs, "RoleBinding")["reelforge-scaler"]
    account = of_kind(docs, "ServiceAccount")["reelforge-scaler"]
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    assert binding["subjects"][0]["name"] == account["metadata"]["name"]
    api = of_kind(docs, "Deployment")["api"]
    assert api["spec"]["template"]["spec"]["serviceAccountName"] == account["metadata"]["name"]
    assert environment(docs)["SCALER_BACKEND"] == "kubernetes"


def test_beat_never_runs_twice_during_a_rollout() -> None:
    for overlay in OVERLAYS:
        deployments = of_kind(render(overlay), "Deployment")
        beats = [d for d in deployments.values() if "beat" in container(d).get("args", [])]
        assert [b["metadata"]["name"] for b in beats] == ["celery-beat"]
        assert beats[0]["spec"]["replicas"] == 1
        assert beats[0]["spec"]["strategy"]["type"] == "Recreate"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_pod_shares_a_volume_with_another(overlay: str) -> None:
    for name, pod in platform_pods(render(overlay)).items():
        volumes = pod.get("volumes", [])
        assert all(set(v) == {"name", "emptyDir"} for v in volumes), (name, volumes)
        for c in pod["containers"]:
            env = {e["name"] for e in c.get("env", [])}
            if "DATA_DIR" in env:
                pytest.fail(f"{name} sets DATA_DIR outside the ConfigMap")
            if c.get("envFrom"):  # DATA_DIR from the ConfigMap: the pod's own emptyDir
                mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
                data_dir = environment(render(overlay))["DATA_DIR"]
                assert data_dir in mounts, name


def test_migrations_run_as_a_job_of_the_cli() -> None:
    for overlay in OVERLAYS:
        job = of_kind(render(overlay), "Job")["reelforge-migrate"]
        args = container(job)["args"]
        assert args == ["reelforge", "migrate"]
        assert build_parser().parse_args(args[1:]).handler.__module__ == "app.cli.migrate"
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_the_ingress_keeps_websockets_and_sse_open_and_unbuffered() -> None:
    for overlay in OVERLAYS:
        docs = render(overlay)
        ingress = of_kind(docs, "Ingress")["api"]
        notes = ingress["metadata"]["annotations"]
        for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
            seconds = int(notes[f"nginx.ingress.kubernetes.io/{timeout}"])
            assert seconds >= max(3600, settings.realtime.WS_MAX_LIFETIME_S), timeout
        assert notes["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
        body = notes["nginx.ingress.kubernetes.io/proxy-body-size"]
        assert int(body.rstrip("m")) * 1024 * 1024 >= settings.uploads.MAX_AUDIO_BYTES
        service = of_kind(docs, "Service")["api"]
        api = of_kind(docs, "Deployment")["api"]
        [path] = ingress["spec"]["rules"][0]["http"]["paths"]
        assert path["backend"]["service"]["name"] == service["metadata"]["name"]
        port = path["backend"]["service"]["port"]["name"]
        assert port in {p["name"] for p in service["spec"]["ports"]}
        assert service["spec"]["selector"].items() <= \
            api["spec"]["template"]["metadata"]["labels"].items()
        assert {p["name"] for p in container(api)["ports"]} >= {
            p["targetPort"] for p in service["spec"]["ports"]}


def test_api_and_every_worker_group_have_a_disruption_budget() -> None:
    docs = render("production")
    budgets = of_kind(docs, "PodDisruptionBudget").values()
    for deployment in [of_kind(docs, "Deployment")["api"], *workers(docs).values()]:
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets
                    if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert len(matching) == 1, deployment["metadata"]["name"]


def test_flower_gets_basic_auth_and_no_other_flower_variable() -> None:
    flower = of_kind(render("production"), "Deployment")["flower"]
    env = {e["name"]: e for e in container(flower)["env"]}
    assert "envFrom" not in container(flower)  # FLOWER_USER/FLOWER_PASSWORD would stop it
    assert {n for n in env if n.startswith("FLOWER_")} == {"FLOWER_BASIC_AUTH"}
    assert env["FLOWER_BASIC_AUTH"]["value"] == "$(BASIC_AUTH_USER):$(BASIC_AUTH_PASSWORD)"
    assert env["BASIC_AUTH_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "FLOWER_PASSWORD"
    assert not any("auth" in arg for arg in container(flower)["args"])


def broker_lists(queues: tuple[str, ...]) -> set[str]:
    """The Redis lists kombu writes for `queues`, every API priority published once, on a
    real redis-server with the platform's Celery app and its transport options."""
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port, socket_timeout=5)
    try:
        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return proc.poll() is not None
        wait_until(answers, 30, "redis-server answers")
        with celery_app.connection_for_write(f"redis://127.0.0.1:{port}/0") as conn, \
                celery_app.producer_or_acquire(celery_app.amqp.Producer(conn)) as producer:
            for queue in queues:
                for priority in range(API_MIN, API_MAX + 1):
                    celery_app.send_task(TaskName.SYSTEM_PING.value, queue=queue,
                                         priority=to_broker(priority), producer=producer)
        return {k.decode() for q in queues for k in client.keys(f"{q}*")}
    finally:
        client.close()
        proc.terminate()
        proc.wait(30)


@pytest.mark.skipif(subprocess.run(["which", "redis-server"], capture_output=True).returncode,
                    reason="redis-server not installed")
def test_keda_scales_each_group_on_every_list_kombu_writes_for_its_queues() -> None:
    docs = render("dev")
    scaled = of_kind(docs, "ScaledObject")
    secrets = {n: d["stringData"] for n, d in of_kind(docs, "Secret").items()}
    auths = of_kind(docs, "TriggerAuthentication")
    redis_db = re.fullmatch(r"redis://.*/(\d+)", environment(docs)["REDIS_URL"])
    assert redis_db
    everything = broker_lists(tuple(q for queues in WORKER_GROUPS.values() for q in queues))
    for group, deployment in workers(docs).items():
        name = deployment["metadata"]["name"]
        [obj] = [s for s in scaled.values() if s["spec"]["scaleTargetRef"]["name"] == name]
        spec = obj["spec"]
        assert spec["minReplicaCount"] == (0 if group == "gpu" else 1)
        assert spec["maxReplicaCount"] >= spec["minReplicaCount"]
        triggers = spec["triggers"]
        assert {t["type"] for t in triggers} == {"redis"}
        lists = [t["metadata"]["listName"] for t in triggers]
        assert len(lists) == len(set(lists))
        expected = {k for k in everything
                    if k.split("\x06\x16")[0] in WORKER_GROUPS[group]}
        assert set(lists) == expected, group
        # the formula adds every trigger, each once
        terms = spec["advanced"]["scalingModifiers"]["formula"].split("+")
        assert sorted(t.strip() for t in terms) == sorted(t["name"] for t in triggers)
        for trigger in triggers:
            assert trigger["metadata"]["databaseIndex"] == redis_db[1]
            auth = auths[trigger["authenticationRef"]["name"]]
            refs = {r["parameter"]: r for r in auth["spec"]["secretTargetRef"]}
            assert set(refs) == {"address", "password"}
            for ref in refs.values():
                assert ref["key"] in secrets[ref["name"]]
    # KEDA's Redis is the platform's: the same password and host as REDIS_URL
    url = environment(docs)["REDIS_URL"]
    assert secrets["reelforge-redis"]["password"] in url
    assert f"@{secrets['reelforge-redis']['address']}/" in url
