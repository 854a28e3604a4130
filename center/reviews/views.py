"""Pages of the review area: rounds for staff (setup, the draw, progress, results, flags, notice, fees),
the expert portal (invitations, pledge and conflicts, scoring) and the public site (公示, draw verification)."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.control.selectors import application_execution, quotas_for
from center.core.enums import Scope
from center.core.errors import ApplicationError, NotFoundError
from center.core.forms import int_or
from center.core.pagecache import public_page
from center.core.permissions import EXTERNAL, PUBLIC, access
from center.core.rules import require
from center.core.views import attempt
from center.experts.models import Discipline, Expert
from center.experts.services.organisations import OrganisationNeedsConfirmation

from . import drawing, explain, rules, selectors, services
from .eligibility import exclusion_counts, why_not
from .enums import (
    PARAM_UNITS,
    Aggregation,
    AvoidanceKind,
    DisciplineMatch,
    DrawState,
    FlagDecision,
    FlagState,
    FormalState,
    NoticeState,
    PartyRole,
    PickState,
    RoundKind,
    RoundState,
    SeedSource,
)
from .models import Application, ApplicationResult, DrawPick, Flag, Objection, ReviewRound
from .pages import NOTICES


def _office(request):
    selectors.require_office(request.user, request.access_scope)


# --- rounds ------------------------------------------------------------------------------------------


@access(rules.READERS)
def round_list(request):
    _office(request)
    if request.method == "POST":
        p = request.POST
        rnd = attempt(
            request,
            lambda: services.round_create(
                actor=request.user,
                code=p.get("code", "").strip(),
                title=p.get("title", "").strip(),
                kind=p.get("kind", ""),
                year=int_or(p.get("year"), None),
                budget_item_ref=p.get("budget_item_ref", "").strip(),
                blind=p.get("blind") == "1",
                aggregation=p.get("aggregation", Aggregation.MEAN),
            ),
            _("评审活动已创建。"),
        )
        if rnd:
            return redirect("reviews:round_detail", rnd.pk)
    rounds = Paginator(ReviewRound.objects.all(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/round_list.html",
        {
            "rounds": rounds,
            "kinds": RoundKind.choices,
            "aggs": Aggregation.choices,
            "can_write": rules.can_write(request.user),
            "year": timezone.localdate().year,
        },
    )


@access(rules.READERS)
def round_detail(request, pk: int):
    rnd = selectors.round_get_for(request.user, request.access_scope, pk)
    apps = rnd.applications.select_related("group", "discipline").prefetch_related("parties__organisation")
    results = {r.application_id: r for r in ApplicationResult.objects.filter(application__round=rnd)}
    ctx = {
        "r": rnd,
        "apps": apps,
        "results": results,
        "ranked": sorted(results.values(), key=lambda r: (r.rank is None, r.rank or 0)),
        "groups": rnd.groups.select_related("discipline").prefetch_related("draws"),
        "criteria": rnd.criteria.all(),
        "progress": selectors.progress(rnd),
        "flags": [
            (flag, explain.flag_text(flag))
            for flag in rnd.flags.select_related("round", "application", "expert", "resolved_by")
        ],
        "notices": rnd.notices.all(),
        "current_notice": rnd.notices.filter(state=NoticeState.CURRENT).first(),
        "objections": Objection.objects.filter(notice__round=rnd).select_related("notice", "application"),
        "disciplines": Discipline.objects.all(),
        "can_write": rules.can_write(request.user),
        "can_approve": rules.can_approve(request.user),
        "RS": RoundState,
        "FS": FlagState,
        "decisions": FlagDecision.choices,
        "FormalState": FormalState,
        "matches": DisciplineMatch.choices,
    }
    return render(request, "reviews/round_detail.html", ctx)


def _redirect_round(pk):
    return redirect("reviews:round_detail", pk)


@require_POST
@access(rules.WRITERS)
def criterion_add(request, pk: int):
    _office(request)
    p = request.POST
    attempt(
        request,
        lambda: services.criterion_add(
            actor=request.user,
            round_id=pk,
            name=p.get("name", "").strip() or "—",
            name_en=p.get("name_en", ""),
            weight=p.get("weight") or 1,
            min_score=p.get("min_score") or 0,
            max_score=p.get("max_score") or 100,
            comment_required=p.get("comment_required") == "1",
            is_veto=p.get("is_veto") == "1",
        ),
        _("评分项已添加。"),
    )
    return _redirect_round(pk)


@require_POST
@access(rules.WRITERS)
def group_create(request, pk: int):
    _office(request)
    p = request.POST
    g = attempt(
        request,
        lambda: services.group_create(
            actor=request.user,
            round_id=pk,
            name=p.get("name", "").strip() or _("评审组"),
            discipline=Discipline.objects.filter(code=p.get("discipline")).first(),
            size=int_or(p.get("size"), 7),
            backups=int_or(p.get("backups"), 3),
        ),
        _("评审组已创建，已带默认回避规则。"),
    )
    if g:
        return redirect("reviews:group_detail", g.pk)
    return _redirect_round(pk)


@require_POST
@access(rules.WRITERS)
def application_create(request, pk: int):
    _office(request)
    p = request.POST

    def make():
        org = None
        if p.get("org_name", "").strip():
            org = {"name": p["org_name"], "credit_code": p.get("credit_code", "")}
            # The answer to "是否为已有单位 …？": that unit (its id), or another one ("new").
            answer = p.get("org_confirm", "")
            if answer == "new":
                org["confirmed_new"] = True
            elif answer.isdigit():
                org["confirmed_id"] = int(answer)
        parties = [
            {
                "role": PartyRole.APPLICANT,
                "organisation": org,
                "person_name": p.get("person_name", "").strip(),
            }
        ]
        for name in [
            x.strip() for x in p.get("co_applicants", "").replace("，", ",").split(",") if x.strip()
        ]:
            parties.append({"role": PartyRole.CO_APPLICANT, "person_name": name, "expert": None})
        # Applicants or co-applicants who are themselves in the pool, by expert number: the co-applicant rule
        # and declared ties then apply to them exactly, not by name.
        for raw in p.get("pool_experts", "").replace("，", ",").split(","):
            expert = Expert.objects.filter(pk=int(raw)).first() if raw.strip().isdigit() else None
            if expert is not None:
                parties.append({"role": PartyRole.CO_APPLICANT, "person_name": expert.name, "expert": expert})
        return services.application_create(
            actor=request.user,
            round_id=pk,
            code=p.get("code", "").strip(),
            title=p.get("title", "").strip(),
            group_id=int_or(p.get("group")) or None,
            discipline=Discipline.objects.filter(code=p.get("discipline")).first(),
            parties=parties,
        )

    try:
        app = make()
    except OrganisationNeedsConfirmation as exc:
        # Same-employer avoidance works by unit: a near-duplicate is created only once the user said so.
        rnd = selectors.round_get_for(request.user, request.access_scope, pk)
        fields = [
            (k, p.get(k, ""))
            for k in (
                "code",
                "title",
                "org_name",
                "credit_code",
                "person_name",
                "co_applicants",
                "pool_experts",
            )
        ] + [(k, p.get(k, "")) for k in ("group", "discipline") if p.get(k)]
        return render(
            request,
            "reviews/org_confirm.html",
            {
                "r": rnd,
                "message": exc.message,
                "candidates": exc.extra["candidates"],
                "fields": fields,
                "typed": p.get("org_name", "").strip(),
            },
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申报项目“%(c)s”已登记。") % {"c": app.code})
    return _redirect_round(pk)


@require_POST
@access(rules.WRITERS)
def formal_check(request, pk: int):
    _office(request)
    app = Application.objects.filter(pk=pk).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    attempt(
        request,
        lambda: services.application_formal_check(
            actor=request.user,
            application_id=pk,
            passed=request.POST.get("decision") == "pass",
            note=request.POST.get("note", ""),
        ),
        _("形式审查结论已记录。"),
    )
    return _redirect_round(app.round_id)


@require_POST
@access(rules.WRITERS)
def application_document(request, pk: int):
    _office(request)
    app = Application.objects.filter(pk=pk).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
    else:
        attempt(
            request,
            lambda: services.application_add_document(
                actor=request.user, application_id=pk, name=upload.name, data=upload.read()
            ),
            _("材料已上传。"),
        )
    return _redirect_round(app.round_id)


# --- groups and the draw --------------------------------------------------------------------------------


@access(rules.READERS)
def group_detail(request, pk: int):
    group = selectors.group_get_for(request.user, request.access_scope, pk)
    if request.method == "POST":
        if not rules.can_write(request.user):
            raise NotFoundError(_("页面不存在。"))
        p = request.POST
        fields = {
            k: int_or(p.get(k))
            for k in (
                "size",
                "backups",
                "min_title_level",
                "max_per_org",
                "min_non_local",
                "min_international",
            )
        }
        fields["discipline_match"] = p.get("discipline_match", group.discipline_match)
        avoidance = {
            k: (int_or(p.get(f"param_{k}")) if p.get(f"on_{k}") == "1" else None)
            for k in AvoidanceKind.values
        }
        if attempt(
            request,
            lambda: services.group_update_rules(
                actor=request.user, group_id=pk, avoidance=avoidance, **fields
            ),
            _("抽取规则已保存。"),
        ):
            return redirect("reviews:group_detail", pk)
    rules_by_kind = {r.kind: r for r in group.avoidance_rules.all()}
    avoid = [{"kind": k, "rule": rules_by_kind.get(k.value), "unit": PARAM_UNITS[k]} for k in AvoidanceKind]
    # The pool and the exclusion record (one entry per expert of the pool or left out of it) are not shown
    # here: not read either (they grow with the expert pool).
    draws = list(group.draws.defer("pool", "exclusions"))
    live = next((d for d in draws if d.state != DrawState.VOID), None)
    return render(
        request,
        "reviews/group_detail.html",
        {
            "g": group,
            "avoid": avoid,
            "live": live,
            "draws": draws,
            "apps": group.applications.all(),
            "matches": DisciplineMatch.choices,
            "can_write": rules.can_write(request.user),
            "levels": [(1, _("其他")), (2, _("中级")), (3, _("副高")), (4, _("正高"))],
        },
    )


@require_POST
@access(rules.WRITERS)
def draw_fix(request, pk: int):
    _office(request)
    draw = attempt(
        request,
        lambda: services.draw_fix_pool(actor=request.user, group_id=pk),
        _("候选池与参数已固定，哈希已记录。请录入随机种子。"),
    )
    if draw:
        return redirect("reviews:draw_detail", draw.pk)
    return redirect("reviews:group_detail", pk)


@access(rules.READERS)
def draw_detail(request, pk: int):
    draw = selectors.draw_get_for(request.user, request.access_scope, pk)
    counts = sorted(exclusion_counts(draw.exclusions).items(), key=lambda kv: -kv[1])
    why = None
    q = request.GET.get("expert", "").strip()
    if q:
        target = (
            Expert.objects.filter(pk=int(q)).first() if q.isdigit() else Expert.objects.filter(name=q).first()
        )
        if target is None:
            why = {"state": "missing", "q": q}
        else:
            why = why_not(draw, target.pk) | {"expert": target}
            if why.get("rule"):
                why["rule_label"] = services.rule_label(why["rule"])
    picks = draw.picks.select_related("expert__employer")
    return render(
        request,
        "reviews/draw_detail.html",
        {
            "d": draw,
            "counts": [(services.rule_label(k), n) for k, n in counts],
            "why": why,
            "picks": picks,
            "sources": SeedSource.choices,
            "can_write": rules.can_write(request.user),
            "DS": DrawState,
            "PS": PickState,
            "first_part": draw.seed_parts.get("first_by"),
        },
    )


@require_POST
@access(rules.WRITERS)
def draw_seed(request, pk: int):
    _office(request)
    p = request.POST
    attempt(
        request,
        lambda: services.draw_enter_seed(
            actor=request.user,
            draw_id=pk,
            source=p.get("source", ""),
            value=p.get("value", ""),
            description=p.get("description", ""),
        ),
        _("随机种子已记录。"),
    )
    return redirect("reviews:draw_detail", pk)


@require_POST
@access(rules.WRITERS)
def draw_void(request, pk: int):
    _office(request)
    attempt(
        request,
        lambda: services.draw_void(actor=request.user, draw_id=pk, reason=request.POST.get("reason", "")),
        _("已作废。"),
    )
    return redirect("reviews:draw_detail", pk)


@access(rules.READERS)
def draw_verify(request, pk: int):
    draw = selectors.draw_get_for(request.user, request.access_scope, pk)
    result = services.draw_verify(draw)
    result["failures"] = explain.verify_failures(result["checks"])
    stored = list(draw.picks.values_list("rank", "expert_id", "role"))
    rows = []
    for r in result.get("rerun", []):
        s = next((x for x in stored if x[0] == r["rank"]), None)
        rows.append({"rerun": r, "stored": s, "same": s == (r["rank"], r["expert_id"], r["role"])})
    return render(
        request,
        "reviews/draw_verify.html",
        {
            "d": draw,
            "v": result,
            "rows": rows,
            "record": json.dumps(services.draw_record(draw), ensure_ascii=False),
        },
    )


@access(rules.READERS)
def draw_record(request, pk: int):
    draw = selectors.draw_get_for(request.user, request.access_scope, pk)
    resp = JsonResponse(services.draw_record(draw), json_dumps_params={"ensure_ascii": False, "indent": 1})
    resp["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return resp


@require_POST
@access(rules.WRITERS)
def pick_respond(request, pk: int):
    _office(request)
    pick = DrawPick.objects.filter(pk=pk).first()
    if pick is None:
        raise NotFoundError(_("邀请不存在。"))
    attempt(
        request,
        lambda: services.invitation_respond(
            actor=request.user, pick_id=pk, accept=request.POST.get("accept") == "1"
        ),
        _("答复已记录。"),
    )
    return redirect("reviews:draw_detail", pick.draw_id)


# --- results, flags, approval, notice, fees -------------------------------------------------------------


@require_POST
@access(rules.WRITERS)
def round_compute(request, pk: int):
    _office(request)
    attempt(
        request, lambda: services.round_compute(actor=request.user, round_id=pk), _("已汇总评分并检查异常。")
    )
    return _redirect_round(pk)


@require_POST
@access(rules.WRITERS)
def flag_resolve(request, pk: int):
    _office(request)
    flag = Flag.objects.filter(pk=pk).first()
    if flag is None:
        raise NotFoundError(_("预警不存在。"))
    attempt(
        request,
        lambda: services.flag_resolve(
            actor=request.user,
            flag_id=pk,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        ),
        _("处理决定已记录。"),
    )
    return _redirect_round(flag.round_id)


@require_POST
@access(rules.APPROVERS)
def round_approve(request, pk: int):
    _office(request)
    attempt(
        request, lambda: services.round_approve(actor=request.user, round_id=pk), _("评审结果已确认并锁定。")
    )
    return _redirect_round(pk)


@require_POST
@access(rules.APPROVERS)
def notice_publish(request, pk: int):
    _office(request)
    p = request.POST
    attempt(
        request,
        lambda: services.notice_publish(
            actor=request.user,
            round_id=pk,
            title=p.get("title", "").strip() or _("评审结果公示"),
            body=p.get("body", ""),
            days=int_or(p.get("days"), 5),
            change_note=p.get("change_note", ""),
            corrections={
                key.split("__", 1)[1]: {
                    "title": p.get(f"title__{key.split('__', 1)[1]}", ""),
                    "applicant": p.get(key, ""),
                }
                for key in p
                if key.startswith("applicant__")
            },
        ),
        _("已在公共网站公示。"),
    )
    return _redirect_round(pk)


@require_POST
@access(rules.WRITERS)
def objection_answer(request, pk: int):
    _office(request)
    obj = Objection.objects.select_related("notice").filter(pk=pk).first()
    if obj is None:
        raise NotFoundError(_("异议不存在。"))
    attempt(
        request,
        lambda: services.objection_answer(
            actor=request.user, objection_id=pk, answer=request.POST.get("answer", "")
        ),
        _("答复已记录。"),
    )
    return _redirect_round(obj.notice.round_id)


@require_POST
@access(rules.WRITERS)
def assignment_rate(request, pk: int):
    _office(request)
    from .models import Assignment

    a = Assignment.objects.select_related("group").filter(pk=pk).first()
    if a is None:
        raise NotFoundError(_("评审任务不存在。"))
    attempt(
        request,
        lambda: services.assignment_rate(
            actor=request.user,
            assignment_id=pk,
            rating=int_or(request.POST.get("rating")),
            note=request.POST.get("note", ""),
        ),
        _("评价已记录。"),
    )
    return _redirect_round(a.group.round_id)


@access(rules.FEE_READERS)
def round_fees(request, pk: int):
    require(rules.can_read_fees, request.user, request.access_scope)
    rnd = ReviewRound.objects.filter(pk=pk).first()
    if rnd is None:
        raise NotFoundError(_("评审活动不存在。"))
    if request.method == "POST" and request.POST.get("action") == "fund":
        quota = request.POST.get("quota", "")
        attempt(
            request,
            lambda: services.round_fees_request_funding(
                actor=request.user, round_id=pk, quota_id=int(quota) if quota.isdigit() else 0
            ),
            _("已提交专家劳务费事前申请，金额已冻结。"),
        )
        return redirect("reviews:round_fees", pk)
    if request.method == "POST":
        attempt(
            request, lambda: services.round_fees_compute(actor=request.user, round_id=pk), _("专家费已计算。")
        )
        return redirect("reviews:round_fees", pk)
    fees = rnd.fees.select_related("expert")
    totals = {k: sum((getattr(f, k) for f in fees), 0) for k in ("gross", "tax", "net")}
    spending_ref = next((f.spending_ref for f in fees if f.spending_ref), "")
    quotas = [
        q
        for q in quotas_for(request.user, Scope.OWN, year=rnd.year, kind="project")
        if q.department_id == request.user.department_id
    ]
    return render(
        request,
        "reviews/round_fees.html",
        {
            "r": rnd,
            "fees": fees,
            "totals": totals,
            "can_write": rules.can_write(request.user),
            "quotas": quotas,
            "spending_ref": spending_ref,
            # how far budget control has paid the fees (claims against the expert-fee application)
            "control": application_execution(spending_ref),
        },
    )


# --- the expert portal ----------------------------------------------------------------------------------


@access(EXTERNAL)
def portal_home(request):
    picks, assignments = selectors.expert_tasks(request.user)
    return render(request, "reviews/portal_home.html", {"picks": picks, "assignments": assignments})


@require_POST
@access(EXTERNAL)
def portal_respond(request, pk: int):
    attempt(
        request,
        lambda: services.invitation_respond(
            actor=request.user, pick_id=pk, accept=request.POST.get("accept") == "1"
        ),
        _("感谢您的答复。"),
    )
    return redirect("reviews:portal_home")


@access(EXTERNAL)
def portal_assignment(request, pk: int):
    a = selectors.assignment_for_expert(request.user, pk)
    apps = a.group.applications.exclude(formal_state=FormalState.FAILED)
    if request.method == "POST":
        ids = [int_or(x) for x in request.POST.getlist("conflict")]
        if attempt(
            request,
            lambda: services.assignment_sign(
                actor=request.user,
                assignment_id=pk,
                pledge=request.POST.get("pledge") == "1",
                conflict_application_ids=ids,
                note=request.POST.get("note", ""),
            ),
            _("承诺书已签署，可以开始评审。"),
        ):
            return redirect("reviews:portal_assignment", pk)
    blind = a.group.round.blind
    return render(
        request,
        "reviews/portal_assignment.html",
        {"a": a, "apps": apps, "blind": blind, "sheets": a.sheets.select_related("application")},
    )


@access(EXTERNAL)
def portal_sheet(request, pk: int):
    sheet = services.sheet_open(actor=request.user, sheet_id=pk)
    rnd = sheet.assignment.group.round
    criteria = list(rnd.criteria.all())
    errors, fields, posted = [], {}, {}
    if request.method == "POST" and sheet.state != "submitted":
        values = {
            c.pk: (request.POST.get(f"score_{c.pk}", ""), request.POST.get(f"comment_{c.pk}", ""))
            for c in criteria
        }
        posted = values
        # Two buttons: 保存草稿 keeps the sheet a draft; 提交评分 is final (the form asks first).
        draft = request.POST.get("action") == "draft"
        save = services.sheet_save_draft if draft else services.sheet_submit
        try:
            save(actor=request.user, sheet_id=pk, values=values, comment=request.POST.get("comment", ""))
        except ApplicationError as exc:
            errors = exc.extra.get("errors") or [exc.message]
            fields = exc.extra.get("fields") or {}
        else:
            if draft:
                messages.success(request, _("草稿已保存，尚未提交；提交前可以继续修改。"))
                return redirect("reviews:portal_sheet", pk)
            messages.success(request, _("评分已提交。"))
            return redirect("reviews:portal_assignment", sheet.assignment_id)
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    rows = [
        {
            "c": c,
            "value": posted.get(c.pk, ("", ""))[0]
            if posted
            else (scores[c.pk].value if c.pk in scores else ""),
            "comment": posted.get(c.pk, ("", ""))[1]
            if posted
            else (scores[c.pk].comment if c.pk in scores else ""),
            "score_error": fields.get(f"score_{c.pk}", ""),
            "comment_error": fields.get(f"comment_{c.pk}", ""),
        }
        for c in criteria
    ]
    app = sheet.application
    return render(
        request,
        "reviews/portal_sheet.html",
        {
            "s": sheet,
            "app": app,
            "rows": rows,
            "errors": errors,
            "blind": rnd.blind,
            "parties": [] if rnd.blind else app.parties.select_related("organisation"),
            "docs": app.documents.all(),
        },
    )


@access(EXTERNAL)
def portal_document(request, pk: int, att: int):
    """An application's material, for the experts it is assigned to (after the pledge) and no one else."""
    from center.core.files import stored_response

    sheet = services.sheet_get_for_expert(request.user, pk)
    doc = sheet.application.documents.filter(pk=att).first()
    if doc is None:
        raise NotFoundError(_("材料不存在。"))
    response = stored_response(
        doc.stored_name, content_type=doc.content_type, filename=doc.original_name, as_attachment=True
    )
    services.document_downloaded(actor=request.user, sheet_id=pk, attachment_id=doc.pk)
    return response


