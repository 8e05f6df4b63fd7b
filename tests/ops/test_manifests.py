"""The Kubernetes manifests match the queue topology and grant the scaler what it calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.core.config import settings
from app.tasks.names import WORKER_GROUPS
from tests.deploy.supervised import parsed_config

MANIFESTS = Path(__file__).resolve().parents[2] / "infrastructure" / "kubernetes"


def load(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((MANIFESTS / name).read_text()) if d]


def test_one_worker_deployment_per_group_consuming_its_queues() -> None:
    deployments = {d["metadata"]["name"]: d for d in load("workers.yaml")}
    expected = {settings.KUBERNETES_DEPLOYMENT_TEMPLATE.format(group=g): g for g in WORKER_GROUPS}
    assert set(deployments) == set(expected)
    for name, group in expected.items():
        [container] = deployments[name]["spec"]["template"]["spec"]["containers"]
        args = container["args"]
        assert args[args.index("-Q") + 1] == ",".join(WORKER_GROUPS[group])
        assert f"--hostname={group}@$(POD_NAME)" in args


def test_workers_get_as_long_to_stop_as_under_supervisord() -> None:
    """A pod killed before its warm shutdown ends cuts a render short (it is redone)."""
    deployments = {d["metadata"]["name"]: d for d in load("workers.yaml")}
    conf = parsed_config()
    for group in WORKER_GROUPS:
        pod = deployments[settings.KUBERNETES_DEPLOYMENT_TEMPLATE.format(group=group)]
        grace = pod["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace == conf.getint(f"program:worker-{group}", "stopwaitsecs"), group


def test_scaler_role_allows_exactly_what_the_scaler_calls() -> None:
    docs = {d["kind"]: d for d in load("rbac.yaml")}
    rules = docs["Role"]["rules"]
    scale = next(r for r in rules if r["resources"] == ["deployments/scale"])
    assert scale["apiGroups"] == ["apps"] and set(scale["verbs"]) == {"get", "patch", "update"}
    assert set(scale["resourceNames"]) == {
        settings.KUBERNETES_DEPLOYMENT_TEMPLATE.format(group=g) for g in WORKER_GROUPS}
    read = next(r for r in rules if r["resources"] == ["deployments"])
    assert set(read["verbs"]) == {"get", "list"}
    binding = docs["RoleBinding"]
    assert binding["roleRef"]["name"] == docs["Role"]["metadata"]["name"]
    assert binding["subjects"][0]["name"] == docs["ServiceAccount"]["metadata"]["name"]


def test_beat_never_runs_twice_during_a_rollout() -> None:
    [beat] = load("beat.yaml")
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
