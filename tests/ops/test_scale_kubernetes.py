"""The Kubernetes scaler against a local server speaking the deployments/scale API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import AppError
from app.jobs.names import Queue
from app.services.scaling.kubernetes import KubernetesScaler
from tests.ops.kube_api import FakeKubernetes
from tests.support.fixtures import Account
from tests.support.processes import ApiServer, free_port

NAMESPACE = "reelforge-test"
WRITER, READER = "token-scaler", "token-reader"


@pytest.fixture
def kube() -> Iterator[FakeKubernetes]:
    fake = FakeKubernetes(
        namespace=NAMESPACE,
        replicas={"celery-worker-content": 2, "celery-worker-video": 1,
                  "celery-worker-default": 1},  # no gpu Deployment in this cluster
        tokens={WRITER: {"get", "patch", "update"}, READER: {"get"}},
    ).start()
    try:
        yield fake
    finally:
        fake.stop()


def scaler(kube: FakeKubernetes, tmp_path: Path, token: str = WRITER) -> KubernetesScaler:
    config = kube.kubeconfig(tmp_path / f"kubeconfig-{token}", token)
    return KubernetesScaler(namespace=NAMESPACE, kubeconfig=config)


def test_scale_patches_the_scale_subresource_of_the_group_deployment(
        kube: FakeKubernetes, tmp_path: Path) -> None:
    result = scaler(kube, tmp_path).scale(Queue.SOCIAL, 4)

    patch = kube.requests[-1]
    assert patch.method == "PATCH"
    assert patch.path == f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments/" \
                         "celery-worker-content/scale"
    assert patch.content_type == "application/strategic-merge-patch+json"
    assert patch.body == {"spec": {"replicas": 4}}
    assert kube.replicas["celery-worker-content"] == 4
    assert (result.desired_workers, result.observed_workers, result.settled) == (4, 2, False)
    assert result.target == f"deployment {NAMESPACE}/celery-worker-content"
    assert result.shared_with == ["content"]  # social and content run in one Deployment


def test_current_reads_each_deployment_once_and_reports_a_missing_one(
        kube: FakeKubernetes, tmp_path: Path) -> None:
    scales = {s.queue: s for s in scaler(kube, tmp_path).current()}

    assert (scales[Queue.CONTENT].desired_workers, scales[Queue.CONTENT].settled) == (2, True)
    assert scales[Queue.SOCIAL].desired_workers == 2
    assert scales[Queue.VIDEO].observed_workers == 1
    assert scales[Queue.GPU].desired_workers is None
    assert "does not exist" in (scales[Queue.GPU].message or "")
    reads = [r.path for r in kube.requests if r.method == "GET"]
    assert len(reads) == 4  # content/social share one read; video, gpu, default


def test_unknown_deployment_is_a_404_naming_the_queue(kube: FakeKubernetes,
                                                      tmp_path: Path) -> None:
    with pytest.raises(AppError) as caught:
        scaler(kube, tmp_path).scale(Queue.GPU, 1)
    assert (caught.value.code, caught.value.status, caught.value.field) == \
        ("deployment_not_found", 404, "queue")
    assert "celery-worker-gpu" in caught.value.message


def test_missing_rbac_is_reported_not_retried(kube: FakeKubernetes, tmp_path: Path) -> None:
    reader = scaler(kube, tmp_path, token=READER)
    assert reader.current()[0].desired_workers is not None  # get is granted
    with pytest.raises(AppError) as caught:
        reader.scale(Queue.VIDEO, 3)
    assert (caught.value.code, caught.value.status) == ("scaler_forbidden", 502)
    assert "rbac.yaml" in caught.value.message
    assert kube.replicas["celery-worker-video"] == 1
    assert [r.method for r in kube.requests].count("PATCH") == 1


def test_unreachable_api_server_is_a_503(tmp_path: Path) -> None:
    dead = FakeKubernetes(namespace=NAMESPACE, replicas={}, tokens={}).start()
    config = dead.kubeconfig(tmp_path / "kubeconfig", WRITER)
    dead.stop()
    config.write_text(config.read_text().replace(dead.url, f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(AppError) as caught:
        KubernetesScaler(namespace=NAMESPACE, kubeconfig=config, timeout_s=2).scale(
            Queue.VIDEO, 1)
    assert (caught.value.code, caught.value.status) == ("scaler_unavailable", 503)


def test_admin_api_scales_through_kubernetes(kube: FakeKubernetes, tmp_path: Path,
                                             admin_account: Account,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALER_BACKEND", "kubernetes")
    monkeypatch.setenv("KUBERNETES_NAMESPACE", NAMESPACE)
    monkeypatch.setenv("KUBERNETES_KUBECONFIG", str(kube.kubeconfig(tmp_path / "kc", WRITER)))
    server = ApiServer.start(log_dir=tmp_path / "logs")
    try:
        client = admin_account.client
        url = f"{server.base_url}/api/v1/admin/scale"
        answer = client.post(url, params={"queue_name": "video", "desired_workers": 5})
        assert answer.status_code == 200, answer.text
        assert answer.json()["backend"] == "kubernetes"
        assert answer.json()["desired_workers"] == 5
        assert kube.replicas["celery-worker-video"] == 5

        missing = client.post(url, json={"queue": "gpu", "desired_workers": 1})
        assert missing.status_code == 404
        assert missing.json()["error"]["field"] == "queue"

        page = client.get(url).json()
        video = next(i for i in page["items"] if i["queue"] == "video")
        assert (video["desired_workers"], video["observed_workers"]) == (5, 5)

        # The original plan's path, verbatim apart from the number: the same scaler.
        plan = client.post(f"{server.base_url}/api/v1/tasks/admin/scale"
                           "?queue_name=video&desired_workers=3")
        assert plan.status_code == 200, plan.text
        assert plan.json()["desired_workers"] == 3 and plan.json()["queue"] == "video"
        assert kube.replicas["celery-worker-video"] == 3
    finally:
        server.stop()
