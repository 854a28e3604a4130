"""Walking the URL × role table (tests/url_roles.py): the accounts, the objects each page is opened on, and
who the table allows. Shared by the access test and the hostile-input test."""

from django.urls import reverse

from center.core.files import attachment_create
from tests.url_roles import AREA_OBJECT_FACTORIES

# One account per role, plus both kinds of external account and the anonymous visitor.
ACCOUNTS = [
    "director",
    "deputy1",
    "head_gen",
    "head_exp",
    "finance",
    "cashier",
    "auditor",
    "staff_gen",
    "staff_exp",
    "sysadmin",
    "expert",
    "orgcontact",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def allowed(spec, user) -> bool:
    audience = spec["audience"]
    if audience == "public":
        return True
    if user is None:
        return False
    if audience == "signed_in":
        return True
    if audience == "external":
        return user.is_external
    if not user.is_staff_account:
        return False
    roles = spec.get("roles")
    return roles is None or bool(user.role_codes & roles)


def build_objects(org) -> dict:
    """One object of every kind a page is opened on, built for the `org` fixture's accounts."""
    exp_attachment = attachment_create(actor=org["staff_exp"], name="会议纪要.pdf", data=PDF)
    found = {
        "exp_attachment": {"pk": exp_attachment.pk},
        "any_pk": {"pk": 999999},
        "staff_user": {"pk": org["staff_gen"].pk},
        "uid_token": {"uidb64": "MQ", "token": "not-a-token"},  # a stale one-time link
    }
    for factory in AREA_OBJECT_FACTORIES:
        found.update(factory(org))
    return found


def url_for(name, spec, objects):
    if name == "api_docs":
        return reverse("api:openapi-view")
    return reverse(name, kwargs=objects[spec["kwargs"]] if "kwargs" in spec else None)
