"""Scoped reads of the events area, the calendar, the dashboard and `indicator_progress(year)` for
the performance module."""

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from center.control.selectors import application_execution, paid_through_control
from center.core.enums import Scope
from center.core.errors import NotFoundError
from center.core.pagecache import remembered

from .enums import COUNTED_STATES, PUBLIC_STATES, EventState, QuestionKind, RegistrationState
from .models import Event, EventType, FormField, Registration, RoadshowApplication, SurveyAnswer
from .pages import event_tags


def event_scope_q(user, scope) -> Q:
    """Unit: everything. Department: the departments one heads or oversees, plus one's own department.
    Own (经办人): the events of one's own department — any of its staff may run the check-in."""
    if scope == Scope.UNIT:
        return Q()
    if scope not in (Scope.DEPARTMENT, Scope.OWN):
        return Q(pk__in=[])
    q = Q(owner=user)
    if user.department_id:
        q |= Q(department_id=user.department_id)
    if scope == Scope.DEPARTMENT:
        q |= Q(department_id__in=user.scoped_department_ids)
    return q


def event_list_for(user, scope, *, year=None, state="", type_id=None, q=""):
    qs = (
        Event.objects.filter(event_scope_q(user, scope))
        .select_related("type", "department", "owner")
        .order_by("-starts_at", "-id")
    )
    if year:
        qs = qs.filter(starts_at__year=year)
    if state:
        qs = qs.filter(state=state)
    if type_id:
        qs = qs.filter(type_id=type_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(venue__icontains=q))
    return qs


def event_get_for(user, scope, pk: int) -> Event:
    event = (
        Event.objects.filter(event_scope_q(user, scope), pk=pk)
        .select_related("type", "department", "owner", "budget_item", "budget_item__project", "approved_by")
        .first()
    )
    if event is None:
        raise NotFoundError(_("活动不存在。"))
    return event


def event_types(active_only=True):
    qs = EventType.objects.all()
    return qs.filter(active=True) if active_only else qs


# What a visitor is told about an event (never the internal workflow state): key, label, badge class.
PUBLIC_STATUS = {
    "upcoming": (gettext_lazy("即将举行"), "text-bg-primary"),
    "open": (gettext_lazy("报名中"), "text-bg-success"),
    "closed": (gettext_lazy("报名截止"), "text-bg-warning"),
    "ended": (gettext_lazy("已结束"), "text-bg-secondary"),
    "cancelled": (gettext_lazy("已取消"), "text-bg-danger"),
}


def public_status(event, now=None) -> str:
    """The public state of an event: upcoming, registration open, registration closed, ended (or cancelled)."""
    now = now or timezone.now()
    if event.state == EventState.CANCELLED:
        return "cancelled"
    if event.state in COUNTED_STATES or event.ends_at <= now:
        return "ended"
    if event.state == EventState.REGISTRATION_OPEN:
        deadline = event.registration_closes_at or event.starts_at
        return "open" if deadline > now else "closed"
    if event.state == EventState.REGISTRATION_CLOSED:
        return "closed"
    return "upcoming"


def public_events(*, upcoming_only=False, type_id=None):
    qs = Event.objects.filter(state__in=sorted(PUBLIC_STATES)).select_related("type", "department")
    if upcoming_only:
        qs = qs.filter(ends_at__gte=timezone.now())
    if type_id:
        qs = qs.filter(type_id=type_id)
    return qs.order_by("-starts_at", "-id")


def public_event_get(pk: int) -> Event:
    event = (
        Event.objects.filter(pk=pk, state__in=sorted(PUBLIC_STATES))
        .select_related("type", "department")
        .prefetch_related("form_fields")
        .first()
    )
    if event is None:
        raise NotFoundError(_("活动不存在或尚未发布。"))
    return event


def registration_fields(event_id: int) -> list[FormField]:
    """The organiser's registration fields of an event (for a posted form: the event itself is checked under
    its lock by `services.registration_create`). Every registration of a burst reads them: kept per process
    until the event's page tag changes (a field added or removed, center.events.pages)."""
    return list(
        remembered(
            f"events.form_fields:{event_id}",
            event_tags(event_id),
            lambda: tuple(FormField.objects.filter(event_id=event_id).order_by("sort", "id")),
        )
    )


def registrations_of(event: Event, *, state: str = "", q: str = ""):
    qs = event.registrations.all().select_related("checked_in_by").order_by("created_at", "id")
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(organisation__icontains=q) | Q(code__iexact=q))
    return qs


