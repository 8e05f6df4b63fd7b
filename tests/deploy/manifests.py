"""infrastructure/kubernetes rendered (tests/deploy/kustomize.py) and looked up by kind and name."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from tests.deploy.kustomize import Doc, build, pod_spec

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "infrastructure" / "kubernetes"
OVERLAYS = ("dev", "production")
# the backing services of overlays/dev, not the platform's own pods
DEV_BACKING = {"postgres", "redis", "seaweedfs"}


@functools.cache
def _render(overlay: str) -> tuple[Doc, ...]:
    return tuple(build(KUBERNETES / "overlays" / overlay))


def render(overlay: str) -> list[Doc]:
    """The overlay's resources (a fresh copy: tests may change them)."""
    return copy.deepcopy(list(_render(overlay)))


def component(name: str) -> list[Doc]:
    return build(KUBERNETES / name, component=True)


def of_kind(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def platform_pods(docs: list[Doc]) -> dict[str, dict[str, Any]]:
    """Pod specs of the platform's workloads by resource name, backing services left out."""
    pods = {}
    for doc in docs:
        spec = pod_spec(doc)
        if spec is not None and doc["metadata"]["name"] not in DEV_BACKING:
            pods[doc["metadata"]["name"]] = spec
    return pods


def environment(docs: list[Doc]) -> dict[str, str]:
    """What envFrom gives the application: the ConfigMap's data and the Secret's stringData."""
    config = of_kind(docs, "ConfigMap")["reelforge-config"]["data"]
    secret = of_kind(docs, "Secret")["reelforge-secrets"]["stringData"]
    assert not set(config) & set(secret), "a variable in both the ConfigMap and the Secret"
    return {**config, **secret}
