"""Scaling (docs/scaling.md): Celery pools locally, Deployment replicas on Kubernetes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from app.core.config.group import Group


class ScalingSettings(Group):
    """Which scaler resizes the worker groups, its bounds and the cluster it talks to."""

    # `local` resizes Celery pools, `kubernetes` patches replicas.
    SCALER_BACKEND: Literal["local", "kubernetes"] = "local"
    SCALE_MAX_WORKERS: int = 64
    SCALE_CONTROL_TIMEOUT_S: float = 1.0  # wait for remote-control replies from workers
    # A grown prefork pool starts its processes on the next maintenance tick (every 5 s).
    SCALE_SETTLE_TIMEOUT_S: float = 8.0
    KUBERNETES_NAMESPACE: str = "reelforge"
    KUBERNETES_DEPLOYMENT_TEMPLATE: str = "celery-worker-{group}"
    KUBERNETES_KUBECONFIG: Path | None = None  # unset: in-cluster service account, else ~/.kube
    KUBERNETES_CONTEXT: str | None = None
    KUBERNETES_REQUEST_TIMEOUT_S: float = 10.0
