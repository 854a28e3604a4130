from django.urls import include, path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("indicators/<int:pk>/", views.indicator, name="indicator"),
    path("indicators/<int:pk>/source/", views.indicator_bind, name="indicator_bind"),
    path("indicators/<int:pk>/values/", views.indicator_value, name="indicator_value"),
    path("indicators/<int:pk>/records/", views.indicator_record, name="indicator_record"),
    path("records/<int:pk>/accept/", views.record_accept, name="record_accept"),
    path("years/<int:year>/suggest/", views.bindings_suggest, name="bindings_suggest"),
    path("rules/", views.rules_page, name="rules"),
    path("years/<int:year>/rules/", views.rules_save, name="rules_save"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("years/<int:year>/evaluations/open/", views.evaluation_open, name="evaluation_open"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
    path("evaluations/<int:pk>/xlsx/", views.evaluation_xlsx, name="evaluation_xlsx"),
    path("evaluations/<int:pk>/lines/<int:line_id>/", views.evaluation_line, name="evaluation_line"),
    path("evaluations/<int:pk>/<slug:verb>/", views.evaluation_action, name="evaluation_action"),
]
urlpatterns += [path("monitoring/", include("center.performance.urls_monitoring"))]  # 双监控
