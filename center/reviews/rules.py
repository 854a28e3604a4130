"""Who may do what in the review area: page/API policies (those of the expert pool: 专家服务部 runs reviews)
and object rules. Services `require(...)` the rules; views and templates ask the same rule; the API imports
the policies from here, never from views.py."""

from django.utils.translation import gettext_lazy as _

from center.core.rules import rule
from center.experts import rules as pool

# Page/API policies: the review pages are the office's, like the pool's.
READERS = pool.READERS
WRITERS = pool.WRITERS
APPROVERS = pool.APPROVERS
FEE_READERS = pool.FEE_READERS
in_office = pool.in_office
sees_office_data = pool.sees_office_data


@rule("reviews.write", _("只有专家服务部的经办人或部门负责人可以操作。"))
def can_write(user, _obj=None) -> bool:
    """Set up rounds, groups and rules, run the draw, record answers, resolve flags, compute fees."""
    return pool.can_write(user)


@rule("reviews.approve", _("只有专家服务部负责人或分管领导可以确认评审结果。"))
def can_approve(user, _obj=None) -> bool:
    return pool.can_approve(user)


@rule("reviews.publish_notice", _("无权发布公示。"))
def can_publish_notice(user, _obj=None) -> bool:
    return pool.can_approve(user) or pool.can_write(user)


@rule("reviews.answer_invitation", _("邀请不存在。"), hide=True)
def can_answer_invitation(user, pick) -> bool:
    """The invited expert (portal); another expert sees nothing. Office staff answer on the expert's word
    under `reviews.write`."""
    if getattr(user, "is_external", False):
        return pick.expert.user_id == user.pk
    return True


@rule("reviews.second_seed_part", _("第二个种子值须由另一名工作人员录入。"))
def can_enter_second_seed_part(user, draw) -> bool:
    """Two staff seed values come from two different people."""
    return draw.seed_parts.get("first_by") != user.pk


@rule("reviews.read_fees", _("页面不存在。"), hide=True)
def can_read_fees(user, scope) -> bool:
    """The fees page: finance, or the office's readers."""
    return user.has_role("finance") or pool.sees_office_data(user, scope)
