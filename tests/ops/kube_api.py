"""A local server that speaks the Kubernetes `deployments/scale` subresource (apps/v1).

It answers what the real API server answers for those calls: `autoscaling/v1` Scale
objects, `Status` objects for 401/403/404/415, merge, strategic-merge and JSON patches.
Bearer tokens stand in for RBAC: each token is granted a set of verbs.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SCALE_PATH = re.compile(r"^/apis/apps/v1/namespaces/([^/]+)/deployments/([^/]+)/scale$")
VERBS = {"GET": "get", "PATCH": "patch", "PUT": "update"}
MERGE_TYPES = ("application/merge-patch+json", "application/strategic-merge-patch+json")


@dataclass
class Recorded:
    method: str
    path: str
    content_type: str | None
    body: Any


@dataclass
class FakeKubernetes:
    namespace: str
    replicas: dict[str, int]  # deployment name -> spec.replicas
    tokens: dict[str, set[str]]  # bearer token -> verbs granted on deployments/scale
    requests: list[Recorded] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)  # what the controller reports
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeKubernetes:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.handle(self)

            do_PATCH = do_PUT = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.status = dict(self.replicas)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def kubeconfig(self, path: Path, token: str) -> Path:
        """A kubeconfig whose current context reaches this server with `token`."""
        path.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "scaler", "user": {"token": token}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "scaler",
                                                       "namespace": self.namespace}}],
        }))
        return path

    def scale_object(self, name: str) -> dict[str, Any]:
        return {"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {"name": name, "namespace": self.namespace,
                             "uid": f"uid-{name}", "resourceVersion": str(len(self.requests)),
                             "creationTimestamp": "2026-01-01T00:00:00Z"},
                "spec": {"replicas": self.replicas[name]},
                "status": {"replicas": self.status[name],
                           "selector": f"app.kubernetes.io/name={name}"}}

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        content_type = request.headers.get("Content-Type")
        self.requests.append(Recorded(request.command, request.path, content_type, body))
        match = SCALE_PATH.match(request.path.split("?")[0])
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        verb = VERBS[request.command]
        if match is None:
            return self._status(request, 404, "NotFound", "the server could not find the "
                                "requested resource")
        namespace, name = match.groups()
        if token not in self.tokens:
            return self._status(request, 401, "Unauthorized", "Unauthorized")
        if verb not in self.tokens[token]:
            return self._status(request, 403, "Forbidden", (
                f'deployments.apps "{name}" is forbidden: User "system:serviceaccount:'
                f'{namespace}:reelforge-scaler" cannot {verb} resource "deployments/scale" '
                f'in API group "apps" in the namespace "{namespace}"'), name)
        if namespace != self.namespace or name not in self.replicas:
            return self._status(request, 404, "NotFound",
                                f'deployments.apps "{name}" not found', name)
        if request.command == "GET":
            return self._json(request, 200, self.scale_object(name))
        replicas = self._patched(content_type, body)
        if replicas is None:
            return self._status(request, 415, "UnsupportedMediaType",
                                f"the body of the request was in an unknown format: "
                                f"{content_type}")
        self.replicas[name] = replicas
        answer = self.scale_object(name)  # status still the old count, as the real API says
        self.status[name] = replicas  # the Deployment controller catches up before the next call
        return self._json(request, 200, answer)

    @staticmethod
    def _patched(content_type: str | None, body: Any) -> int | None:
        if content_type in MERGE_TYPES and isinstance(body, dict):
            return int(body["spec"]["replicas"])
        if content_type == "application/json-patch+json" and isinstance(body, list):
            ops = [op for op in body if op.get("path") == "/spec/replicas"]
            return int(ops[-1]["value"]) if ops else None
        return None

    @staticmethod
    def _json(request: BaseHTTPRequestHandler, code: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        request.send_response(code)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _status(self, request: BaseHTTPRequestHandler, code: int, reason: str, message: str,
                name: str | None = None) -> None:
        details = {"name": name, "group": "apps", "kind": "deployments"} if name else {}
        self._json(request, code, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                   "status": "Failure", "message": message, "reason": reason,
                                   "details": details, "code": code})
