"""URL × role expectations of budget control (merged into tests/url_roles.py; format documented there)."""

BUSINESS = {"director", "deputy", "dept_head", "finance", "cashier", "auditor", "staff"}
MONITOR = {"director", "deputy", "dept_head", "finance", "auditor"}
APPLICANTS = {"director", "deputy", "dept_head", "finance", "staff"}
CONFIG_READERS = {"finance", "director", "auditor"}
CONFIG_EDITORS = {"finance"}

EXPECTATIONS: dict[str, dict] = {
    "control:dashboard": {"audience": "staff", "roles": MONITOR},
    "control:quota_list": {"audience": "staff", "roles": BUSINESS},
    "control:adjustment_list": {"audience": "staff", "roles": {"finance", "director", "auditor"}},
    "control:adjustment_approve": {
        "audience": "staff",
        "roles": {"finance", "director", "auditor"},
        "kwargs": "any_pk",
    },
    "control:quota_detail": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "inn_project_quota",
        # 科技创新服务部's project quota: its head and staff, their deputy (deputy1), unit-wide readers
        "sees": {"head_inn", "staff_inn", "deputy1", "director", "finance", "auditor", "cashier"},
    },
    "control:application_list": {"audience": "staff", "roles": BUSINESS},
    "control:approvals": {"audience": "staff", "roles": BUSINESS},
    "control:approvals_bulk": {"audience": "staff", "roles": BUSINESS},  # POST only: GET answers 405
    "control:document_chase": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application_pdf",
    },  # POST only: GET answers 405
    "control:type_codes_save": {"audience": "staff", "roles": CONFIG_EDITORS},  # POST only: GET answers 405
    "control:application_new": {"audience": "staff", "roles": APPLICANTS},
    "control:application_detail": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application",
        # applied by staff_exp (专家服务部), pending at head_exp: applicant, the head (approver), their deputy, unit readers
        "sees": {"staff_exp", "head_exp", "deputy1", "director", "finance", "auditor", "cashier"},
    },
    "control:application_act": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application",
    },  # POST only: GET answers 405
    "control:application_withdraw": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application",
    },  # POST only: GET answers 405
    "control:application_resubmit": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application",
    },  # POST only: GET answers 405
    "control:application_revise": {
        "audience": "staff",
        "roles": APPLICANTS,
        "kwargs": "exp_application",
        # only the applicant's own (returned) application: the page sends anyone else back to the document
        "sees": {"staff_exp"},
    },
    "control:application_cancel": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application",
    },  # POST only: GET answers 405
    "control:reimbursement_new": {"audience": "staff", "roles": APPLICANTS},
    "control:reimbursement_revise": {
        "audience": "staff",
        "roles": APPLICANTS,
        "kwargs": "any_pk",
        "sees": set(),
    },
    "control:reimbursement_detail": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "any_pk",
        "sees": set(),
    },  # no such id: 404
    "control:reimbursement_act": {"audience": "staff", "roles": BUSINESS, "kwargs": "any_pk"},
    "control:reimbursement_withdraw": {"audience": "staff", "roles": BUSINESS, "kwargs": "any_pk"},
    "control:reimbursement_pay": {"audience": "staff", "roles": {"cashier"}, "kwargs": "any_pk"},
    "control:advance_new": {
        "audience": "staff",
        "roles": APPLICANTS,
        "kwargs": "exp_application",
    },  # POST only
    "control:advance_detail": {"audience": "staff", "roles": BUSINESS, "kwargs": "any_pk", "sees": set()},
    "control:advance_act": {"audience": "staff", "roles": BUSINESS, "kwargs": "any_pk"},
    "control:advance_withdraw": {"audience": "staff", "roles": BUSINESS, "kwargs": "any_pk"},
    "control:advance_pay": {"audience": "staff", "roles": {"cashier"}, "kwargs": "any_pk"},
    "control:document_pdf": {
        "audience": "staff",
        "roles": BUSINESS,
        "kwargs": "exp_application_pdf",
        "sees": {"staff_exp", "head_exp", "deputy1", "director", "finance", "auditor", "cashier"},
    },
    "control:verify": {"audience": "staff", "roles": BUSINESS, "kwargs": "exp_application_verify"},
    # Control configuration: finance edits, the director and auditor read; never the system admin (rule 2).
    "control:config": {"audience": "staff", "roles": CONFIG_READERS},
    "control:settings_save": {"audience": "staff", "roles": CONFIG_EDITORS},  # POST only
    "control:standard_new": {"audience": "staff", "roles": CONFIG_EDITORS},
    "control:standard_edit": {
        "audience": "staff",
        "roles": CONFIG_EDITORS,
        "kwargs": "any_pk",
        "sees": set(),
    },
    "control:standard_delete": {"audience": "staff", "roles": CONFIG_EDITORS, "kwargs": "any_pk"},
    "control:standards_copy": {"audience": "staff", "roles": CONFIG_EDITORS},  # POST only
    "control:flow_new": {"audience": "staff", "roles": CONFIG_EDITORS},
    "control:flow_edit": {"audience": "staff", "roles": CONFIG_EDITORS, "kwargs": "any_pk", "sees": set()},
    "control:quota_level": {"audience": "staff", "roles": {"finance"}, "kwargs": "any_pk"},  # POST only
}


def objects(org) -> dict[str, dict]:
    from center.control import services
    from center.control.printing import verification_token
    from tests.control.factories import YEAR, quotas_ready

    q = quotas_ready(org)
    think = q["30227"]
    # a project quota of 专家服务部 for the application
    from center.budget.models import Project

    exp_project = Project.objects.create(
        budget=think.budget, name="科技智库与交流", department=org["staff_exp"].department
    )
    think.project = exp_project
    think.department = org["staff_exp"].department
    think.save(update_fields=["project", "department"])
    app = services.application_submit(
        actor=org["staff_exp"], app_type="event", title="专家咨询会", year=YEAR, lines=[(think.pk, "1000.00")]
    )
    inn_quota = q["30226"]
    return {
        "inn_project_quota": {"pk": inn_quota.pk},
        "exp_application": {"pk": app.pk},
        "exp_application_pdf": {"kind": "application", "pk": app.pk},
        "exp_application_verify": {
            "kind": "application",
            "pk": app.pk,
            "token": verification_token("application", app),
        },
    }
