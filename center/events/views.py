"""Pages of the events area: public list/detail/registration/ticket/survey/calendar and the staff
pages (plan, approve, registrations, check-in, survey, report, roadshow, dashboard, calendar)."""

from datetime import date

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.control.models import Application
from center.control.rules import CONTROL_USERS
from center.control.selectors import document_get_for
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ForbiddenError, NotFoundError
from center.core.files import stored_response
from center.core.forms import int_or
from center.core.pagecache import public_page
from center.core.permissions import PUBLIC, access, record_denial
from center.core.views import apply_errors

from . import exports, pages, rules, selectors, services
from .enums import (
    CHECKIN_STATES,
    TRANSITION_LABELS,
    TRANSITIONS,
    EventState,
    FieldKind,
    RegistrationState,
    SurveyState,
)
from .forms import (
    CancelForm,
    CheckinForm,
    CostLineForm,
    EventForm,
    EventTypeForm,
    FormFieldForm,
    InvestorForm,
    OutcomeForm,
    PhotoForm,
    RegistrationForm,
    ReportForm,
    RoadshowApplicationForm,
    ScoreForm,
    SurveyAnswerForm,
    SurveyQuestionForm,
    SurveyRuleForm,
    WalkinForm,
)
from .models import (
    Event,
    EventPhoto,
    EventType,
    FormField,
    Registration,
    RegistrationFile,
    RoadshowApplication,
    Survey,
)
from .rules import CHECKIN, EVENT_ACTORS, EVENT_EDITORS, EVENT_READERS, TYPE_ADMIN
from .tickets import qr_payload


def _qr_data_uri(text: str) -> str:
    # svg_data_uri keeps the SVG namespace (svg_inline drops it, and then an <img> cannot show it).
    return segno.make(text, error="m").svg_data_uri(scale=6, dark="#111", border=2)


def _event(request, pk):
    return selectors.event_get_for(request.user, request.access_scope, pk)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _month(request) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    try:
        y, m = (int(x) for x in raw.split("-"))
        date(y, m, 1)
        return y, m
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month


def _calendar_context(request, qs, *, public: bool) -> dict:
    year, month = _month(request)
    events = list(selectors.calendar_events(qs, year, month))
    prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
    next_m = (year + 1, 1) if month == 12 else (year, month + 1)
    in_month = [
        e
        for e in events
        if timezone.localtime(e.starts_at).month == month or timezone.localtime(e.ends_at).month == month
    ]
    return {
        "weeks": selectors.month_grid(events, year, month),
        "month_events": in_month,
        "year": year,
        "month": month,
        "prev": f"{prev_m[0]}-{prev_m[1]:02d}",
        "next": f"{next_m[0]}-{next_m[1]:02d}",
        "view": "list" if request.GET.get("view") == "list" else "month",
        "public": public,
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
    }


# --- public pages ----------------------------------------------------------------------------


@access(PUBLIC)
@public_page(tags=[pages.PUBLIC], ttl=pages.seats_ttl, query=("type", "page"))
def public_list(request):
    type_id = request.GET.get("type", "")
    qs = selectors.public_events(type_id=int(type_id) if type_id.isdigit() else None)
    page = Paginator(qs, 12).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public_list.html",
        {
            "page": page,
            "types": selectors.event_types(),
            "type_id": type_id,
            "query": f"type={type_id}" if type_id else "",
        },
    )


@access(PUBLIC)
@public_page(tags=[pages.PUBLIC], ttl=pages.seats_ttl, query=("month", "view"))
def public_calendar(request):
    return render(
        request, "events/calendar.html", _calendar_context(request, selectors.public_events(), public=True)
    )


@access(PUBLIC)
@public_page(tags=pages.event_tags, ttl=pages.seats_ttl)
def public_detail(request, pk: int):
    if request.method == "POST":
        return _register(request, pk)
    event = selectors.public_event_get(pk)
    form = (
        RegistrationForm(fields=event.form_fields.all())
        if event.state == EventState.REGISTRATION_OPEN
        else None
    )
    return render(
        request,
        "events/public_detail.html",
        {"event": event, "form": form, "retention_days": services.retention_days()},
    )


