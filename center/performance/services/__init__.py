"""Every write of the performance area (rule 5: one unit of work each, audited)."""

from .evaluations import (
    evaluation_approve,
    evaluation_line_set,
    evaluation_open,
    evaluation_return,
    evaluation_score,
    evaluation_submit,
    evaluation_update,
    rule_for_year,
    rule_save,
)
from .indicators import binding_set, bindings_suggest, record_accept, record_add, value_add

__all__ = [
    "binding_set",
    "bindings_suggest",
    "evaluation_approve",
    "evaluation_line_set",
    "evaluation_open",
    "evaluation_return",
    "evaluation_score",
    "evaluation_submit",
    "evaluation_update",
    "record_accept",
    "record_add",
    "rule_for_year",
    "rule_save",
    "value_add",
]
