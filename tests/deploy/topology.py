"""Each deploy file's worker groups read back and compared with app/jobs/names.py GROUPS.

`disagreements(groups)` lists, one line each, every place where supervisord.conf,
docker-compose.yml, infrastructure/kubernetes (Deployments, KEDA ScaledObjects, the HPA
alternative) or `reelforge run` (app/dev/launcher.py) says something else about a group than
`groups` does. The registry is a parameter so that a test can hand it an extra or changed
group and see every file flagged."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from app.dev.admin import AdminOutcome
from app.dev.launcher import Credentials, LaunchOptions, child_specs
from app.jobs.names import WorkerGroup
from tests.deploy.kustomize import image_name
from tests.deploy.manifests import component, of_kind, render
from tests.deploy.supervised import parsed_config
from tests.deploy.test_compose import seconds, services

PRIORITY_SUFFIX = "\x06\x16"  # kombu's separator before a priority step in a list name
Facts = dict[str, Any]


def _gpu(parts: tuple[bool, ...]) -> bool | str:
    """True when every sign of a GPU worker is there, False when none is, else "partly"."""
    return all(parts) or ("partly" if any(parts) else False)


def _option(command: list[str], flag: str) -> str | None:
    return command[command.index(flag) + 1] if flag in command else None


def _hostname_group(command: list[str]) -> str | None:
    for arg in command:
        if arg.startswith("--hostname="):
            return arg.removeprefix("--hostname=").split("@")[0]
    return None


def worker_facts(command: list[str]) -> Facts:
    """What a Celery worker command line says about its group."""
    concurrency = _option(command, "-c")
    return {"queues": _option(command, "-Q"), "hostname": _hostname_group(command),
            "concurrency": int(concurrency) if concurrency else None}


def expected_worker(group: WorkerGroup) -> Facts:
    return {"queues": ",".join(group.queues), "hostname": group.name,
            "concurrency": group.concurrency}


def supervisord() -> dict[str, Facts]:
    conf = parsed_config()
    found = {}
    for section in conf.sections():
        if not section.startswith("program:worker-"):
            continue
        command = shlex.split(conf.get(section, "command", raw=True))
        autostart = conf.get(section, "autostart", fallback="true") == "true"
        found[section.removeprefix("program:worker-")] = {
            **worker_facts(command), "stop_grace_s": conf.getint(section, "stopwaitsecs"),
            "gpu": not autostart}  # a GPU worker is started by hand on a host with one
    return found


def compose() -> dict[str, Facts]:
    found = {}
    for name, svc in services().items():
        if "worker" not in svc.get("command", []):
            continue
        devices = svc.get("deploy", {}).get("resources", {}).get("reservations", {}).get(
            "devices", [])
        gpu_parts = (svc.get("profiles") == ["gpu"],
                     svc.get("build", {}).get("dockerfile") == "Dockerfile.gpu",
                     any(d.get("driver") == "nvidia" for d in devices))
        found[name.removeprefix("celery-worker-")] = {
            **worker_facts(svc["command"]), "stop_grace_s": seconds(svc["stop_grace_period"]),
            "gpu": _gpu(gpu_parts)}
    return found


def kubernetes() -> dict[str, Facts]:
    found = {}
    for name, doc in of_kind(render("production"), "Deployment").items():
        if not name.startswith("celery-worker-"):
            continue
        pod = doc["spec"]["template"]["spec"]
        [container] = pod["containers"]
        limits = container.get("resources", {}).get("limits", {})
        gpu_parts = (image_name(container["image"]).endswith("-gpu"), "nvidia.com/gpu" in limits)
        found[name.removeprefix("celery-worker-")] = {
            **worker_facts(container["args"]),
            "stop_grace_s": pod["terminationGracePeriodSeconds"],
            "gpu": _gpu(gpu_parts)}
    return found


def _target(name: str) -> str:
    return name.removeprefix("celery-worker-")


def keda() -> dict[str, Facts]:
    found = {}
    for doc in of_kind(render("production"), "ScaledObject").values():
        spec = doc["spec"]
        triggers = spec["triggers"]
        found[_target(spec["scaleTargetRef"]["name"])] = {
            "queues": sorted({t["metadata"]["listName"].split(PRIORITY_SUFFIX)[0]
                              for t in triggers}),
            "jobs_per_replica": {int(t["metadata"]["listLength"]) for t in triggers} | {
                int(spec["advanced"]["scalingModifiers"]["target"])},
            "min_replicas": spec["minReplicaCount"], "max_replicas": spec["maxReplicaCount"]}
    return found


def hpa() -> dict[str, Facts]:
    found = {}
    for doc in of_kind(component("hpa"), "HorizontalPodAutoscaler").values():
        spec = doc["spec"]
        metrics = [m["external"] for m in spec["metrics"]]
        found[_target(spec["scaleTargetRef"]["name"])] = {
            "queues": sorted(m["metric"]["selector"]["matchLabels"]["queue"] for m in metrics),
            "jobs_per_replica": {int(m["target"]["averageValue"]) for m in metrics},
            "min_replicas": spec["minReplicas"], "max_replicas": spec["maxReplicas"]}
    return found


def launcher(*, gpu_worker: bool) -> dict[str, Facts]:
    creds = Credentials("a@b.c", "x", AdminOutcome.KEPT, "admin", "y")
    options = LaunchOptions(gpu_worker=gpu_worker, data_dir=Path("/nonexistent"))
    return {spec.name.removeprefix("worker-"): worker_facts(spec.argv)
            for spec in child_specs(options, {}, creds) if spec.name.startswith("worker-")}


def expected_scaling(group: WorkerGroup, *, hpa: bool) -> Facts:
    # An HPA cannot scale to zero without a feature gate, so it keeps one replica.
    least = max(1, group.min_replicas) if hpa else group.min_replicas
    return {"queues": sorted(group.queues), "jobs_per_replica": {group.jobs_per_replica},
            "min_replicas": least, "max_replicas": group.max_replicas}


def _compare(where: str, found: dict[str, Facts], groups: Iterable[WorkerGroup],
             expect: Callable[[WorkerGroup], Facts]) -> list[str]:
    wanted = {g.name: expect(g) for g in groups}
    lines = [f"{where}: no worker for group {name!r}" for name in wanted.keys() - found.keys()]
    lines += [f"{where}: group {name!r} is not in GROUPS" for name in found.keys() - wanted.keys()]
    for name in wanted.keys() & found.keys():
        for key, value in wanted[name].items():
            if found[name].get(key) != value:
                lines.append(f"{where}: group {name!r} {key} is {found[name].get(key)!r}, "
                             f"GROUPS says {value!r}")
    return sorted(lines)


def disagreements(groups: Sequence[WorkerGroup]) -> list[str]:
    """Every place a deploy file or the launcher disagrees with `groups`; [] when none does."""
    def deployed(g: WorkerGroup) -> Facts:
        return {**expected_worker(g), "stop_grace_s": g.stop_grace_s, "gpu": g.gpu}

    cpu_only = [g for g in groups if not g.gpu]
    return [
        *_compare("supervisord.conf", supervisord(), groups, deployed),
        *_compare("docker-compose.yml", compose(), groups, deployed),
        *_compare("kubernetes Deployment", kubernetes(), groups, deployed),
        *_compare("kubernetes KEDA ScaledObject", keda(), groups,
                  lambda g: expected_scaling(g, hpa=False)),
        *_compare("kubernetes HPA", hpa(), groups, lambda g: expected_scaling(g, hpa=True)),
        *_compare("reelforge run --gpu-worker", launcher(gpu_worker=True), groups,
                  expected_worker),
        *_compare("reelforge run", launcher(gpu_worker=False), cpu_only, expected_worker),
    ]
