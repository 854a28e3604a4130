from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    # Public site (no account needed)
    path("", views.public_list, name="public_list"),
    path("calendar/", views.public_calendar, name="public_calendar"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("<int:pk>/roadshow/", views.roadshow_apply, name="roadshow_apply"),
    path("t/<str:token>/", views.ticket, name="ticket"),
    path("t/<str:token>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("t/<str:token>/survey/", views.survey, name="survey"),
    # Staff
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/dashboard/", views.dashboard, name="dashboard"),
    path("manage/calendar/", views.manage_calendar, name="manage_calendar"),
    path("manage/types/", views.event_types, name="types"),
    path("manage/new/", views.event_create, name="create"),
    path("manage/<int:pk>/", views.event_detail, name="detail"),
    path("manage/<int:pk>/edit/", views.event_edit, name="edit"),
    path("manage/<int:pk>/do/<slug:verb>/", views.event_transition, name="transition"),
    path("manage/<int:pk>/fields/", views.form_fields, name="fields"),
    path("manage/fields/<int:pk>/remove/", views.form_field_remove, name="field_remove"),
    path("manage/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("manage/<int:pk>/registrations.xlsx", views.registrations_xlsx, name="registrations_xlsx"),
    path(
        "manage/registrations/<int:pk>/<slug:decision>/",
        views.registration_decide,
        name="registration_decide",
    ),
    path("manage/uploads/<int:pk>/", views.upload_download, name="upload_download"),
    path("manage/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("manage/<int:pk>/checkin/counts/", views.checkin_counts, name="checkin_counts"),
    path("manage/<int:pk>/walkin/", views.walkin, name="walkin"),
    path("manage/<int:pk>/survey/", views.survey_manage, name="survey_manage"),
    path("manage/<int:pk>/report/", views.report, name="report"),
    path("manage/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("manage/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("manage/photos/<int:pk>/", views.photo, name="photo"),
    path("manage/<int:pk>/roadshow/", views.roadshow, name="roadshow"),
    path("manage/roadshow/<int:pk>/", views.roadshow_application, name="roadshow_application"),
]