# --- public site ---------------------------------------------------------------------------------------


@access(PUBLIC)
@public_page(tags=[NOTICES])
def public_notices(request):
    return render(request, "reviews/public_notices.html", {"notices": selectors.public_notices()})


@access(PUBLIC)
@public_page(tags=[NOTICES], ttl=60)  # the objection form closes at a time: shown at most a minute longer
def public_notice(request, pk: int):
    notice = selectors.public_notices().filter(pk=pk).first()
    if notice is None:
        raise NotFoundError(_("公示不存在。"))
    open_ = notice.state == NoticeState.CURRENT and timezone.now() <= notice.objection_until
    if request.method == "POST":
        p = request.POST
        if attempt(
            request,
            lambda: services.objection_submit(
                notice_id=pk,
                name=p.get("name", ""),
                phone=p.get("phone", ""),
                content=p.get("content", ""),
                application_id=int_or(p.get("application")) or None,
            ),
            _("异议已收到，我们将依规核实并答复。"),
        ):
            return redirect("reviews:public_notice", pk)
    others = notice.round.notices.exclude(pk=notice.pk)
    changes = services.notice_changes(notice)
    labels = {
        "title": _("项目名称"),
        "applicant": _("申报单位/申报人"),
        "score": _("得分"),
        "rank": _("排名"),
        "body": _("公示说明"),
    }
    for change in changes:
        change["label"] = labels.get(change["field"], "")
        if change["field"] == "title" and not change["code"]:
            change["label"] = _("标题")
    previous = others.filter(version=notice.version - 1).first()
    latest = others.filter(state=NoticeState.CURRENT).first()
    apps = notice.round.applications.filter(code__in=[r["code"] for r in notice.rows])
    answered = notice.objections.exclude(answered_at=None)
    return render(
        request,
        "reviews/public_notice.html",
        {
            "n": notice,
            "open": open_,
            "others": others,
            "changes": changes,
            "previous": previous,
            "latest": latest,
            "apps": apps,
            "answered": answered,
            "NS": NoticeState,
        },
    )


@access(PUBLIC)
def public_verify(request):
    """Anyone pastes a draw record (JSON) and re-runs it here; nothing is stored. Failures are said in words."""
    result, error = None, None
    text = request.POST.get("record", "") if request.method == "POST" else ""
    if text:
        try:
            result = drawing.verify(json.loads(text))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            error = explain.verify_problem(exc)
        else:
            result["failures"] = explain.verify_failures(result["checks"])
    return render(request, "reviews/public_verify.html", {"result": result, "error": error, "text": text})