def other_registrations_of(reg: Registration, limit: int = 20):
    """The same person's other registrations (same e-mail), for the ticket page: the token was mailed
    to that address, so its holder sees what that address registered for."""
    return (
        Registration.objects.filter(email_index=reg.email_index)
        .exclude(pk=reg.pk)
        .select_related("event")
        .order_by("-created_at")[:limit]
    )


def registration_counts(event: Event) -> dict:
    rows = dict(event.registrations.values_list("state").annotate(n=Count("id")))
    return {
        "confirmed": event.confirmed_count,
        "checked_in": event.checked_in_count,
        "waitlisted": rows.get(RegistrationState.WAITLISTED, 0),
        "pending": rows.get(RegistrationState.PENDING, 0),
        "cancelled": rows.get(RegistrationState.CANCELLED, 0),
        "capacity": event.capacity,
        "not_arrived": max(event.confirmed_count - event.checked_in_count, 0),
        "walk_in": event.registrations.filter(walk_in=True).count(),
    }


def recent_checkins(event: Event, limit=8):
    return event.registrations.filter(checked_in_at__isnull=False).order_by("-checked_in_at")[:limit]


# --- survey results ----------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: object
    count: int = 0
    mean: Decimal | None = None
    distribution: list[tuple[str, int, int]] = field(default_factory=list)  # (label, count, percent)
    texts: list[str] = field(default_factory=list)


