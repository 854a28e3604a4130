"""URL × role expectations of the internal-control evaluation (merged into tests/url_roles.py; format documented
there). Finance prepares, the director approves, the auditor reads; evaluations are the unit's, so every
reader sees every one. Never the system admin, department staff, heads, deputies or the cashier."""

READERS = {"finance", "director", "auditor"}
PREPARERS = {"finance"}
ACTORS = {"finance", "director"}


def _read(kwargs):
    return {"audience": "staff", "roles": READERS, "kwargs": kwargs}


EXPECTATIONS: dict[str, dict] = {
    "assessment:list": {"audience": "staff", "roles": READERS},
    "assessment:detail": _read("assessment_evaluation"),
    "assessment:item": {"audience": "staff", "roles": PREPARERS, "kwargs": "assessment_item"},
    "assessment:transition": {
        "audience": "staff",
        "roles": ACTORS,
        "kwargs": "assessment_transition",
    },  # POST
    "assessment:report": _read("assessment_evaluation"),
    "assessment:report_pdf": _read("assessment_evaluation"),
    "assessment:sheet_xlsx": _read("assessment_evaluation"),
    "assessment:evidence": _read("assessment_evidence"),
}


def objects(org) -> dict[str, dict]:
    """A draft evaluation of a year of its own with one hand score and its evidence file."""
    from center.assessment import services

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evaluation = services.evaluation_create(actor=org["finance"], year=2031)
    score = services.item_score(
        actor=org["finance"],
        evaluation_id=evaluation.pk,
        code="1.1",
        score="4",
        note="领导小组成立文件",
        files=[("领导小组.pdf", pdf)],
    )
    return {
        "assessment_evaluation": {"pk": evaluation.pk},
        "assessment_item": {"pk": evaluation.pk, "code": "1.1"},
        "assessment_transition": {"pk": evaluation.pk, "verb": "submit"},
        "assessment_evidence": {"pk": evaluation.pk, "att": score.attachments.get().pk},
    }
