"""Every write of the review area, one module per sub-domain (each a `@service`, one unit of work, with its
audit entry; rows locked through center.core.locks in the declared order: experts, then the round or group,
then documents, then tasks):

- rounds: rounds, score sheets, groups and their rules, applications and their formal check
- draw: the verifiable draw (pool fixed and hashed, seed, picks)
- invitations: answers, expiry, the next backup
- scoring: the pledge and conflicts, score sheets (the expert portal)
- results: aggregation, flags, approval
- notice: the public notice (公示) and objections
- credit: experts' credit and staff ratings
- fees: expert fees and their funding through budget control

The names imported elsewhere are re-exported here: `from center.reviews import services` keeps working.
"""

from .common import (
    CREDIT_DEFAULTS,
    GROUP_RULE_FIELDS,
    RULE_LABELS,
    credit_config,
    require_state,
    rule_label,
)
from .credit import (
    assignment_rate,
    credit_event_add,
)
from .draw import (
    DrawRefused,
    draw_enter_seed,
    draw_fix_pool,
    draw_record,
    draw_verify,
    draw_void,
)
from .fees import (
    round_fees_compute,
    round_fees_request_funding,
)
from .invitations import (
    invitation_expire,
    invitation_respond,
    invitations_sweep,
    invite,
)
from .notice import (
    notice_changes,
    notice_publish,
    notice_rows,
    objection_answer,
    objection_submit,
)
from .results import (
    flag_resolve,
    round_approve,
    round_compute,
)
from .rounds import (
    application_add_document,
    application_create,
    application_formal_check,
    criterion_add,
    group_create,
    group_update_rules,
    round_create,
)
from .scoring import (
    assignment_sign,
    document_downloaded,
    sheet_get_for_expert,
    sheet_open,
    sheet_save_draft,
    sheet_submit,
)

__all__ = [
    "GROUP_RULE_FIELDS",
    "RULE_LABELS",
    "CREDIT_DEFAULTS",
    "credit_config",
    "rule_label",
    "require_state",
    "round_create",
    "criterion_add",
    "group_create",
    "group_update_rules",
    "application_create",
    "application_formal_check",
    "application_add_document",
    "DrawRefused",
    "draw_fix_pool",
    "draw_void",
    "draw_enter_seed",
    "draw_record",
    "draw_verify",
    "invite",
    "invitation_respond",
    "invitations_sweep",
    "invitation_expire",
    "assignment_sign",
    "sheet_get_for_expert",
    "document_downloaded",
    "sheet_open",
    "sheet_save_draft",
    "sheet_submit",
    "round_compute",
    "flag_resolve",
    "round_approve",
    "notice_rows",
    "notice_changes",
    "notice_publish",
    "objection_submit",
    "objection_answer",
    "credit_event_add",
    "assignment_rate",
    "round_fees_compute",
    "round_fees_request_funding",
]