def _register(request, pk: int):
    """A registration: the form fields are read, and the event's state is checked by the service under the
    event's lock. The event itself is read only to show the form again (or 404 if it is not public)."""
    form = RegistrationForm(request.POST, request.FILES or None, fields=selectors.registration_fields(pk))
    status = 400  # the form shown again with what is wrong: a 4xx, so that no client takes it for success
    if form.is_valid():
        answers, files = form.answers()
        data = form.cleaned_data
        try:
            reg = services.registration_create(
                event_id=pk,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                organisation=data["organisation"],
                answers=answers,
                files=files,
                language=get_language(),
                form_fields=form.event_fields,  # already loaded for the form: one query less
                consent=data["consent"],
            )
        except NotFoundError:
            raise
        except ApplicationError as exc:
            status = exc.status_code  # a duplicate person: 409
            if exc.extra.get("code") != "registration_closed":
                _apply_registration_error(form, exc)
        else:
            # No message in the session: the ticket page says everything (keeps registration cheap).
            return redirect(reverse("events:ticket", args=[reg.token]) + "?new=1")
    event = selectors.public_event_get(pk)
    if event.state != EventState.REGISTRATION_OPEN:
        messages.error(request, _("此活动当前不接受报名。"))
        return redirect("events:public_detail", pk=pk)
    return render(
        request,
        "events/public_detail.html",
        {"event": event, "form": form, "retention_days": services.retention_days()},
        status=status,
    )


def _apply_registration_error(form, exc: ApplicationError) -> None:
    field = exc.extra.get("field")
    if field and f"x_{field}" in form.fields:
        form.add_error(f"x_{field}", exc.message)
    else:
        apply_errors(form, exc)


@access(PUBLIC)
def roadshow_apply(request, pk: int):
    event = selectors.public_event_get(pk)
    if not event.type.is_roadshow:
        raise Http404
    form = RoadshowApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("attachment")
        try:
            services.roadshow_apply(
                event_id=event.pk,
                attachment=services.UploadedFile(upload.name, upload.read()) if upload else None,
                **data,
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("项目申报已提交，评选结果将通过电子邮件通知。"))
            return redirect("events:public_detail", pk=pk)
    return render(request, "events/roadshow_apply.html", {"event": event, "form": form})


@access(PUBLIC)
def ticket(request, token: str):
    reg = services.registration_by_token(token)
    survey = Survey.objects.filter(event=reg.event, state=SurveyState.OPEN).first()
    return render(
        request,
        "events/ticket.html",
        {
            "reg": reg,
            "event": reg.event,
            "qr": _qr_data_uri(qr_payload(reg))
            if reg.state == RegistrationState.CONFIRMED and reg.event.state != EventState.CANCELLED
            else None,
            "new": request.GET.get("new") == "1",
            "others": selectors.other_registrations_of(reg),
            "survey_open": survey is not None and reg.checked_in_at is not None,
            "can_cancel": rules.may_cancel_registration(request.user, reg),
        },
    )


@require_POST
@access(PUBLIC)
def ticket_cancel(request, token: str):
    try:
        services.registration_cancel(token=token)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报名已取消。"))
    return redirect("events:ticket", token=token)


@access(PUBLIC)
def survey(request, token: str):
    reg = services.registration_by_token(token)
    srv = Survey.objects.filter(event=reg.event).first()
    if srv is None or srv.state != SurveyState.OPEN:
        return render(request, "events/survey_public.html", {"reg": reg, "closed": True})
    answered = srv.responses.filter(registration=reg).exists()
    form = SurveyAnswerForm(request.POST or None, survey=srv)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(token=token, answers=form.answers())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("感谢您的反馈！"))
            return redirect("events:ticket", token=token)
    return render(
        request, "events/survey_public.html", {"reg": reg, "survey": srv, "form": form, "answered": answered}
    )


# --- staff: list, plan, approve ----------------------------------------------------------------


@access(EVENT_READERS)
def manage_list(request):
    g = request.GET
    qs = selectors.event_list_for(
        request.user,
        request.access_scope,
        year=int(g["year"]) if g.get("year", "").isdigit() else None,
        state=g.get("state", "") if g.get("state") in EventState.values else "",
        type_id=int(g["type"]) if g.get("type", "").isdigit() else None,
        q=g.get("q", "").strip()[:100],
    )
    page = Paginator(qs, 25).get_page(g.get("page"))
    return render(
        request,
        "events/manage_list.html",
        {
            "page": page,
            "states": EventState.choices,
            "types": selectors.event_types(active_only=False),
            "query": g.urlencode().replace("page=", "_="),
            "can_create": rules.may_create(request.user),
        },
    )


