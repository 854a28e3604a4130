"""Pages of the internal-control evaluation: thin (validate → selector → service → render)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.core.audit import audit_log
from center.core.errors import ApplicationError, NotFoundError
from center.core.files import stored_response
from center.core.permissions import access
from center.core.rules import AUDIT_READERS
from center.core.views import apply_errors, attempt

from . import exports, selectors, services
from . import report as report_text
from .enums import EVALUATION
from .evidence import module_status
from .forms import EvaluationCreateForm, ItemScoreForm
from .rules import ACTORS, PREPARERS, READERS, may_decide, may_prepare, may_score, may_submit
from .scoring import score_evaluation
from .sheet import sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _strip_audit_links(request, scored) -> None:
    """Links into the audit trail only for those who may read it (the auditor, the director)."""
    if AUDIT_READERS.allows(request.user):
        return
    audit_url = reverse("core:audit_list")
    for row in scored.rows:
        for c in row.checks:
            for f in c.facts:
                if f.link.startswith(audit_url):
                    f.link = ""


@access(READERS)
def evaluation_list(request):
    form = EvaluationCreateForm(request.POST or None)
    if request.method == "POST":
        if not may_prepare(request.user):
            raise NotFoundError(_("页面不存在。"))
        if form.is_valid():
            try:
                e = services.evaluation_create(actor=request.user, year=form.cleaned_data["year"])
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已创建 %(y)s 年度内部控制评价。") % {"y": e.year})
                return redirect("assessment:detail", e.pk)
    evaluations = list(selectors.evaluation_list())
    rows = [(e, score_evaluation(e).totals) for e in evaluations]
    return render(
        request,
        "assessment/list.html",
        {"rows": rows, "form": form, "may_create": may_prepare(request.user), "sheet": sheet()},
    )


@access(READERS)
def evaluation_detail(request, pk: int):
    evaluation = selectors.evaluation_get(pk)
    scored = score_evaluation(evaluation)
    _strip_audit_links(request, scored)
    return render(
        request,
        "assessment/detail.html",
        {
            "evaluation": evaluation,
            "scored": scored,
            "totals": scored.totals,
            "sheet": sheet(),
            "words": sheet().words(),
            "may_score": may_score(request.user, evaluation),
            "may_submit": may_submit(request.user, evaluation),
            "may_decide": may_decide(request.user, evaluation),
            "live": not evaluation.snapshot,
        },
    )


@access(PREPARERS)
def item_edit(request, pk: int, code: str):
    evaluation = selectors.evaluation_get(pk)
    item = sheet().item(code)
    if item is None or item.computed or not item.applicable:
        raise NotFoundError(_("评价要点不存在。"))
    existing = evaluation.scores.filter(code=item.code).prefetch_related("attachments").first()
    initial = {"score": existing.score, "note": existing.note} if existing else None
    form = ItemScoreForm(request.POST or None, request.FILES or None, initial=initial, points=item.points)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            services.item_score(
                actor=request.user,
                evaluation_id=evaluation.pk,
                code=item.code,
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
                files=[(upload.name, upload.read())] if upload else [],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存要点 %(c)s 的评分。") % {"c": item.code})
            return redirect(reverse("assessment:detail", args=[evaluation.pk]) + f"#item-{item.code}")
    return render(
        request,
        "assessment/item_form.html",
        {
            "evaluation": evaluation,
            "item": item,
            "form": form,
            "existing": existing,
            "may_score": may_score(request.user, evaluation),
        },
    )


_VERBS = {
    "submit": (services.evaluation_submit, lambda: _("评价已提交，待单位负责人审定。")),
    "return": (services.evaluation_return, lambda: _("评价已退回财务修改。")),
    "approve": (services.evaluation_approve, lambda: _("评价已审定并锁定。")),
}


@require_POST
@access(ACTORS)
def transition(request, pk: int, verb: str):
    if verb not in _VERBS or verb not in EVALUATION.verbs:
        raise NotFoundError(_("页面不存在。"))
    fn, ok = _VERBS[verb]
    kwargs = {"comment": request.POST.get("comment", "")} if verb == "return" else {}
    attempt(request, lambda: fn(actor=request.user, evaluation_id=pk, **kwargs), ok())
    return redirect("assessment:detail", pk)


@access(READERS)
def report(request, pk: int):
    evaluation = selectors.evaluation_get(pk)
    scored = score_evaluation(evaluation)
    return render(
        request,
        "assessment/report.html",
        {
            "evaluation": evaluation,
            "report": report_text.compose(evaluation, scored, module_status()),
            "totals": scored.totals,
        },
    )


@access(READERS)
def report_pdf(request, pk: int):
    evaluation = selectors.evaluation_get(pk)
    scored = score_evaluation(evaluation)
    data = exports.report_pdf(evaluation, scored, report_text.compose(evaluation, scored, module_status()))
    audit_log(
        "assessment.evaluation.exported", actor=request.user, target=evaluation, extra={"format": "pdf"}
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="internal-control-{evaluation.year}.pdf"'
    return response


@access(READERS)
def sheet_xlsx(request, pk: int):
    evaluation = selectors.evaluation_get(pk)
    data = exports.sheet_xlsx(evaluation, score_evaluation(evaluation))
    audit_log(
        "assessment.evaluation.exported", actor=request.user, target=evaluation, extra={"format": "xlsx"}
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="internal-control-{evaluation.year}.xlsx"'
    return response


@access(READERS)
def evidence_download(request, pk: int, att: int):
    evaluation = selectors.evaluation_get(pk)
    attachment = selectors.evidence_attachment(evaluation, att)
    return stored_response(
        attachment.stored_name,
        content_type=attachment.content_type,
        filename=attachment.original_name,
        as_attachment=True,
    )
