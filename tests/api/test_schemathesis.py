"""Schemathesis over the OpenAPI document: for every operation, generated requests
(valid and invalid, with a valid bearer token) never get a 500, and every answer
has a status, content type, headers and body the document declares.

Three of its phases run: examples and fuzzing (generated requests), coverage
(boundary values, missing and wrong-typed fields, and methods the document does
not declare, which must be answered 405 with the Allow header), and stateful
(sequences that follow the document's links: record an episode, then read,
change and delete it by the id in the answer).

Bounded and repeatable: a fixed seed, deterministic generation, no example
database, a modest number of examples per operation, no deadline. Requests go
to the app in-process (ASGI), never over a network."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from charley.web import create_app
from tests.api.conftest import people

MAX_EXAMPLES = 40
CHECKS = [
    not_a_server_error,  # never a 500
    status_code_conformance,  # every status is one the document declares
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,  # errors have the declared {"error", "detail"} body
    negative_data_rejection,  # what the document says is invalid is refused (4xx)
    ignored_auth,  # the diary refuses requests without the token
    unsupported_method,  # a method the document does not declare is 405, with Allow
]
STATEFUL_CHECKS = [
    *CHECKS,
    use_after_free,  # a deleted episode is gone
    ensure_resource_availability,  # a recorded episode can be read at once
]
MAX_STEPS = 6
"""Requests in one stateful sequence; with MAX_EXAMPLES sequences, the run stays short."""
# Not `positive_data_acceptance`: the document cannot say everything the app checks
# (a site charley knows, a time not in the future), so valid-looking data may get a 422.
CONFIG = {
    "seed": 20250110,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
        # Unknown query parameters are ignored, as by most web servers; not a failure.
        "allow-extra-parameters": False,
    },
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": True, "max-steps": MAX_STEPS},
    },
    "checks": {
        # A body over 64 KB is refused with 413 before anything reads it.
        "negative_data_rejection": {
            "expected-statuses": ["400", "401", "404", "405", "413", "422"],
        },
    },
}

# The app's diary: only a path until the `token` fixture makes it.
FOLDER = Path(tempfile.gettempdir()) / f"charley-schemathesis-{uuid.uuid4().hex}"
APP = create_app(f"sqlite:///{FOLDER / 'diary.sqlite3'}")  # touches no database yet


def load_schema() -> Any:
    """The app's OpenAPI document, for schemathesis, with the app to send requests to."""
    loaded = schemathesis.openapi.from_dict(
        APP.openapi(), config=schemathesis.Config.from_dict(CONFIG)
    )
    loaded.app = APP  # so every request, and every check's own request, goes to the app
    return loaded


schema = load_schema()


@pytest.fixture(scope="module")
def token() -> Iterator[str]:
    """ann's token in a fresh diary. Afterwards the app's lifespan (which schemathesis
    starts with the first request) is ended, its engine disposed, and the diary removed."""
    ann, _ = people(f"sqlite:///{FOLDER / 'diary.sqlite3'}")
    try:
        yield ann
    finally:
        asgi.shutdown_lifespans()
        shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()  # type: ignore[untyped-decorator]
def test_every_operation_conforms_and_never_fails(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.fixture(scope="module")
def workflow(token: str) -> type[Any]:
    """The stateful phase's state machine, every request carrying ann's token."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs)

    return Workflow


def test_sequences_of_requests_follow_the_document(workflow: type[Any]) -> None:
    workflow.run(
        settings=hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=MAX_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
