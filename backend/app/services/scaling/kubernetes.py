"""Scale a queue on Kubernetes: patch the `scale` subresource of its worker Deployment.

The Deployment serves a worker group (app.jobs.names.WORKER_GROUPS), so queues of one
group scale together. RBAC: infrastructure/kubernetes/base/rbac.yaml.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubernetes import client, config
from kubernetes.client.rest import ApiException
from urllib3.exceptions import HTTPError

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.names import Queue
from app.services.scaling.base import QueueScale, group_of, group_peers


class KubernetesScaler:
    """Replicas of `celery-worker-{group}` in one namespace, in-cluster or by kubeconfig."""

    name = "kubernetes"

    def __init__(self, *, namespace: str | None = None, template: str | None = None,
                 kubeconfig: Path | None = None, context: str | None = None,
                 timeout_s: float | None = None) -> None:
        self.namespace = namespace or settings.scaling.KUBERNETES_NAMESPACE
        self.template = template or settings.scaling.KUBERNETES_DEPLOYMENT_TEMPLATE
        self.kubeconfig = kubeconfig or settings.scaling.KUBERNETES_KUBECONFIG
        self.context = context or settings.scaling.KUBERNETES_CONTEXT
        self.timeout_s = timeout_s or settings.scaling.KUBERNETES_REQUEST_TIMEOUT_S
        self._api: Any = None

    def _apps(self) -> Any:
        """An AppsV1Api with its own configuration (the client's global one stays untouched)."""
        if self._api is None:
            configuration = client.Configuration()
            try:
                if self.kubeconfig is None and "KUBERNETES_SERVICE_HOST" in os.environ:
                    config.load_incluster_config(client_configuration=configuration)
                else:
                    config.load_kube_config(
                        config_file=str(self.kubeconfig) if self.kubeconfig else None,
                        context=self.context, client_configuration=configuration)
            except (config.ConfigException, OSError) as exc:
                raise AppError("scaler_unavailable",
                               f"no Kubernetes credentials for the scaler: {exc}", 503) from None
            configuration.retries = 1  # an admin waits on this call; fail fast, not thrice
            self._api = client.AppsV1Api(client.ApiClient(configuration))
        return self._api

    def deployment(self, queue: Queue) -> str:
        return self.template.format(group=group_of(queue), queue=queue.value)

    def scale(self, queue: Queue, desired: int) -> QueueScale:
        name = self.deployment(queue)
        body = {"spec": {"replicas": desired}}
        scale = self._call(queue, name, "patch", lambda api: api.patch_namespaced_deployment_scale(
            name, self.namespace, body, _request_timeout=self.timeout_s))
        return self._read(queue, name, scale)

    def current(self) -> list[QueueScale]:
        seen: dict[str, Any] = {}
        result = []
        for queue in Queue:
            name = self.deployment(queue)
            try:
                if name not in seen:
                    seen[name] = self._get(queue, name)
                result.append(self._read(queue, name, seen[name]))
            except AppError as exc:
                result.append(QueueScale(queue=queue, backend=self.name,
                                         target=self._target(name), desired_workers=None,
                                         observed_workers=None, settled=False,
                                         shared_with=group_peers(queue), message=exc.message))
        return result

    def _get(self, queue: Queue, name: str) -> Any:
        return self._call(queue, name, "get", lambda api: api.read_namespaced_deployment_scale(
            name, self.namespace, _request_timeout=self.timeout_s))

    def _target(self, name: str) -> str:
        return f"deployment {self.namespace}/{name}"

    def _read(self, queue: Queue, name: str, scale: Any) -> QueueScale:
        desired = scale.spec.replicas if scale.spec else None
        observed = scale.status.replicas if scale.status else None
        return QueueScale(queue=queue, backend=self.name, target=self._target(name),
                          desired_workers=desired, observed_workers=observed,
                          settled=desired == (observed or 0), shared_with=group_peers(queue))

    def _call(self, queue: Queue, name: str, verb: str, request: Callable[[Any], Any]) -> Any:
        """Run one API request; map its failures onto errors an admin can act on."""
        try:
            return request(self._apps())
        except ApiException as exc:
            target = self._target(name)
            if exc.status == 404:
                raise AppError("deployment_not_found", f"{target} (queue {queue}) does not exist",
                               404, field="queue") from None
            if exc.status in (401, 403):
                raise AppError("scaler_forbidden",
                               f"the scaler may not {verb} deployments/scale of {target}: "
                               "apply infrastructure/kubernetes/base/rbac.yaml", 502) from None
            raise AppError("scaler_error", f"Kubernetes answered {exc.status} {exc.reason} "
                           f"for {target}", 502) from None
        except (HTTPError, OSError) as exc:
            raise AppError("scaler_unavailable", f"Kubernetes API unreachable: {exc}",
                           503) from None
