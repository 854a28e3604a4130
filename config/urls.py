from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from center.api.urls import urls as api_urls
from center.core.permissions import PUBLIC, access

urlpatterns = [
    path("", include("center.core.urls")),
    path("accounts/", include("center.accounts.urls")),
    path("budget/", include("center.budget.urls")),
    path("control/", include("center.control.urls")),
    path("events/", include("center.events.urls")),
    path("performance/", include("center.performance.urls")),
    path("assessment/", include("center.assessment.urls")),
    path("experts/", include("center.experts.urls")),
    path("reviews/", include("center.reviews.urls")),
    path("i18n/setlang/", access(PUBLIC)(set_language), name="set_language"),
    path("api/v1/", api_urls),
    path("api/docs", access(PUBLIC)(RedirectView.as_view(url="/api/v1/docs")), name="api_docs_redirect"),
]

handler400 = "center.core.errorpages.error_400"
handler403 = "center.core.errorpages.error_403"
handler404 = "center.core.errorpages.error_404"
handler500 = "center.core.errorpages.error_500"
