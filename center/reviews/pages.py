"""What the public review-notice pages depend on (center.core.pagecache): the notices, their round, the
round's applications (codes and titles) and the answered objections."""

from center.core.pagecache import depends_on

NOTICES = "reviews.notices"


def register() -> None:
    from .models import Application, Objection, PublicNotice, ReviewRound

    for model in (PublicNotice, Objection, ReviewRound, Application):
        depends_on(model, lambda _row: [NOTICES])
