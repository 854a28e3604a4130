from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/items/<str:code>/", views.item_edit, name="item"),
    path("<int:pk>/transition/<str:verb>/", views.transition, name="transition"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/sheet.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
    path("<int:pk>/evidence/<int:att>/", views.evidence_download, name="evidence"),
]
