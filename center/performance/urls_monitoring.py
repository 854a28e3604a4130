"""URLs of the mid-year monitoring (双监控), included under /performance/monitoring/ in the area's namespace."""

from django.urls import path

from . import views_monitoring as views

urlpatterns = [
    path("", views.rounds, name="monitoring"),
    path("open/", views.round_open, name="monitoring_open"),
    path("<int:pk>/", views.round_page, name="monitoring_round"),
    path("<int:pk>/edit/", views.round_edit, name="monitoring_round_edit"),
    path("reports/<int:pk>/", views.report, name="monitoring_report"),
    path("reports/<int:pk>/statements/", views.report_statements, name="monitoring_statements"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="monitoring_pdf"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="monitoring_xlsx"),
    path("reports/<int:pk>/<slug:verb>/", views.report_action, name="monitoring_action"),
]