def survey_results(survey) -> list[QuestionResult]:
    results = []
    answers = defaultdict(list)
    for a in SurveyAnswer.objects.filter(question__survey=survey).order_by("id"):
        answers[a.question_id].append(a)
    for q in survey.questions.all():
        rows = answers.get(q.pk, [])
        r = QuestionResult(question=q, count=len(rows))
        if q.kind == QuestionKind.RATING:
            ratings = [a.rating for a in rows if a.rating is not None]
            if ratings:
                r.mean = (Decimal(sum(ratings)) / len(ratings)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
            for v in range(q.scale_max, 0, -1):
                n = ratings.count(v)
                r.distribution.append((str(v), n, round(100 * n / len(ratings)) if ratings else 0))
        elif q.kind in (QuestionKind.CHOICE, QuestionKind.MULTICHOICE):
            for c in q.choice_list:
                n = sum(1 for a in rows if c in a.choices)
                r.distribution.append((c, n, round(100 * n / len(rows)) if rows else 0))
        else:
            r.texts = [a.text for a in rows if a.text][:200]
        results.append(r)
    return results


# --- report ------------------------------------------------------------------------------------


def event_report_data(event: Event) -> dict:
    lines = list(event.cost_lines.all())
    planned_lines = sum((c.planned for c in lines), Decimal(0))
    actual = sum((c.actual for c in lines), Decimal(0))
    planned = event.planned_cost or planned_lines
    counts = registration_counts(event)
    attendance_rate = (
        (Decimal(counts["checked_in"]) * 100 / Decimal(counts["confirmed"])).quantize(Decimal("0.1"))
        if counts["confirmed"]
        else None
    )
    survey = getattr(event, "survey", None) if hasattr(event, "survey") else None
    return {
        # The money side as budget control keeps it: claims against the event's prior application.
        "control": application_execution(event.application_ref),
        "event": event,
        "counts": counts,
        "attendance_rate": attendance_rate,
        "cost_lines": lines,
        "planned_total": planned,
        "actual_total": actual,
        "variance": actual - planned,
        "execution_rate": (actual * 100 / planned).quantize(Decimal("0.1")) if planned else None,
        "survey": survey,
        "responses": survey.responses.count() if survey else 0,
        "photos": list(event.photos.select_related("attachment")),
        "roadshow": list(
            RoadshowApplication.objects.filter(event=event)
            .prefetch_related("outcomes")
            .order_by("-score", "id")
        )
        if event.type.is_roadshow
        else [],
    }


# --- calendar ---------------------------------------------------------------------------------


def month_grid(events, year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of day cells {date, in_month, events} for a month calendar."""
    by_day = defaultdict(list)
    for e in events:
        start = timezone.localtime(e.starts_at).date()
        end = timezone.localtime(e.ends_at).date()
        d = start
        while d <= end and (d - start).days < 40:
            by_day[d].append(e)
            d += timedelta(days=1)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"date": d, "in_month": d.month == month, "events": by_day.get(d, [])} for d in week])
    return weeks


def month_bounds(year: int, month: int):
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    tz = timezone.get_current_timezone()
    # Include events overlapping the displayed weeks (the grid shows a few days of the neighbours).
    start = timezone.make_aware(datetime.combine(first - timedelta(days=7), time.min), tz)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=7), time.max), tz)
    return start, end


def calendar_events(qs, year: int, month: int):
    start, end = month_bounds(year, month)
    return qs.filter(starts_at__lte=end, ends_at__gte=start).order_by("starts_at", "id")


# --- counting towards targets -------------------------------------------------------------------


@dataclass
class IndicatorProgress:
    indicator_id: int
    name: str
    project: str
    target_display: str
    comparator: str
    target: Decimal | None
    unit: str
    is_satisfaction: bool
    held: int  # qualifying events held this year (held, reported or closed)
    planned: int  # linked events not yet held and not cancelled
    satisfaction: Decimal | None  # across the held events, weighted by the number of answers
    actual: Decimal | None  # what the indicator measures: the count, or the satisfaction %
    met: bool | None
    event_ids: list[int]


def _target_number(value: str) -> Decimal | None:
    m = re.search(r"\d+(?:\.\d+)?", value or "")
    if not m:
        return None
    try:
        return Decimal(m.group())
    except InvalidOperation:
        return None


def _met(actual: Decimal | None, comparator: str, target: Decimal | None) -> bool | None:
    if actual is None or target is None:
        return None
    return {
        "=": actual >= target,  # "3 场": reaching the number is meeting it
        ">=": actual >= target,
        ">": actual > target,
        "<=": actual <= target,
        "<": actual < target,
    }.get(comparator or "=", actual >= target)


def weighted_satisfaction(events) -> Decimal | None:
    num, den = Decimal(0), 0
    for e in events:
        if e.satisfaction_rate is not None and e.satisfaction_basis:
            num += e.satisfaction_rate * e.satisfaction_basis
            den += e.satisfaction_basis
    return (num / den).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if den else None


def indicator_progress(year: int) -> list[IndicatorProgress]:
    """For each performance indicator linked to events of `year`: qualifying events held vs the target
    and the audience satisfaction across them. An indicator measured in % whose name mentions 满意
    (受众满意度 ≥90%) takes the weighted satisfaction as its actual value; the others the count.
    For the performance module: a plain list of dataclasses, no request needed."""
    from center.budget.models import PerformanceIndicator

    events = list(
        Event.objects.filter(starts_at__year=year, indicators__isnull=False)
        .exclude(state=EventState.CANCELLED)
        .distinct()
        .prefetch_related("indicators")
    )
    by_indicator = defaultdict(list)
    for e in events:
        for ind in e.indicators.all():
            by_indicator[ind.pk].append(e)
    indicators = (
        PerformanceIndicator.objects.filter(pk__in=by_indicator)
        .select_related("project")
        .order_by("table_sort", "id")
    )
    out = []
    for ind in indicators:
        linked = by_indicator[ind.pk]
        held = [e for e in linked if e.state in COUNTED_STATES]
        sat = weighted_satisfaction(held)
        is_sat = ind.measure_unit == "%" and "满意" in ind.name
        target = _target_number(ind.value)
        actual = sat if is_sat else Decimal(len(held))
        out.append(
            IndicatorProgress(
                indicator_id=ind.pk,
                name=ind.display_name(),
                project=ind.project.display_name() if ind.project else "",
                target_display=ind.target_display,
                comparator=ind.comparator,
                target=target,
                unit=ind.measure_unit,
                is_satisfaction=is_sat,
                held=len(held),
                planned=len(linked) - len(held),
                satisfaction=sat,
                actual=actual,
                met=_met(actual, ind.comparator, target),
                event_ids=[e.pk for e in linked],
            )
        )
    return out


def type_summary(year: int, qs=None):
    """Events of the year by type: held / planned / cancelled and satisfaction (no budget needed)."""
    qs = qs if qs is not None else Event.objects.all()
    rows = []
    events = list(annotate_cost_totals(qs.filter(starts_at__year=year)).select_related("type"))
    by_type = defaultdict(list)
    for e in events:
        by_type[e.type].append(e)
    paid = paid_through_control([e.application_ref for e in events if e.application_ref])
    for t, items in sorted(by_type.items(), key=lambda kv: (kv[0].sort, kv[0].pk)):
        held = [e for e in items if e.state in COUNTED_STATES]
        rows.append(
            {
                "type": t,
                "total": len(items),
                "held": len(held),
                "cancelled": sum(1 for e in items if e.state == EventState.CANCELLED),
                "satisfaction": weighted_satisfaction(held),
                "attendees": sum(e.checked_in_count for e in held),
                "actual_cost": sum((c for c in [e.cost_total for e in held] if c is not None), Decimal(0)),
                "paid": sum((paid.get(e.application_ref, Decimal(0)) for e in items), Decimal(0)),
            }
        )
    return rows


def annotate_cost_totals(qs):
    return qs.annotate(cost_total=Sum("cost_lines__actual"))
