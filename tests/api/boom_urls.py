"""The project's URLs plus one API path and one page that fail with an unexpected error (tests of the 500)."""

from django.urls import path

from center.core.permissions import PUBLIC, access
from config import urls


@access(PUBLIC)
def boom(request):
    raise RuntimeError("an unexpected bug")


urlpatterns = [path("api/v1/boom", boom), path("boom/", boom), *urls.urlpatterns]
handler400, handler403, handler404, handler500 = (
    urls.handler400,
    urls.handler403,
    urls.handler404,
    urls.handler500,
)
