from django.urls import path

from . import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="expert_list"),
    path("new/", views.expert_create, name="expert_create"),
    path("import/", views.expert_import, name="expert_import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.expert_detail, name="expert_detail"),
    path("<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("<int:pk>/state/", views.expert_state, name="expert_state"),
    path("<int:pk>/reveal/", views.expert_reveal, name="expert_reveal"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("applications/<int:pk>/vet/", views.application_vet, name="application_vet"),
    path("activities/", views.activity_list, name="activity_list"),
    path("public/calls/", views.public_calls, name="public_calls"),
    path("public/calls/<int:pk>/", views.public_call, name="public_call"),
    path("portal/", views.portal, name="portal"),
    path("portal/profile/", views.portal_profile, name="portal_profile"),
    path("portal/apply/<int:pk>/", views.portal_apply, name="portal_apply"),
    path("portal/relations/", views.portal_relation, name="portal_relation"),
]
