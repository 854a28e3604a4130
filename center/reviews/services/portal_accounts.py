"""Drawn experts need a portal account to answer and score: the invitation creates or links it and, for an
account never activated, sends a set-password link with the invitation (same unit of work; e-mail after commit)."""

from center.accounts.services import portal_account_for
from center.accounts.tokens import set_password_link
from center.experts.models import Expert


def ensure_portal_accounts(picks, actor=None) -> dict[int, str]:
    """Link or create the portal account of each invited pick's expert. Returns user id → activation link for
    the accounts that have no password yet."""
    links = {}
    for pick in picks:
        expert = pick.expert
        if expert.user_id is None:
            taken = Expert.objects.exclude(user=None).values_list("user_id", flat=True)
            user = portal_account_for(
                actor=actor, email=expert.email, full_name=expert.name, exclude_ids=taken
            )
            if user is None:
                continue
            # a conditional update: an expert linked meanwhile keeps their account
            if not Expert.objects.filter(pk=expert.pk, user=None).update(user=user):
                continue
            expert.user = user
        user = expert.user
        if user.is_active and not user.has_usable_password():
            links[user.pk] = set_password_link(user)
    return links
