"""Every write of the events area, by sub-domain (one module each). Each write is a `@service` (one unit of
work: center.core.services): it checks the starting state, raises an ApplicationError subclass when refused
(nothing changed) and writes an audit entry.

- `lifecycle`: event types, planning and editing an event, its lifecycle (`SERVICES_BY_VERB`);
- `funding`: the event's money, through `center.control.funding` only;
- `registration`: the registration form, registrations, the seat, the waiting list;
- `checkin`: tickets at the door and walk-ins;
- `survey`: the satisfaction survey and rule;
- `report`: the event's report, cost lines, photos;
- `roadshows`: project applications, scores, selection, investors, outcomes;
- `base`: what they share (locking an event, contacts, uploads, e-mails, amounts).

Lock order (center.core.locks; prevents deadlocks between registration, cancellation, check-in and the
money of approval and cancellation): the event row first (`lock_one`, or the seat's conditional
`locked_update`), then the event's counters, then its registrations, then what budget control locks (its
documents, the quotas), the audit chain head last (appended at the unit's end). A registration is changed
only under its event's row lock, so what a service reads of it after locking the event stays true.

The names below are re-exported so that `from center.events import services` keeps working everywhere.
"""

from ..rules import can_approve, is_organiser
from ..tickets import CODE_ALPHABET, CODE_LENGTH, QR_PREFIX, parse_ticket
from ..tickets import random_code as _random_code
from .base import MAX_TEXT, UploadedFile, normalise_email, normalise_phone
from .checkin import checkin, checkin_closed_reason, checkin_window, walkin_register
from .funding import event_request_funding
from .lifecycle import (
    EVENT_AUDITED_FIELDS,
    EVENT_EDITABLE_FIELDS,
    EVENT_REQUIRED_FIELDS,
    SERVICES_BY_VERB,
    event_approve,
    event_cancel,
    event_close,
    event_close_registration,
    event_create,
    event_mark_held,
    event_open_registration,
    event_publish,
    event_report,
    event_submit,
    event_type_save,
    event_update,
)
from .registration import (
    form_field_add,
    form_field_remove,
    registration_by_token,
    registration_cancel,
    registration_create,
    registration_decide,
    registration_submit,
    registrations_erase_expired,
    retention_days,
)
from .report import REPORT_STATES, cost_line_add, cost_line_remove, photo_add, report_save
from .roadshows import investor_add, outcome_add, roadshow_apply, roadshow_decide, roadshow_score
from .survey import (
    _recompute_satisfaction,
    satisfaction_of,
    survey_close,
    survey_open,
    survey_question_add,
    survey_question_remove,
    survey_set_rule,
    survey_submit,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "EVENT_AUDITED_FIELDS",
    "EVENT_EDITABLE_FIELDS",
    "EVENT_REQUIRED_FIELDS",
    "MAX_TEXT",
    "QR_PREFIX",
    "REPORT_STATES",
    "SERVICES_BY_VERB",
    "UploadedFile",
    "_random_code",
    "_recompute_satisfaction",
    "can_approve",
    "checkin",
    "checkin_closed_reason",
    "checkin_window",
    "cost_line_add",
    "cost_line_remove",
    "event_approve",
    "event_submit",
    "event_cancel",
    "event_close",
    "event_close_registration",
    "event_create",
    "event_mark_held",
    "event_open_registration",
    "event_publish",
    "event_report",
    "event_request_funding",
    "event_type_save",
    "event_update",
    "form_field_add",
    "form_field_remove",
    "investor_add",
    "is_organiser",
    "normalise_email",
    "normalise_phone",
    "outcome_add",
    "parse_ticket",
    "photo_add",
    "registration_by_token",
    "registration_cancel",
    "registration_create",
    "registration_decide",
    "registration_submit",
    "registrations_erase_expired",
    "retention_days",
    "report_save",
    "roadshow_apply",
    "roadshow_decide",
    "roadshow_score",
    "satisfaction_of",
    "survey_close",
    "survey_open",
    "survey_question_add",
    "survey_question_remove",
    "survey_set_rule",
    "survey_submit",
    "walkin_register",
]
