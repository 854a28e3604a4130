"""The URL × role matrix for the experts and reviews areas alone (the full matrix in tests/core walks every
area; this one lets the area be checked while other areas are still being built)."""

import pytest
from django.test import Client

from tests.experts import url_roles as experts_roles
from tests.reviews import url_roles as reviews_roles
from tests.url_walk import ACCOUNTS, allowed, url_for

pytestmark = pytest.mark.django_db

EXPECTATIONS = experts_roles.EXPECTATIONS | reviews_roles.EXPECTATIONS


def test_area_url_matrix(org):
    objects = {"any_pk": {"pk": 999999}} | experts_roles.objects(org) | reviews_roles.objects(org)
    failures = []
    for account in [None, *ACCOUNTS]:
        user = org[account] if account else None
        client = Client()
        if user:
            client.force_login(user)
        for name, spec in EXPECTATIONS.items():
            response = client.get(url_for(name, spec, objects))
            code = response.status_code
            to_login = code == 302 and "/accounts/login/" in response.get("Location", "")
            if allowed(spec, user):
                sees = spec.get("sees")
                ok = (
                    code == 404
                    if sees is not None and account not in sees
                    else code not in (401, 403, 404) and not to_login
                )
            elif user is None:
                ok = to_login
            else:
                ok = code == 403
            if not ok:
                failures.append(f"{name} as {account or 'anonymous'}: got {code}")
    assert failures == []
