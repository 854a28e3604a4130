"""The public face of budget control for the other areas: how an event, a review round or a platform's
activity raises money (a prior application that freezes a quota and starts its approval chain) and gives it
back when the matter is called off. Other areas import this module only, never control's services or models.

Each call joins the caller's unit of work: a refusal here (no quota, not enough left, a standard exceeded)
rolls the caller's action back with it.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from center.core.errors import ApplicationError
from center.core.notifications import notify

from .enums import REQUIRED_ECONOMIC_CODE
from .models import Application, Quota


def request(
    *, applicant, app_type: str, title: str, year: int, lines, details: dict | None = None
) -> Application:
    """Submit a prior application in `applicant`'s name for `lines` [(quota id, amount)]. Returns it."""
    from .services import application_submit

    return application_submit(
        actor=applicant, app_type=app_type, title=title, year=year, lines=lines, details=details or {}
    )


def request_for_item(
    *, applicant, item, year: int, amount: Decimal, app_type: str, title: str, details: dict | None = None
) -> Application:
    """Submit a prior application for `amount` on the quota of budget item `item` for `year` with the most
    left (quotas that only a specific economic code may use are skipped), or refuse clearly when none has
    enough."""
    quota = (
        Quota.objects.filter(item=item, year=year, available__gte=amount)
        .exclude(economic__code__in=REQUIRED_ECONOMIC_CODE.values())
        .order_by("-available")
        .first()
    )
    if quota is None:
        raise ApplicationError(
            _("预算项目“%(item)s”没有 %(year)d 年可用余额不少于 %(cost)s 元的指标，不能批准立项。")
            % {"item": item.name, "year": year, "cost": f"{amount:,.2f}"},
            {"field": "planned_cost"},
        )
    return request(
        applicant=applicant,
        app_type=app_type,
        title=title,
        year=year,
        lines=[(quota.pk, amount)],
        details=details,
    )


def cancel(*, actor, number: str, reason: str, matter: str) -> bool:
    """The matter (`matter`: its title) was called off: cancel its application and release what it froze
    when `actor` may (its applicant, or the head of its department, with nothing claimed yet); otherwise tell
    the applicant to do it. Returns whether the money was released."""
    from .rules import CANCELLABLE, may_cancel
    from .services import application_cancel

    app = Application.objects.filter(number=number).first() if number else None
    if app is None or app.state not in CANCELLABLE:
        return False
    if may_cancel(actor, app):
        application_cancel(actor=actor, application_id=app.pk, reason=reason)
        return True
    notify(
        [app.applicant],
        title=lambda: _("活动已取消，请处理事前申请 %(no)s") % {"no": app.number},
        body=lambda: (
            _("“%(t)s”已取消。请作废该申请以释放冻结的指标（已有报销或借款的，请先撤回）。") % {"t": matter}
        ),
        link=link(app),
    )
    return False


def link(app: Application) -> str:
    """The address of an application's page."""
    from .approvals import doc_link

    return doc_link(app)
