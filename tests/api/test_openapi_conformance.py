"""The served OpenAPI document is a contract the server keeps: schemathesis runs every check
(status codes and headers documented, bodies conform to their schemas, schema-valid
requests accepted and invalid ones refused, 405 with Allow for other methods) through the
examples, fuzzing, coverage and stateful phases, as a free user and as an admin."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cleanup import cancel_open_work
from tests.support.fixtures import Account, promote_to_admin
from tests.support.processes import ApiServer

CONFIG = Path(__file__).with_name("schemathesis.toml")  # each narrowing with its reason
SEED = 20261204
MAX_EXAMPLES = 5  # per operation and phase: about 7,000 cases a role in about a minute
MIN_CASES = 1000  # per role; the two roles together run at least 2,000
# Left out, each for a reason of the shared test session rather than of the document:
# streams never end on their own (tests/realtime); the admin scale, requeue and cleanup
# routes act on the workers every other test shares (tests/ops, tests/tasks); logout and a
# password change end the run's own token (tests/faults/test_credentials.py).
EXCLUDED = "(/events$)|(/admin/(scale|requeue|cleanup)$)|(/auth/(logout|password)$)"


@pytest.mark.parametrize("role", ["free", "admin"])
def test_the_server_keeps_its_openapi_document(role: str, make_account: Callable[..., Account],
                                               api_server: ApiServer, tmp_path: Path) -> None:
    cli = Path(sys.executable).with_name("schemathesis")
    if not cli.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    account = make_account("free")
    if role == "admin":
        promote_to_admin(account.user_id)
    print(f"schemathesis seed {SEED}, role {role}")
    try:
        answer = _run(cli, api_server, account, tmp_path)
    finally:  # generated submits may ask for minutes of rendering on the shared workers
        cancel_open_work(account)
    (tmp_path / "schemathesis.txt").write_text(answer.stdout)
    tail = answer.stdout[-12000:]
    assert (tmp_path / "events.ndjson").exists(), tail  # the run started at all
    cases, failures = _counts(tmp_path / "events.ndjson")
    print(f"{role}: {cases} generated cases, {len(failures)} failures, seed {SEED}")
    assert not failures, sorted(failures)
    assert answer.returncode == 0, tail
    assert cases >= MIN_CASES, tail


def _run(cli: Path, api_server: ApiServer, account: Account,
         tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cli), "--config-file", str(CONFIG), "run",
         f"{api_server.base_url}/api/v1/openapi.json",
         "-H", f"Authorization: Bearer {account.token}",
         "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
         "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "2",
         "--exclude-path-regex", EXCLUDED, "--request-timeout", "30",
         "--report", "ndjson", "--report-ndjson-path", str(tmp_path / "events.ndjson"),
         "--no-color"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
        cwd=tmp_path)


def _counts(events: Path) -> tuple[int, set[str]]:
    """(generated cases, the distinct failures: operation, check and message) from the
    run's NDJSON events."""
    cases, failures = 0, set()
    for line in events.read_text().splitlines():
        recorder = json.loads(line).get("ScenarioFinished", {}).get("recorder", {})
        cases += len(recorder.get("cases", {}))
        for checks in recorder.get("checks", {}).values():
            for check in checks:
                if "fail" in str(check.get("status")).lower():
                    failure = (check.get("failure_info") or {}).get("failure", {})
                    failures.add(f"{failure.get('operation')} {check['name']}: "
                                 f"{str(failure.get('message')).splitlines()[0]}")
    return cases, failures
