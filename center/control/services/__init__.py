"""Every write of budget control. Each is a `@service` (one unit of work): it happens completely or not at all.

Lock order, always (center.core.locks checks it under test settings): the document rows (the claim, then
the application it is against, then the advance it clears) → approval tasks → quota rows (in id order, one
call per unit) → the audit chain head, appended at the unit's end.

A package by sub-domain (quotas, applications, reimbursements, payments, advances); every name other
modules and tests import from `center.control.services` is re-exported here.
"""

from ..models import Application  # noqa: F401 (tests/control/test_stateful.py reads it here)
from ..rules import CANCELLABLE  # noqa: F401
from ._base import (  # noqa: F401
    ZERO,
    _finalize_number,
    _insert,
    settings_for,
)
from .advances import (  # noqa: F401
    _lock_advance,
    advance_act,
    advance_pay,
    advance_submit,
    advance_withdraw,
)
from .applications import (  # noqa: F401
    OUTCOME_VERB,
    _attachment_of,
    _check_dates,
    _check_lines,
    _check_standard,
    _check_type_codes,
    _decide,
    _foreign,
    _freeze,
    _freeze_reviewed,
    _lock_application,
    _notify_cashiers,
    _owners,
    _parse_lines,
    _people_days,
    _read_quotas,
    _release_application,
    _require_applicant,
    _reviewers,
    _split,
    _withdraw,
    application_act,
    application_attach_minutes,
    application_cancel,
    application_expire,
    application_resubmit,
    application_submit,
    application_withdraw,
    applications_expire,
    can_cancel_application,
    compatible_quotas,
)
from .inbox import (  # noqa: F401, E402
    BulkResult,
    approvals_bulk_approve,
    bulk_refusal,
    chase_state,
    document_chase,
    notifications_link_tasks,
    pending_step,
    working_hours_between,
)
from .payments import (  # noqa: F401
    _check_payer,
    payment_record,
)
from .quotas import (  # noqa: F401
    _check_warnings,
    adjustment_approve,
    adjustment_create,
    quota_set_control_level,
    quotas_issue_from_budget,
)
from .reimbursements import (  # noqa: F401
    _lock_reimbursement,
    _release_reimbursement,
    _store_invoices,
    reimbursement_act,
    reimbursement_resubmit,
    reimbursement_submit,
    reimbursement_withdraw,
)