def _event_kwargs(data: dict) -> tuple[dict, list]:
    data = dict(data)
    indicators = list(data.pop("indicators", []) or [])
    return data, indicators


@access(EVENT_EDITORS)
def event_create(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields, indicators = _event_kwargs(form.cleaned_data)
        try:
            event = services.event_create(actor=request.user, indicators=indicators, **fields)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("活动已创建，请配置报名表并提交审批。"))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@access(EVENT_EDITORS)
def event_edit(request, pk: int):
    event = _event(request, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fields, indicators = _event_kwargs(form.cleaned_data)
        try:
            services.event_update(actor=request.user, event_id=event.pk, indicators=indicators, **fields)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("活动已保存。"))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def _available_verbs(user, event) -> list[tuple[str, str]]:
    """The lifecycle buttons: the verbs the event's state allows and the rules let this user do."""
    return [
        (verb, TRANSITION_LABELS[verb])
        for verb, (sources, _target) in TRANSITIONS.items()
        if event.state in sources and rules.may_act(user, event, verb)
    ]


@access(EVENT_READERS)
def event_detail(request, pk: int):
    event = _event(request, pk)
    return render(
        request,
        "events/manage_detail.html",
        {
            "event": event,
            "verbs": _available_verbs(request.user, event),
            "counts": selectors.registration_counts(event),
            "indicators": list(event.indicators.select_related("project")),
            "cancel_form": CancelForm(),
            "public_url": request.build_absolute_uri(reverse("events:public_detail", args=[event.pk])),
        },
    )


@require_POST
@access(EVENT_ACTORS)
def event_transition(request, pk: int, verb: str):
    event = _event(request, pk)
    service = services.SERVICES_BY_VERB.get(verb)
    if service is None:
        raise Http404
    kwargs = {}
    if verb == "cancel":
        form = CancelForm(request.POST)
        kwargs["reason"] = form.data.get("reason", "")
    try:
        service(actor=request.user, event_id=event.pk, **kwargs)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%(v)s。") % {"v": TRANSITION_LABELS[verb]})
    return redirect("events:detail", pk=event.pk)


@access(TYPE_ADMIN)
def event_types(request):
    form = EventTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_type_save(
                actor=request.user, pk=request.POST.get("pk") or None, **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("活动类型已保存。"))
            return redirect("events:types")
    return render(request, "events/types.html", {"form": form, "types": EventType.objects.all()})


# --- staff: registration form and registrations --------------------------------------------------


@access(EVENT_EDITORS)
def form_fields(request, pk: int):
    event = _event(request, pk)
    form = FormFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.form_field_add(actor=request.user, event_id=event.pk, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("字段已添加。"))
            return redirect("events:fields", pk=event.pk)
    return render(
        request, "events/fields.html", {"event": event, "form": form, "fields": event.form_fields.all()}
    )


@require_POST
@access(EVENT_EDITORS)
def form_field_remove(request, pk: int):
    event_id = FormField.objects.filter(pk=pk).values_list("event_id", flat=True).first()
    if event_id is None:
        raise Http404
    _event(request, event_id)  # 404 unless the user may see that event
    try:
        services.form_field_remove(actor=request.user, field_id=pk)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("字段已删除。"))
    return redirect("events:fields", pk=event_id)


@access(EVENT_READERS)
def registrations(request, pk: int):
    event = _event(request, pk)
    state = request.GET.get("state", "")
    qs = selectors.registrations_of(
        event,
        state=state if state in RegistrationState.values else "",
        q=request.GET.get("q", "").strip()[:100],
    ).prefetch_related("files")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "page": page,
            "states": RegistrationState.choices,
            "counts": selectors.registration_counts(event),
            "fields": {f.key: f.label for f in event.form_fields.all()},
            "is_organiser": rules.may_organise(request.user, event),
            "query": request.GET.urlencode().replace("page=", "_="),
        },
    )


