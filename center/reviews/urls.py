from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("<int:pk>/groups/", views.group_create, name="group_create"),
    path("<int:pk>/applications/", views.application_create, name="application_create"),
    path("<int:pk>/compute/", views.round_compute, name="round_compute"),
    path("<int:pk>/approve/", views.round_approve, name="round_approve"),
    path("<int:pk>/notice/", views.notice_publish, name="notice_publish"),
    path("<int:pk>/fees/", views.round_fees, name="round_fees"),
    path("applications/<int:pk>/formal/", views.formal_check, name="formal_check"),
    path("applications/<int:pk>/documents/", views.application_document, name="application_document"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/draw/", views.draw_fix, name="draw_fix"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/seed/", views.draw_seed, name="draw_seed"),
    path("draws/<int:pk>/void/", views.draw_void, name="draw_void"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/record.json", views.draw_record, name="draw_record"),
    path("picks/<int:pk>/respond/", views.pick_respond, name="pick_respond"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("assignments/<int:pk>/rate/", views.assignment_rate, name="assignment_rate"),
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/picks/<int:pk>/respond/", views.portal_respond, name="portal_respond"),
    path("portal/assignments/<int:pk>/", views.portal_assignment, name="portal_assignment"),
    path("portal/sheets/<int:pk>/", views.portal_sheet, name="portal_sheet"),
    path("portal/sheets/<int:pk>/documents/<int:att>/", views.portal_document, name="portal_document"),
    path("public/notices/", views.public_notices, name="public_notices"),
    path("public/notices/<int:pk>/", views.public_notice, name="public_notice"),
    path("public/verify/", views.public_verify, name="public_verify"),
]
