"""Issue 15 item 6: schemathesis over the API's OpenAPI schema, as the owner, the dispatcher
and a client contact. Every operation gets a bounded number of generated requests (fixed
seed: the same requests every run); the checks are: no 5xx, only statuses the schema
documents for that operation, bodies and content types as documented.

``FUZZ_EXAMPLES`` (environment) raises the number of requests per operation for a deeper run
by hand; CI keeps the default, which stays under a minute on SQLite."""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
SEED = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema() -> Any:
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _operations() -> list[Any]:
    out = []
    for result in _schema().get_all_operations():
        out.append(result.ok())
    return out


def _fuzz(token: str) -> list[str]:
    """Every operation, EXAMPLES requests each; the failures as readable lines."""
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    for operation in _operations():
        strategy = operation.as_strategy()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.seed(SEED)
        @given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all
                text = str(exc) if response.status_code >= 500 else str(exc).splitlines()[0]
                failures.append(
                    f"{operation.method.upper()} {operation.path} -> {response.status_code}: "
                    f"{text[:2000]}"
                )

        run()
    return failures


@pytest.fixture
def keep_connection() -> Any:
    """Requests go through the WSGI app, whose request signals close the database
    connection (and with it the test's transaction on PostgreSQL); Django's test client
    disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["olivia", "dan", "hana"])
def test_the_api_answers_every_generated_request_as_documented(
    full_demo, api_token, keep_connection, persona
):
    failures = _fuzz(api_token(persona))
    assert not failures, "\n".join(sorted(set(failures)))
