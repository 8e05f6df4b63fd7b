"""A small renderer for the subset of kustomize that infrastructure/kubernetes uses.

No kustomize binary exists for pip, so the tests render the overlays with this. The
manifests keep to what it implements, the way kustomize does it (kubectl 1.27+):
`resources` (files and directories), `components` holding only resources, `namespace`,
`labels` without selectors, `images`, and `patches` by path holding one strategic-merge
patch that names its target by kind and name. Anything else in a kustomization.yaml
fails the render, so a manifest cannot drift into what this file does not do.

Strategic merge, as far as these patches need it: maps merge key by key, `null` deletes a
key, lists of containers, env and volumes merge by `name`, every other list is replaced,
and `$patch: delete` at the top removes the target.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]
KUSTOMIZATION = ("kustomize.config.k8s.io/v1beta1", "Kustomization")
COMPONENT = ("kustomize.config.k8s.io/v1alpha1", "Component")
FIELDS = {"apiVersion", "kind", "resources", "components", "namespace", "labels", "images",
          "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding",
                  "CustomResourceDefinition", "PriorityClass", "StorageClass"}
MERGE_BY_NAME = {"containers", "initContainers", "env", "volumes"}
POD_SPEC_PATHS = (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template",
                                                   "spec"))


class KustomizeError(Exception):
    """A kustomization this renderer (or kustomize) would refuse."""


def load_documents(path: Path) -> list[Doc]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def build(directory: Path, *, component: bool = False) -> list[Doc]:
    """Render the kustomization in `directory` into a list of resources."""
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    expected = COMPONENT if component else KUSTOMIZATION
    if (spec.get("apiVersion"), spec.get("kind")) != expected:
        raise KustomizeError(f"{directory}: expected {expected}")
    unknown = set(spec) - FIELDS
    if unknown:
        raise KustomizeError(f"{directory}: fields this renderer does not implement: {unknown}")
    if component and set(spec) - {"apiVersion", "kind", "resources"}:
        raise KustomizeError(f"{directory}: components may hold only resources here")

    docs: list[Doc] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        docs += build(path) if path.is_dir() else load_documents(path)
    for entry in spec.get("components", []):
        docs += build(directory / entry, component=True)
    check_unique(docs, directory)

    for patch in spec.get("patches", []):
        if set(patch) != {"path"}:
            raise KustomizeError(f"{directory}: only `patches: - path:` is implemented")
        docs = apply_patch(docs, load_documents(directory / patch["path"]), directory)
    if "namespace" in spec:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = spec["namespace"]
    for label in spec.get("labels", []):
        if label.get("includeSelectors") or label.get("includeTemplates"):
            raise KustomizeError(f"{directory}: only labels on metadata are implemented")
        for doc in docs:
            doc["metadata"].setdefault("labels", {}).update(label["pairs"])
    for image in spec.get("images", []):
        for doc in docs:
            set_image(doc, image)
    return docs


def key(doc: Doc) -> tuple[str, str]:
    return doc["kind"], doc["metadata"]["name"]


def check_unique(docs: list[Doc], directory: Path) -> None:
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        if key(doc) in seen:
            raise KustomizeError(f"{directory}: {key(doc)} defined twice")
        seen.add(key(doc))


def apply_patch(docs: list[Doc], patch_docs: list[Doc], directory: Path) -> list[Doc]:
    if len(patch_docs) != 1:
        raise KustomizeError(f"{directory}: one patch per file")
    [patch] = patch_docs
    matches = [d for d in docs if key(d) == key(patch)]
    if not matches:
        raise KustomizeError(f"{directory}: no resource {key(patch)} to patch")
    if patch.get("$patch") == "delete":
        return [d for d in docs if key(d) != key(patch)]
    merged = merge(matches[0], patch)
    return [merged if key(d) == key(patch) else d for d in docs]


def merge(base: Any, patch: Any, field: str = "") -> Any:
    """Strategic merge of `patch` onto `base` (the subset described above)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        result = copy.deepcopy(base)
        for name, value in patch.items():
            if value is None:
                result.pop(name, None)
            elif name in result:
                result[name] = merge(result[name], value, name)
            else:
                result[name] = copy.deepcopy(value)
        return result
    if field in MERGE_BY_NAME and isinstance(base, list) and isinstance(patch, list):
        result = copy.deepcopy(base)
        for item in patch:
            index = next((i for i, b in enumerate(result) if b["name"] == item["name"]), None)
            if index is None:
                result.append(copy.deepcopy(item))
            else:
                result[index] = merge(result[index], item)
        return result
    return copy.deepcopy(patch)


def pod_spec(doc: Doc) -> dict[str, Any] | None:
    for path in POD_SPEC_PATHS:
        node: Any = doc
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node
    return None


def image_name(reference: str) -> str:
    """`registry:5000/org/app:tag@sha256:...` -> `registry:5000/org/app`."""
    reference = reference.split("@")[0]
    if ":" in reference.rsplit("/", 1)[-1]:
        reference = reference.rsplit(":", 1)[0]
    return reference


def set_image(doc: Doc, image: dict[str, str]) -> None:
    """kustomize's images transformer: match the image name without tag or digest."""
    spec = pod_spec(doc)
    if spec is None:
        return
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        name = image_name(container["image"])
        if name != image["name"]:
            continue
        new = image.get("newName", name)
        if "digest" in image:
            container["image"] = f"{new}@{image['digest']}"
        elif "newTag" in image:
            container["image"] = f"{new}:{image['newTag']}"
        else:
            container["image"] = new
