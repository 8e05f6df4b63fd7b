"""Every deployment starts its processes where celeryconfig.py and alembic.ini are: the
repository root for supervisord, the image's WORKDIR (which holds both) for compose and
Kubernetes. Celery imports its settings from the working directory (app/tasks/app.py)."""

from __future__ import annotations

from tests.deploy.manifests import OVERLAYS, platform_pods, render
from tests.deploy.supervised import CONF, parsed_config
from tests.deploy.test_compose import services

ROOT_CONFIGS = ("celeryconfig.py", "alembic.ini")


def test_supervisord_starts_every_program_beside_the_root_configs() -> None:
    assert all((CONF.parent / name).is_file() for name in ROOT_CONFIGS)
    conf = parsed_config()
    programs = [s for s in conf.sections() if s.startswith("program:")]
    assert programs
    for program in programs:
        assert conf.get(program, "directory", raw=True) == "%(here)s", program


def test_compose_and_kubernetes_keep_the_images_workdir() -> None:
    # test_dockerfile.py checks that the WORKDIR holds both files
    assert not [name for name, service in services().items() if "working_dir" in service]
    for overlay in OVERLAYS:
        for name, pod in platform_pods(render(overlay)).items():
            for container in pod["containers"] + pod.get("initContainers", []):
                assert "workingDir" not in container, (overlay, name)