@access(EVENT_READERS)
def registrations_xlsx(request, pk: int):
    """The registration list as .xlsx. Contacts are masked; the organiser may ask for them in full
    (`?contacts=full`), which is recorded in the audit trail as a reveal of personal data."""
    event = _event(request, pk)
    full = request.GET.get("contacts") == "full"
    if full and not rules.may_reveal_contacts(request.user, event):
        record_denial(request, "events:contacts-not-organiser")
        raise ForbiddenError(_("只有主办部门可以导出完整联系方式。"))
    regs = list(selectors.registrations_of(event))
    fields = {f.key: f.label for f in event.form_fields.all() if f.kind != FieldKind.FILE}
    data = exports.registrations_xlsx(event, regs, fields, full_contacts=full)
    audit_log(
        "events.registrations.exported",
        actor=request.user,
        target=event,
        extra={"rows": len(regs), "full_contacts": full},
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-registrations.xlsx"'
    return response


@require_POST
@access(EVENT_EDITORS)
def registration_decide(request, pk: int, decision: str):
    if decision not in ("approve", "reject"):
        raise Http404
    event_id = Registration.objects.filter(pk=pk).values_list("event_id", flat=True).first()
    if event_id is None:
        raise Http404
    _event(request, event_id)  # 404 unless the user may see that event
    try:
        reg = services.registration_decide(
            actor=request.user, registration_id=pk, approve=decision == "approve"
        )
    except NotFoundError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("events:manage_list")
    messages.success(
        request, _("已处理 %(n)s 的报名：%(s)s。") % {"n": reg.name, "s": reg.get_state_display()}
    )
    return redirect("events:registrations", pk=reg.event_id)


@access(EVENT_READERS)
def upload_download(request, pk: int):
    f = RegistrationFile.objects.select_related("registration", "application").filter(pk=pk).first()
    if f is None:
        raise Http404
    event_id = f.registration.event_id if f.registration_id else f.application.event_id
    _event(request, event_id)  # 404 unless the reader may see that event
    response = stored_response(
        f.stored_name, content_type=f.content_type, filename=f.original_name, as_attachment=True
    )
    audit_log("events.upload.downloaded", actor=request.user, target=f)
    return response


# --- staff: check-in ------------------------------------------------------------------------------


def _checkin_context(request, event, **extra):
    return {
        "event": event,
        "counts": selectors.registration_counts(event),
        "recent": selectors.recent_checkins(event),
        "form": CheckinForm(),
        "walkin_form": WalkinForm(),
        "open": event.state in CHECKIN_STATES,
        "closed_reason": services.checkin_closed_reason(event),
        "window": services.checkin_window(event),
        **extra,
    }


@access(CHECKIN)
def checkin(request, pk: int):
    event = _event(request, pk)
    result = None
    if request.method == "POST":
        form = CheckinForm(request.POST)
        raw = form.data.get("code", "")
        try:
            reg = services.checkin(actor=request.user, event_id=event.pk, raw=raw)
        except NotFoundError as exc:
            result = {"ok": False, "message": exc.message, "outcome": "invalid"}
        except ApplicationError as exc:
            result = {"ok": False, "message": exc.message, "outcome": exc.extra.get("outcome", "refused")}
        else:
            result = {"ok": True, "reg": reg, "message": _("签到成功")}
        event.refresh_from_db()
        if request.htmx:
            # The answer and, swapped out of band, the counters and recent list as they are after this scan.
            return render(
                request, "events/checkin.html#scan_answer", _checkin_context(request, event, result=result)
            )
    return render(request, "events/checkin.html", _checkin_context(request, event, result=result))


@access(CHECKIN)
def checkin_counts(request, pk: int):
    event = _event(request, pk)
    return render(request, "events/checkin.html#counts", _checkin_context(request, event))


@require_POST
@access(CHECKIN)
def walkin(request, pk: int):
    event = _event(request, pk)
    form = WalkinForm(request.POST)
    result = None
    if form.is_valid():
        try:
            reg = services.walkin_register(actor=request.user, event_id=event.pk, **form.cleaned_data)
        except ApplicationError as exc:
            result = {"ok": False, "message": exc.message, "outcome": "refused"}
        else:
            result = {"ok": True, "reg": reg, "message": _("现场报名并签到成功")}
    else:
        result = {"ok": False, "message": _("请正确填写姓名、电子邮箱和手机号。"), "outcome": "refused"}
    event.refresh_from_db()
    ctx = _checkin_context(request, event, result=result)
    if not result["ok"]:
        ctx["walkin_form"] = form
    return render(request, "events/checkin.html", ctx)


# --- staff: survey ---------------------------------------------------------------------------------


@access(EVENT_READERS)
def survey_manage(request, pk: int):
    event = _event(request, pk)
    srv = Survey.objects.filter(event=event).first()  # created by the first question added
    q_form = SurveyQuestionForm(request.POST if request.POST.get("action") == "question" else None)
    rule_form = SurveyRuleForm(
        request.POST if request.POST.get("action") == "rule" else None,
        initial={"threshold": srv.satisfaction_threshold if srv else 4, "intro": srv.intro if srv else ""},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "question" and q_form.is_valid():
                services.survey_question_add(actor=request.user, event_id=event.pk, **q_form.cleaned_data)
            elif action == "rule" and rule_form.is_valid():
                services.survey_set_rule(actor=request.user, event_id=event.pk, **rule_form.cleaned_data)
            elif action == "open":
                services.survey_open(actor=request.user, event_id=event.pk)
            elif action == "close":
                services.survey_close(actor=request.user, event_id=event.pk)
            elif action == "remove":
                services.survey_question_remove(
                    actor=request.user, question_id=int_or(request.POST.get("question"))
                )
            else:
                raise ApplicationError(_("请检查填写的内容。"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("问卷已更新。"))
            return redirect("events:survey_manage", pk=event.pk)
    return render(
        request,
        "events/survey_manage.html",
        {
            "event": event,
            "survey": srv,
            "results": selectors.survey_results(srv) if srv else [],
            "q_form": q_form,
            "rule_form": rule_form,
            "is_organiser": rules.may_organise(request.user, event),
            "responses": srv.responses.count() if srv else 0,
        },
    )


# --- staff: report ---------------------------------------------------------------------------------


@access(EVENT_READERS)
def report(request, pk: int):
    event = _event(request, pk)
    form = ReportForm(
        request.POST if request.POST.get("action") == "report" else None,
        initial={"summary": event.report_summary, "outcomes": event.report_outcomes},
    )
    cost_form = CostLineForm(request.POST if request.POST.get("action") == "cost" else None)
    photo_form = PhotoForm(
        request.POST if request.POST.get("action") == "photo" else None,
        request.FILES if request.POST.get("action") == "photo" else None,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "report" and form.is_valid():
                services.report_save(actor=request.user, event_id=event.pk, **form.cleaned_data)
            elif action == "cost" and cost_form.is_valid():
                services.cost_line_add(actor=request.user, event_id=event.pk, **cost_form.cleaned_data)
            elif action == "cost_remove":
                services.cost_line_remove(actor=request.user, line_id=int_or(request.POST.get("line")))
            elif action == "photo" and photo_form.is_valid():
                upload = photo_form.cleaned_data["photo"]
                services.photo_add(
                    actor=request.user,
                    event_id=event.pk,
                    name=upload.name,
                    data=upload.read(),
                    caption=photo_form.cleaned_data["caption"],
                )
            else:
                raise ApplicationError(_("请检查填写的内容。"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("总结已更新。"))
            return redirect("events:report", pk=event.pk)
    data = selectors.event_report_data(event)
    return render(
        request,
        "events/report.html",
        {
            **data,
            "form": form,
            "cost_form": cost_form,
            "photo_form": photo_form,
            "is_organiser": rules.may_organise(request.user, event),
            "editable": event.state in services.REPORT_STATES,
            "can_open_control": _can_open_application(request.user, data["control"]),
        },
    )


def _can_open_application(user, control: dict | None) -> bool:
    """Whether the report may link to the prior application: the user may open it in budget control."""
    if control is None or not CONTROL_USERS.allows(user):
        return False
    try:
        document_get_for(user, Application, CONTROL_USERS.scope_for(user), control["application"].pk)
    except NotFoundError:
        return False
    return True


@access(EVENT_READERS)
def photo(request, pk: int):
    p = EventPhoto.objects.select_related("attachment").filter(pk=pk).first()
    if p is None:
        raise Http404
    _event(request, p.event_id)
    return stored_response(p.attachment.stored_name, content_type=p.attachment.content_type)


@access(EVENT_READERS)
def report_xlsx(request, pk: int):
    event = _event(request, pk)
    data = exports.report_xlsx(selectors.event_report_data(event))
    audit_log("events.report.exported", actor=request.user, target=event, extra={"format": "xlsx"})
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-report.xlsx"'
    return response


@access(EVENT_READERS)
def report_pdf(request, pk: int):
    event = _event(request, pk)
    data = exports.report_pdf(selectors.event_report_data(event))
    audit_log("events.report.exported", actor=request.user, target=event, extra={"format": "pdf"})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-report.pdf"'
    return response


# --- staff: roadshow -------------------------------------------------------------------------------


@access(EVENT_READERS)
def roadshow(request, pk: int):
    event = _event(request, pk)
    if not event.type.is_roadshow:
        raise Http404
    inv_form = InvestorForm(request.POST if request.POST.get("action") == "investor" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "investor" and inv_form.is_valid():
                services.investor_add(actor=request.user, event_id=event.pk, **inv_form.cleaned_data)
            else:
                raise ApplicationError(_("请检查填写的内容。"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("投资人已登记。"))
            return redirect("events:roadshow", pk=event.pk)
    apps = event.roadshow_applications.all().prefetch_related("outcomes").order_by("-score", "id")
    return render(
        request,
        "events/roadshow.html",
        {
            "event": event,
            "apps": apps,
            "investors": event.investors.all(),
            "inv_form": inv_form,
            "is_organiser": rules.may_organise(request.user, event),
        },
    )


@access(EVENT_READERS)
def roadshow_application(request, pk: int):
    app = RoadshowApplication.objects.filter(pk=pk).first()
    if app is None:
        raise Http404
    event = _event(request, app.event_id)
    action = request.POST.get("action")
    score_form = ScoreForm(request.POST if action == "score" else None)
    outcome_form = OutcomeForm(request.POST if action == "outcome" else None)
    if request.method == "POST":
        try:
            if action == "score" and score_form.is_valid():
                data = dict(score_form.cleaned_data)
                comment = data.pop("comment", "")
                services.roadshow_score(
                    actor=request.user, application_id=app.pk, marks=data, comment=comment
                )
            elif action in ("select", "reject"):
                services.roadshow_decide(
                    actor=request.user, application_id=app.pk, selected=action == "select"
                )
            elif action == "outcome" and outcome_form.is_valid():
                services.outcome_add(actor=request.user, application_id=app.pk, **outcome_form.cleaned_data)
            else:
                raise ApplicationError(_("请检查填写的内容。"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("events:roadshow_application", pk=app.pk)
    return render(
        request,
        "events/roadshow_application.html",
        {
            "event": event,
            "app": app,
            "scores": app.scores.select_related("scorer"),
            "outcomes": app.outcomes.select_related("investor", "recorded_by"),
            "score_form": score_form,
            "outcome_form": outcome_form,
            "is_organiser": rules.may_organise(request.user, event),
        },
    )


# --- dashboard and calendar -------------------------------------------------------------------------


@access(EVENT_READERS)
def dashboard(request):
    year = _year(request)
    if "year" not in request.GET and not selectors.indicator_progress(year):
        # no indicator-linked events this year yet: show the latest year that has some
        latest = (
            Event.objects.filter(indicators__isnull=False)
            .order_by("-starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        if latest:
            year = timezone.localtime(latest).year
    progress = selectors.indicator_progress(year)
    visible = selectors.event_list_for(request.user, request.access_scope)
    rows = []
    for p in progress:
        pct = 0
        if p.actual is not None and p.target:
            pct = min(int(p.actual * 100 / p.target), 100)
        rows.append({"p": p, "pct": pct})
    return render(
        request,
        "events/dashboard.html",
        {
            "year": year,
            "rows": rows,
            "types": selectors.type_summary(year, visible),
            "years": range(timezone.localdate().year, 2019, -1),
        },
    )


@access(EVENT_READERS)
def manage_calendar(request):
    qs = selectors.event_list_for(request.user, request.access_scope)
    return render(request, "events/calendar.html", _calendar_context(request, qs, public=False))
