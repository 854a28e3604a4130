"""Invitations of drawn experts: answers, expiry, and the next backup invited when a place opens."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.errors import ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .. import drawing, rules
from ..enums import (
    INVITATION,
    CreditKind,
    PickState,
)
from ..models import (
    Assignment,
    Draw,
    DrawPick,
)
from .common import _require_writer, credit_config, require_state
from .credit import _credit, _lock_expert
from .draw import _notify_invited


def _panel_rows(draw) -> list:
    active = draw.picks.filter(state__in=[PickState.INVITED, PickState.ACCEPTED]).values_list(
        "expert_id", flat=True
    )
    by_id = {row[0]: row for row in draw.pool}
    return [by_id[e] for e in active]


def _advance(draw: Draw, now) -> DrawPick | None:
    """Invite the next backup (in rank order) that keeps the panel's composition rules, if a place is open."""
    panel = _panel_rows(draw)
    if len(panel) >= draw.params["size"]:
        return None
    by_id = {row[0]: row for row in draw.pool}
    waiting = list(draw.picks.filter(state=PickState.WAITING).order_by("rank"))
    nxt = next((p for p in waiting if drawing.fits(panel, by_id[p.expert_id], draw.params)), None)
    nxt = nxt or (waiting[0] if waiting else None)
    if nxt is None:
        return None
    return invite(nxt, now)


def invite(pick: DrawPick, now=None) -> DrawPick:
    """Invite a waiting backup (its place opened): a deadline to answer, a notification, the audit entry."""
    now = now or timezone.now()
    require_state(INVITATION, pick, "invite", _("该邀请已答复或已失效。"))
    rnd = pick.draw.group.round
    pick.invited_at, pick.respond_by = now, now + timedelta(hours=rnd.invite_hours)
    INVITATION.apply(
        pick,
        "invite",
        fields=["invited_at", "respond_by"],
        extra={"draw": pick.draw_id, "rank": pick.rank, "expert": pick.expert_id},
    )
    _notify_invited([pick], rnd)
    return pick


@service
def invitation_respond(*, actor, pick_id: int, accept: bool) -> DrawPick:
    """The expert (portal) or office staff (on the expert's word) answers an invitation."""
    pick = lock_one(DrawPick.objects.select_related("draw__group__round", "expert").filter(pk=pick_id))
    if pick is None:
        raise NotFoundError(_("邀请不存在。"))
    require(rules.can_answer_invitation, actor, pick)
    if not actor.is_external:
        _require_writer(actor)
    verb = "accept" if accept else "decline"
    require_state(INVITATION, pick, verb, _("该邀请已答复或已失效。"))
    now = timezone.now()
    if pick.respond_by and now > pick.respond_by:
        raise ConflictError(_("答复期限已过。"))
    pick.responded_at = now
    INVITATION.apply(
        pick, verb, actor=actor, fields=["responded_at"], extra={"draw": pick.draw_id, "rank": pick.rank}
    )
    if accept:
        Assignment.objects.get_or_create(group=pick.draw.group, expert=pick.expert, defaults={"pick": pick})
    else:
        _advance(pick.draw, now)
    return pick


def invitations_sweep(now=None) -> int:
    """Expire unanswered invitations past their deadline and invite the next backups. Returns how many expired.

    Each invitation is its own unit of work (one that fails leaves the others expired)."""
    now = now or timezone.now()
    n = 0
    for pick_id in DrawPick.objects.filter(state=PickState.INVITED, respond_by__lt=now).values_list(
        "pk", flat=True
    ):
        n += invitation_expire(pick_id=pick_id, now=now)
    return n


@service
def invitation_expire(*, pick_id: int, now=None) -> int:
    """Expire one unanswered invitation past its deadline (the expert loses credit) and invite the next backup.
    Returns 1 when it expired, 0 when it had been answered meanwhile."""
    now = now or timezone.now()
    expert_id = DrawPick.objects.filter(pk=pick_id).values_list("expert_id", flat=True).first()
    if expert_id is None:
        return 0
    expert = _lock_expert(expert_id)  # the expert (master data) before the pick (a task)
    pick = lock_one(DrawPick.objects.select_related("draw__group__round").filter(pk=pick_id))
    if not INVITATION.allows(pick, "expire") or not (pick.respond_by and pick.respond_by < now):
        return 0  # answered meanwhile: nothing to expire
    INVITATION.apply(
        pick, "expire", extra={"draw": pick.draw_id, "rank": pick.rank, "expert": pick.expert_id}
    )
    _credit(
        expert,
        actor=None,
        kind=CreditKind.DECLINED_LATE,
        points=credit_config()["expired"],
        round_id=pick.draw.group.round_id,
    )
    _advance(pick.draw, now)
    return 1
