from django.urls import path

from . import views

app_name = "control"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:pk>/", views.quota_detail, name="quota_detail"),
    path("adjustments/", views.adjustment_list, name="adjustment_list"),
    path("adjustments/<int:pk>/approve/", views.adjustment_approve, name="adjustment_approve"),
    path("documents/", views.application_list, name="application_list"),
    path("approvals/", views.approvals_inbox, name="approvals"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/act/", views.application_act, name="application_act"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/resubmit/", views.application_resubmit, name="application_resubmit"),
    path("reimbursements/new/", views.reimbursement_new, name="reimbursement_new"),
    path("reimbursements/<int:pk>/", views.reimbursement_detail, name="reimbursement_detail"),
    path("reimbursements/<int:pk>/act/", views.reimbursement_act, name="reimbursement_act"),
    path("reimbursements/<int:pk>/withdraw/", views.reimbursement_withdraw, name="reimbursement_withdraw"),
    path("reimbursements/<int:pk>/pay/", views.reimbursement_pay, name="reimbursement_pay"),
    path("applications/<int:pk>/advance/", views.advance_new, name="advance_new"),
    path("advances/<int:pk>/", views.advance_detail, name="advance_detail"),
    path("advances/<int:pk>/act/", views.advance_act, name="advance_act"),
    path("advances/<int:pk>/withdraw/", views.advance_withdraw, name="advance_withdraw"),
    path("advances/<int:pk>/pay/", views.advance_pay, name="advance_pay"),
    path("print/<str:kind>/<int:pk>.pdf", views.document_pdf, name="document_pdf"),
    path("verify/<str:kind>/<int:pk>/<str:token>/", views.verify, name="verify"),
]
