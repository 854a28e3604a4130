"""Who may open each URL: the expectation table for tests/core/test_url_roles.py.

Written independently of the policies in the code: a view whose declared policy drifts from what the
Center's rules say fails the test. Every named URL must appear here — a new page without a line fails too.

Each entry: audience "public" | "signed_in" | "staff" | "external", optional "roles" (staff roles allowed),
optional "kwargs" (name of an object fixture in OBJECTS), optional "sees" (who may see that very object;
others allowed by role must get 404: that is the department-leak check).
"""

PUBLIC = {"audience": "public"}
SIGNED_IN = {"audience": "signed_in"}
STAFF = {"audience": "staff"}
# Business documents: never the system admin (separation of system and business duties).
BUSINESS = {"director", "deputy", "dept_head", "finance", "cashier", "auditor", "staff"}

CORE_EXPECTATIONS: dict[str, dict] = {
    "core:home": PUBLIC,
    "core:workbench": SIGNED_IN,
    "core:notifications": SIGNED_IN,
    "core:notifications_read": SIGNED_IN,
    "core:audit_list": {"audience": "staff", "roles": {"auditor", "director"}},
    "core:audit_export": {"audience": "staff", "roles": {"auditor", "director"}},
    "core:attachments": {"audience": "staff", "roles": BUSINESS},
    "core:attachment_download": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_attachment",
        # owner staff_exp; head of 专家服务部; its deputy (deputy1); unit-wide readers
        "sees": {"staff_exp", "head_exp", "deputy1", "director", "finance", "auditor"},
    },
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:signup": PUBLIC,
    "accounts:signup_sent": PUBLIC,
    "accounts:signup_verify": {"audience": "public", "kwargs": "uid_token"},
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_sent": PUBLIC,
    "accounts:password_reset_confirm": {"audience": "public", "kwargs": "uid_token"},
    "accounts:password_reset_done": PUBLIC,
    "accounts:otp_verify": SIGNED_IN,
    "accounts:two_factor_setup": STAFF,
    "accounts:two_factor_disable": STAFF,
    "accounts:password_change": SIGNED_IN,
    "accounts:profile": STAFF,
    "accounts:api_token_revoke": {"audience": "staff", "kwargs": "any_pk"},
    "accounts:delegations": STAFF,
    "accounts:delegation_revoke": {"audience": "staff", "kwargs": "any_pk"},
    "accounts:user_list": {"audience": "staff", "roles": {"sysadmin"}},
    "accounts:user_create": {"audience": "staff", "roles": {"sysadmin"}},
    "accounts:user_edit": {"audience": "staff", "roles": {"sysadmin"}, "kwargs": "staff_user"},
    "accounts:user_toggle_active": {"audience": "staff", "roles": {"sysadmin"}, "kwargs": "staff_user"},
    "accounts:user_unlock": {"audience": "staff", "roles": {"sysadmin"}, "kwargs": "staff_user"},
    "accounts:user_reset_password": {"audience": "staff", "roles": {"sysadmin"}, "kwargs": "staff_user"},
    "set_language": PUBLIC,
    "api_docs": SIGNED_IN,
    "api_docs_redirect": PUBLIC,
}


def _merge():
    from tests.assessment import url_roles as assessment
    from tests.budget import url_roles as budget
    from tests.control import url_roles as control
    from tests.events import url_roles as events
    from tests.experts import url_roles as experts
    from tests.performance import url_roles as performance
    from tests.performance import url_roles_monitoring as monitoring
    from tests.reviews import url_roles as reviews

    areas = [budget, control, experts, reviews, events, performance, monitoring, assessment]
    merged = dict(CORE_EXPECTATIONS)
    for area in areas:
        clash = set(merged) & set(area.EXPECTATIONS)
        assert not clash, f"URL names declared twice: {clash}"
        merged.update(area.EXPECTATIONS)
    return merged, [area.objects for area in areas]


EXPECTATIONS, AREA_OBJECT_FACTORIES = _merge()
