"""Every write of the internal-control evaluation (one unit of work each, audited)."""

from .evaluations import (  # noqa: F401
    evaluation_approve,
    evaluation_create,
    evaluation_return,
    evaluation_submit,
    item_score,
)
