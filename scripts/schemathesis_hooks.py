"""Schemathesis hooks for scripts/schemathesis.sh.

The specs' idempotency headers (`x-jiko-idempotency`, `X-Idempotency-Key`) are documented in
prose as a fresh UUID v4 per request; their schema only says `format: uuid`, so schemathesis
reuses one generated value across unrelated requests, which the stateful mock rightly answers
as a reused key. This hook gives every request a fresh key, as a real client does. A value that
is not a UUID (a negative test of the header) and a missing header are left as generated.
"""

import uuid

import schemathesis

IDEMPOTENCY_HEADERS = {"x-jiko-idempotency", "x-idempotency-key", "idempotency-key"}


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return len(str(value)) == 36


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() in IDEMPOTENCY_HEADERS and _is_uuid(headers[name]):
            headers[name] = str(uuid.uuid4())
