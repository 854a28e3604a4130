"""The benchmarks' URLs: the project's own, plus a trivial view (the floor) that only the benchmarks' settings
(bench/settings.py) route to. It answers through the whole middleware stack and does nothing else, so a page's
rate divided by this one's says how much of the stack's own capacity the page's work leaves."""

from django.http import HttpResponse
from django.urls import path

from center.core.permissions import PUBLIC, access
from config.urls import *  # noqa: F403
from config.urls import urlpatterns as project_urlpatterns


@access(PUBLIC)
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
