"""Drawn experts can score: inviting a drawn expert without a portal account creates (or links) one and sends a
set-password link with the invitation; the expert sets a password and finds the review in the portal."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from center.accounts.models import User
from center.core.models import AuditEntry
from center.experts.models import Expert
from center.reviews import services
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "Harbour#Light2026"


def _draw(org):
    staff = org["staff_exp"]
    for _ in range(6):
        f.expert()
    rnd, group, _app = f.round_with_group(staff, size=2, backups=1, max_per_org=2)
    draw = services.draw_fix_pool(actor=staff, group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=staff, draw_id=draw.pk, source="public", value="7", description="测试"
    )
    return rnd, draw


def _link(mail) -> str:
    url = urlsplit(re.search(r"https?://\S+", mail.body).group(0))
    return url.path


def test_draw_invite_activate_and_score(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rnd, draw = _draw(org)
    invited = list(draw.picks.filter(state="invited").select_related("expert__user"))
    assert invited and all(p.expert.user_id for p in invited)  # every invited expert has an account now
    for p in invited:
        assert p.expert.user.is_external and p.expert.user.email == p.expert.email
        assert not p.expert.user.has_usable_password()
    waiting = draw.picks.filter(state="waiting").select_related("expert")
    assert all(p.expert.user_id is None for p in waiting)  # backups get one when they are invited
    assert AuditEntry.objects.filter(action="accounts.user.created", extra__by="invitation").count() == len(
        invited
    )

    pick = invited[0]
    [mail] = [m for m in mailoutbox if m.to == [pick.expert.email]]
    assert rnd.title in mail.subject and pick.expert.user.username in mail.body
    c = Client()
    form_url = c.get(_link(mail))["Location"]
    assert c.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(
        action="accounts.user.activated_by_link", target_id=str(pick.expert.user_id)
    )
    r = c.post(reverse("accounts:login"), {"username": pick.expert.user.username, "password": PASSWORD})
    assert r.status_code == 302
    portal = c.get(reverse("reviews:portal_home")).content.decode()
    assert rnd.title in portal
    # accept the invitation, then the scoring task is there
    services.invitation_respond(actor=pick.expert.user, pick_id=pick.pk, accept=True)
    from center.reviews.models import Assignment

    assignment = Assignment.objects.get(expert=pick.expert)
    home = c.get(reverse("reviews:portal_home")).content.decode()
    assert reverse("reviews:portal_assignment", args=[assignment.pk]) in home
    assert c.get(reverse("reviews:portal_assignment", args=[assignment.pk])).status_code == 200


def test_an_existing_external_account_with_the_experts_email_is_linked(org, mailoutbox):
    user = org["orgcontact"]
    staff = org["staff_exp"]
    for _ in range(6):
        f.expert()
    rnd, group, _app = f.round_with_group(staff, size=2, backups=1, max_per_org=2)
    draw = services.draw_fix_pool(actor=staff, group_id=group.pk)
    chosen = Expert.objects.get(pk=draw.pool[0][0])
    user.email = chosen.email.upper()
    user.set_password(PASSWORD)
    user.save()
    # make the seed invite this expert whatever the draw says: re-run invitation on the pick directly
    from center.reviews.services.portal_accounts import ensure_portal_accounts

    pick = type("P", (), {"expert": chosen})()
    links = ensure_portal_accounts([pick])
    chosen.refresh_from_db()
    assert chosen.user_id == user.pk and links == {}  # linked; it has a password, so no activation link
    assert User.objects.filter(email__iexact=chosen.email).count() == 1
