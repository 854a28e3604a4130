import csv
from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import labels, selectors
from .audit import audit_export_rows, audit_log
from .errors import ApplicationError
from .files import attachment_create, stored_response
from .notifications import notification_mark_read
from .pagecache import public_page
from .paging import IdPaginator
from .permissions import PUBLIC, SIGNED_IN, access
from .rules import AUDIT_READERS, DOCUMENT_READERS
from .workbench import TABS, TODO, WorkRows, todos_for, work_counts


def apply_errors(form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: on the named field when it names one."""
    field = exc.extra.get("field")
    form.add_error(field if field in form.fields else None, exc.message)


def attempt(request, fn, ok: str):
    """Run a page action: its refusal becomes an error message, its success `ok` (if any). Returns the
    action's result (True when it returns nothing), or None when it was refused."""
    try:
        result = fn()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    if ok:
        messages.success(request, ok)
    return result if result is not None else True


@access(PUBLIC)
@public_page()
def home(request):
    """The public front page: what the Center offers; staff go on to their workbench."""
    return render(request, "core/home.html")


@access(SIGNED_IN)
def workbench(request):
    """My work in four tabs (待办 / 已办 / 我发起的 / 办结), each row linked to its object; tabs are links."""
    user = request.user
    tab = request.GET.get("tab", TODO)
    if tab not in TABS:
        tab = TODO
    todos = todos_for(user)
    counts = work_counts(user)
    rows = WorkRows(user, tab, counts[tab])
    counts[TODO] += sum(t.count or 1 for t in todos)
    labels = {"todo": _("待办"), "done": _("已办"), "started": _("我发起的"), "finished": _("办结")}
    context = {
        "tab": tab,
        "tabs": [(key, labels[key], counts[key]) for key in TABS],
        "todos": todos if tab == TODO else [],
        "page": Paginator(rows, 20).get_page(request.GET.get("page")),
        "query": f"tab={tab}",
        "notifications": user.notifications.filter(resolved_at__isnull=True)[:8],
    }
    return render(request, "core/workbench.html", context)


@access(SIGNED_IN)
def notifications(request):
    page = Paginator(request.user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@require_POST
@access(SIGNED_IN)
def notifications_read(request):
    raw = request.POST.get("id")
    notification_mark_read(actor=request.user, notification_id=int(raw) if raw and raw.isdigit() else None)
    if request.htmx:
        return render(
            request,
            "core/notifications.html#list",
            {"page": Paginator(request.user.notifications.all(), 20).get_page(1)},
        )
    return redirect("core:notifications")


def _parse_date(value: str | None, end: bool = False):
    if not value:
        return None
    try:
        d = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(d, time.max if end else time.min))


def _audit_filters(request) -> dict:
    g = request.GET
    return {
        "action": g.get("action", "").strip()[:100],
        "actor": g.get("actor", "").strip()[:150],
        "target": g.get("target", "").strip()[:100],
        "outcome": g.get("outcome", "").strip()[:10],
        "since": _parse_date(g.get("since")),
        "until": _parse_date(g.get("until"), end=True),
    }


@access(AUDIT_READERS)
def audit_list(request):
    entries = selectors.audit_entries_for(request.user, **_audit_filters(request))
    page = Paginator(entries.select_related("actor", "on_behalf_of"), 50).get_page(request.GET.get("page"))
    rows = [(e, labels.audit_entry_words(e)) for e in page]
    template = "core/audit_list.html#results" if request.htmx else "core/audit_list.html"
    return render(request, template, {"page": page, "rows": rows, "query": request.GET.urlencode()})


class _Echo:
    def write(self, value):
        return value


@access(AUDIT_READERS)
def audit_export(request):
    filters = _audit_filters(request)
    entries = selectors.audit_entries_for(request.user, **filters).select_related("on_behalf_of")
    audit_log("core.audit.exported", actor=request.user, extra={k: str(v) for k, v in filters.items() if v})
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in audit_export_rows(entries.iterator(chunk_size=2000)))
    response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


def _with_bom(rows):
    yield "\ufeff"  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    yield from rows


@access(DOCUMENT_READERS)
def attachments(request):
    user = request.user
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要上传的文件。"))
        else:
            try:
                attachment_create(actor=user, name=upload.name, data=upload.read(), purpose="general")
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("文件已上传。"))
        return redirect("core:attachments")
    items = IdPaginator(selectors.attachments_for(user, request.access_scope), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/attachments.html", {"items": items, "scope": request.access_scope})


@access(DOCUMENT_READERS)
def attachment_download(request, pk: int):
    att = selectors.attachment_get_for(request.user, request.access_scope, pk)
    response = stored_response(
        att.stored_name, content_type=att.content_type, filename=att.original_name, as_attachment=True
    )
    audit_log("core.attachment.downloaded", actor=request.user, target=att)
    return response


@access(PUBLIC)
def csrf_failure(request, reason=""):
    from .audit import audit_log as log

    log(
        "security.csrf.rejected",
        actor=request.user if request.user.is_authenticated else None,
        outcome="denied",
        extra={"path": request.path[:300]},
    )
    return render(request, "errors/403_csrf.html", status=403)
