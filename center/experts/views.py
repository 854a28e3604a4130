"""Pages of the expert pool: staff (search, records, reveal, import, calls and vetting, activities),
the public site (calls) and the expert portal (profile, yearly refresh, applying to a call)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.core.errors import ApplicationError, NotFoundError
from center.core.masking import mask_bank_account, mask_id_number
from center.core.pagecache import public_page
from center.core.permissions import EXTERNAL, PUBLIC, access
from center.core.views import apply_errors, attempt
from center.events.enums import PUBLIC_STATES, EventState
from center.events.models import Event
from center.experts.services.organisations import OrganisationNeedsConfirmation

from . import rules, selectors, services
from .enums import STATE_TRANSITIONS, CallState, ExpertState, Region, RelationKind, TitleLevel, VettingState
from .forms import ActivityForm, CallForm, ExpertForm, ImportForm
from .models import CommitteeActivity, Discipline, Expert, ExpertApplication, RecruitmentCall
from .pages import CALLS

PAGE = 20


def _office(request):
    selectors.require_office(request.user, request.access_scope)


# --- staff: the pool -----------------------------------------------------------------------------------


@access(rules.READERS)
def expert_list(request):
    _office(request)
    g = request.GET
    discipline = Discipline.objects.filter(code=g.get("discipline", "")).first()
    level = g.get("title_level", "")
    qs = selectors.expert_search(
        q=g.get("q", "")[:50],
        discipline=discipline,
        title_level=int(level) if level.isdigit() else None,
        region=g.get("region", "")[:2],
        state=g.get("state", "")[:10],
        available=g.get("available") == "1",
    )
    page = Paginator(qs, PAGE).get_page(g.get("page"))
    ctx = {
        "page": page,
        "disciplines": Discipline.objects.all(),
        "regions": Region.choices,
        "levels": TitleLevel.choices,
        "states": ExpertState.choices,
        "can_write": rules.can_write(request.user),
    }
    params = g.copy()
    params.pop("page", None)
    ctx["query"] = params.urlencode()
    template = "experts/expert_list.html#results" if request.htmx else "experts/expert_list.html"
    return render(request, template, ctx)


@access(rules.READERS)
def expert_detail(request, pk: int):
    expert = selectors.expert_get_for(request.user, request.access_scope, pk)
    from center.reviews import faces

    ctx = {
        "e": expert,
        "disciplines": expert.expert_disciplines.select_related("discipline"),
        "relations": expert.relations.select_related("other_expert", "organisation"),
        "history": expert.state_history.select_related("actor")[:20],
        "assignments": faces.expert_assignments(expert.pk),
        "credit_events": faces.expert_credit_events(expert.pk),
        "can_reveal": rules.can_reveal(request.user),
        "can_write": rules.can_write(request.user),
        "profile_due": services.profile_due(expert),
        "transitions": [s for s in ExpertState if s in STATE_TRANSITIONS.get(expert.state, set())],
        "kinds": RelationKind.choices,
    }
    return render(request, "experts/expert_detail.html", ctx)


@access(rules.REVEALERS)
def expert_reveal(request, pk: int):
    """Show one full identifier after a confirmation; every reveal is audited."""
    if not rules.can_reveal(request.user):
        raise NotFoundError(_("页面不存在。"))
    expert = Expert.objects.filter(pk=pk).first()
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    field = request.POST.get("field") or request.GET.get("field") or "id_number"
    value = None
    if request.method == "POST":
        try:
            value = services.expert_reveal(
                actor=request.user, expert_id=pk, field_name=field, reason=request.POST.get("reason", "")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "experts/expert_reveal.html", {"e": expert, "field": field, "value": value})


def _employer(form) -> dict:
    """The employer named on the form: the service finds or creates it in the same unit of work."""
    return {
        "name": form.cleaned_data["employer"],
        "credit_code": form.cleaned_data.get("credit_code", ""),
        "region": form.cleaned_data["region"],
        **form.employer_answer(),
    }


def _form_errors(form, exc: ApplicationError) -> None:
    """A refusal on the expert form; a typed employer resembling known units asks which one it is."""
    if isinstance(exc, OrganisationNeedsConfirmation):
        form.offer_employer_choices(exc.extra["candidates"])
        form.add_error("employer_confirm", exc.message)
    else:
        apply_errors(form, exc)


@access(rules.WRITERS)
def expert_create(request):
    _office(request)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(
                actor=request.user,
                employer=_employer(form),
                disciplines=[d.code for d in form.cleaned_data["disciplines"]],
                **form.profile(),
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("专家已建档。"))
            return redirect("experts:expert_detail", expert.pk)
    return render(request, "experts/expert_form.html", {"form": form, "title": _("新建专家")})


@require_POST
@access(rules.WRITERS)
def expert_state(request, pk: int):
    _office(request)
    attempt(
        request,
        lambda: services.expert_set_state(
            actor=request.user,
            expert_id=pk,
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("状态已更新。"),
    )
    return redirect("experts:expert_detail", pk)


@access(rules.WRITERS)
def expert_import(request):
    _office(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            form.add_error("file", _("请上传 .xlsx 文件。"))
        else:
            try:
                report = services.expert_import_xlsx(actor=request.user, data=upload.read())
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                if report.ok:
                    messages.success(request, _("已导入 %(n)s 名专家。") % {"n": report.created})
                else:
                    messages.error(
                        request,
                        _("有 %(n)s 处错误，未导入任何记录。请修改后重新上传。") % {"n": len(report.errors)},
                    )
    return render(
        request,
        "experts/expert_import.html",
        {"form": form, "report": report, "columns": services.IMPORT_COLUMNS},
    )


@access(rules.WRITERS)
def import_template(request):
    """An empty .xlsx with the expected header row."""
    _office(request)
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(services.IMPORT_COLUMNS)
    buf = BytesIO()
    wb.save(buf)
    resp = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = 'attachment; filename="experts-import-template.xlsx"'
    return resp


def _relation_from_post(request, expert_id: int):
    from datetime import date

    p = request.POST

    def day(v):
        try:
            return date.fromisoformat(v) if v else None
        except ValueError:
            raise ApplicationError(_("日期格式应为 YYYY-MM-DD。")) from None

    org = None
    if p.get("organisation", "").strip():
        org = {"name": p["organisation"], "credit_code": p.get("credit_code", "")}
    other = p.get("other_expert", "").strip()
    return services.relation_add(
        actor=request.user,
        expert_id=expert_id,
        kind=p.get("kind", ""),
        other_expert_id=int(other) if other.isdigit() else None,
        other_name=p.get("other_name", ""),
        organisation=org,
        start_date=day(p.get("start_date")),
        end_date=day(p.get("end_date")),
        note=p.get("note", "")[:200],
    )


@require_POST
@access(rules.WRITERS)
def relation_add(request, pk: int):
    expert = selectors.expert_get_for(request.user, request.access_scope, pk)
    attempt(request, lambda: _relation_from_post(request, expert.pk), _("关系已登记。"))
    return redirect("experts:expert_detail", pk)


# --- staff: recruitment calls and vetting ---------------------------------------------------------------


@access(rules.READERS)
def call_list(request):
    _office(request)
    form = CallForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not rules.can_write(request.user):
            raise NotFoundError(_("页面不存在。"))
        if form.is_valid():
            try:
                d = form.cleaned_data
                call = services.call_create(
                    actor=request.user,
                    year=d["year"],
                    title=d["title"],
                    criteria=d["criteria"],
                    deadline=d["deadline"],
                    discipline_ids=[x.pk for x in d["disciplines"]],
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("experts:call_detail", call.pk)
    year = timezone.localdate().year
    calls = RecruitmentCall.objects.all()
    return render(
        request,
        "experts/call_list.html",
        {
            "calls": calls,
            "form": form,
            "year": year,
            "published": services.calls_published_count(year),
            "can_write": rules.can_write(request.user),
        },
    )


@access(rules.READERS)
def call_detail(request, pk: int):
    _office(request)
    call = RecruitmentCall.objects.filter(pk=pk).first()
    if call is None:
        raise NotFoundError(_("征集批次不存在。"))
    apps = call.applications.select_related("expert__employer", "first_by", "review_by")
    return render(
        request,
        "experts/call_detail.html",
        {
            "call": call,
            "apps": apps,
            "can_write": rules.can_write(request.user),
            "VS": VettingState,
            "CS": CallState,
        },
    )


@require_POST
@access(rules.WRITERS)
def call_publish(request, pk: int):
    _office(request)
    attempt(request, lambda: services.call_publish(actor=request.user, call_id=pk), _("已发布到公共网站。"))
    return redirect("experts:call_detail", pk)


@require_POST
@access(rules.WRITERS)
def application_vet(request, pk: int):
    _office(request)
    app = ExpertApplication.objects.filter(pk=pk).first()
    if app is None:
        raise NotFoundError(_("申请不存在。"))
    ok = request.POST.get("decision") == "yes"
    note = request.POST.get("note", "")
    if app.state == VettingState.SUBMITTED:
        attempt(
            request,
            lambda: services.application_first_check(
                actor=request.user, application_id=pk, passed=ok, note=note
            ),
            _("初审意见已记录。"),
        )
    else:
        attempt(
            request,
            lambda: services.application_review(actor=request.user, application_id=pk, admit=ok, note=note),
            _("复审结论已记录。"),
        )
    return redirect("experts:call_detail", app.call_id)


# --- staff: committee activities ----------------------------------------------------------------------


@access(rules.READERS)
def activity_list(request):
    _office(request)
    form = ActivityForm(request.POST or None, events=_recent_events())
    if request.method == "POST":
        if not rules.can_write(request.user):
            raise NotFoundError(_("页面不存在。"))
        if form.is_valid():
            d = form.cleaned_data
            ids = [int(x) for x in d["expert_ids"].replace("，", ",").split(",") if x.strip().isdigit()]
            if attempt(
                request,
                lambda: services.activity_create(
                    actor=request.user,
                    kind=d["kind"],
                    title=d["title"],
                    date=d["date"],
                    location=d["location"],
                    summary=d["summary"],
                    expert_ids=ids,
                    event_id=d["event"],
                ),
                _("活动已记录。"),
            ):
                return redirect("experts:activity_list")
    acts = CommitteeActivity.objects.select_related("event").prefetch_related("experts")[:100]
    return render(
        request,
        "experts/activity_list.html",
        {
            "acts": acts,
            "form": form,
            "can_write": rules.can_write(request.user),
            "public_states": PUBLIC_STATES,
        },
    )


def _recent_events():
    """Events of the last two years and the coming one, to tie an activity to (not cancelled ones)."""
    year = timezone.localdate().year
    return (
        Event.objects.exclude(state=EventState.CANCELLED)
        .filter(starts_at__year__gte=year - 2, starts_at__year__lte=year + 1)
        .order_by("-starts_at")
    )


# --- public site -----------------------------------------------------------------------------------------


@access(PUBLIC)
@public_page(tags=[CALLS])
def public_calls(request):
    return render(
        request,
        "experts/public_calls.html",
        {"calls": selectors.public_calls(), "today": timezone.localdate()},
    )


@access(PUBLIC)
@public_page(tags=[CALLS])
def public_call(request, pk: int):
    call = selectors.public_calls().filter(pk=pk).first()
    if call is None:
        raise NotFoundError(_("征集批次不存在。"))
    return render(
        request,
        "experts/public_call.html",
        {"call": call, "open": call.state == CallState.PUBLISHED and call.deadline >= timezone.localdate()},
    )


# --- the expert portal ----------------------------------------------------------------------------------


def _my_expert(user):
    return Expert.objects.select_related("employer").filter(user=user).first() if user.is_external else None


@access(EXTERNAL)
def portal(request):
    expert = _my_expert(request.user)
    if request.method == "POST" and expert is not None:
        attempt(
            request,
            lambda: services.expert_confirm_profile(actor=request.user, expert_id=expert.pk),
            _("感谢确认，信息已更新。"),
        )
        return redirect("experts:portal")
    ctx = {
        "e": expert,
        "due": expert is not None and services.profile_due(expert),
        "calls": selectors.public_calls().filter(
            state=CallState.PUBLISHED, deadline__gte=timezone.localdate()
        ),
        "applications": expert.applications.select_related("call") if expert else [],
        "relations": expert.relations.select_related("other_expert", "organisation") if expert else [],
        "kinds": RelationKind.choices,
    }
    return render(request, "experts/portal.html", ctx)


SECRET_FIELDS = ("id_number", "bank_account")


def _profile_initial(expert):
    """Current values for the portal form; ID number and bank account are never sent back in full."""
    init = {f: getattr(expert, f) for f in services.PROFILE_FIELDS if f not in SECRET_FIELDS}
    init |= {
        "employer": expert.employer.name,
        "credit_code": expert.employer.credit_code,
        "disciplines": [d.code for d in expert.disciplines.all()],
    }
    return init


def _edit_profile(request, expert, *, done, title):
    """The profile form for the expert (portal) or office staff; secrets are shown masked, blank keeps them."""
    form = ExpertForm(request.POST or None, initial=_profile_initial(expert))
    for name, masker in (("id_number", mask_id_number), ("bank_account", mask_bank_account)):
        form.fields[name].required = False
        form.fields[name].help_text = _("当前：%(v)s。不修改请留空。") % {
            "v": masker(getattr(expert, name)) or "—"
        }
    if request.method == "POST" and form.is_valid():
        profile = {k: v for k, v in form.profile().items() if not (k in SECRET_FIELDS and not v)}
        try:
            services.expert_update(
                actor=request.user,
                expert_id=expert.pk,
                employer=_employer(form),
                disciplines=[d.code for d in form.cleaned_data["disciplines"]],
                **profile,
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("个人信息已保存。"))
            return redirect(done)
    return render(request, "experts/expert_form.html", {"form": form, "title": title})


@access(EXTERNAL)
def portal_profile(request):
    expert = _my_expert(request.user)
    if expert is None:
        raise NotFoundError(_("您还没有专家档案，请先通过征集批次申请入库。"))
    return _edit_profile(request, expert, done="experts:portal", title=_("我的专家信息"))


@access(rules.WRITERS)
def expert_edit(request, pk: int):
    if not rules.can_write(request.user):
        raise NotFoundError(_("页面不存在。"))
    expert = selectors.expert_get_for(request.user, request.access_scope, pk)
    return _edit_profile(request, expert, done=f"/experts/{pk}/", title=expert.name)


@require_POST
@access(EXTERNAL)
def portal_relation(request):
    """The expert declares a relationship (relative, teacher–student, co-author, former employer …)."""
    expert = _my_expert(request.user)
    if expert is None:
        raise NotFoundError(_("您还没有专家档案，请先通过征集批次申请入库。"))
    attempt(request, lambda: _relation_from_post(request, expert.pk), _("关系已登记。"))
    return redirect("experts:portal")


@access(EXTERNAL)
def portal_apply(request, pk: int):
    call = selectors.public_calls().filter(pk=pk, state=CallState.PUBLISHED).first()
    if call is None:
        raise NotFoundError(_("征集批次不存在或未发布。"))
    expert = _my_expert(request.user)
    form = (
        None
        if expert
        else ExpertForm(
            request.POST or None, initial={"name": request.user.full_name, "email": request.user.email}
        )
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                services.expert_apply(actor=request.user, call_id=pk)
            else:
                services.expert_apply(
                    actor=request.user,
                    call_id=pk,
                    employer=_employer(form),
                    disciplines=[d.code for d in form.cleaned_data["disciplines"]],
                    **form.profile(),
                )
        except ApplicationError as exc:
            if form is None:
                messages.error(request, exc.message)
            else:
                _form_errors(form, exc)
        else:
            messages.success(request, _("申请已提交，请等待审核。"))
            return redirect("experts:portal")
    return render(request, "experts/portal_apply.html", {"call": call, "form": form, "e": expert})
