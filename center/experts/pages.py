"""What the public recruitment-call pages depend on (center.core.pagecache)."""

from center.core.pagecache import depends_on

CALLS = "experts.calls"


def register() -> None:
    from .models import RecruitmentCall

    depends_on(RecruitmentCall, lambda _call: [CALLS])
