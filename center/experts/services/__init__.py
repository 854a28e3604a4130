"""Every write to the expert pool, one module per noun (each a `@service`, one unit of work, checking the
starting state, raising ApplicationError with nothing changed, writing its audit entry; ID numbers, phones and
bank accounts never reach the audit trail in clear: `audit_log` masks them by field name):

- organisations: employers and applicant organisations
- pool: experts (records, profiles, the yearly refresh, the lifecycle, reveals)
- imports: the bulk .xlsx import
- calls: recruitment calls and the vetting of applications to them
- relations: declared ties
- activities: expert committee activities

The names imported elsewhere are re-exported here: `from center.experts import services` keeps working.
"""

from .activities import (
    activity_create,
)
from .calls import (
    application_first_check,
    application_review,
    call_create,
    call_publish,
    calls_published_count,
    expert_apply,
)
from .imports import (
    IMPORT_COLUMNS,
    ImportReport,
    expert_import_xlsx,
)
from .organisations import (
    organisation_get_or_create,
)
from .pool import (
    AUDITED,
    EXPERT_SERVICES,
    PROFILE_FIELDS,
    PROFILE_VALID_DAYS,
    REVEALABLE,
    expert_admit,
    expert_apply_state,
    expert_confirm_profile,
    expert_create,
    expert_reveal,
    expert_set_state,
    expert_suspend,
    expert_transition,
    expert_update,
    expert_withdraw,
    profile_due,
    require_state,
    search_text,
)
from .relations import (
    relation_add,
)

__all__ = [
    "organisation_get_or_create",
    "AUDITED",
    "PROFILE_FIELDS",
    "PROFILE_VALID_DAYS",
    "search_text",
    "expert_create",
    "expert_update",
    "expert_confirm_profile",
    "profile_due",
    "require_state",
    "expert_set_state",
    "expert_apply_state",
    "expert_transition",
    "expert_admit",
    "expert_suspend",
    "expert_withdraw",
    "EXPERT_SERVICES",
    "REVEALABLE",
    "expert_reveal",
    "IMPORT_COLUMNS",
    "ImportReport",
    "expert_import_xlsx",
    "call_create",
    "call_publish",
    "calls_published_count",
    "expert_apply",
    "application_first_check",
    "application_review",
    "relation_add",
    "activity_create",
]
