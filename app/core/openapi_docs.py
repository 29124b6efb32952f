"""The words Swagger UI and ReDoc show around the operations."""

DESCRIPTION = """
**crm-dq** keeps a CRM's data trustworthy. It sits beside the CRM and offers, over PostgreSQL:

* entry-time **validation and normalisation** (email, phone, SIREN/SIRET, names, civility);
* **duplicate** lookup, batch scans and a review queue; **merge** with survivorship and undo;
* **GDPR**: subject export, anonymisation/erasure, retention sweeps, request register;
* **quality** scores per record and per dataset, with history;
* an append-only, hash-chained **audit** trail.

Errors are RFC 9457 `application/problem+json` with a stable `code`; messages follow
`Accept-Language` (French or English). Every response carries `X-Request-ID`.
"""

TAGS = [
    {"name": "health", "description": "Liveness, readiness and Prometheus metrics."},
    {
        "name": "auth",
        "description": "Tokens (password + TOTP for people, client credentials for machines) "
        "and first-time set-up.",
    },
    {"name": "users", "description": "People, roles and the governance report (`users:manage`)."},
    {"name": "service accounts", "description": "Machine identities (`users:manage`)."},
    {"name": "form keys", "description": "Publishable keys for web forms (`users:manage`)."},
    {"name": "validation", "description": "Stateless checks for web forms (`validate`)."},
    {"name": "contacts", "description": "Contacts (`records:read`, `records:write`)."},
    {"name": "companies", "description": "Companies (`records:read`, `records:write`)."},
    {"name": "duplicates", "description": "Duplicate lookup (`duplicates:read`)."},
    {
        "name": "jobs",
        "description": "Background jobs: progress, result, cancellation (`records:read`).",
    },
    {"name": "merge", "description": "Merges with survivorship, provenance and undo (`merge`)."},
    {
        "name": "webhooks",
        "description": "Signed webhooks from the CRM (inbound) and to subscribers (outbound; "
        "`webhooks:manage`).",
    },
    {
        "name": "gdpr",
        "description": "Subjects, exports, erasure, suppression, consent, requests and "
        "retention (`gdpr:export`, `gdpr:erase`, `gdpr:manage`).",
    },
    {"name": "audit", "description": "The append-only, hash-chained audit trail (`audit:read`)."},
    {
        "name": "quality",
        "description": "Record scores, the dataset report, snapshots, trend and goals, and the "
        "cleaning job (`quality:read`, `quality:manage`).",
    },
]
