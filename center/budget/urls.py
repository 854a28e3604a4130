from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("", views.budget_list, name="list"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/disclosure/", views.disclosure, name="disclosure"),
    path("<int:pk>/tables/<int:number>/", views.table_page, name="table"),
    path("<int:pk>/drill/", views.drill, name="drill"),
    path("<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("<int:pk>/projects/<int:project_id>/", views.project_detail, name="project"),
    path("<int:pk>/projects/<int:project_id>/lines/", views.project_line_add, name="project_line_add"),
    path("<int:pk>/projects/<int:project_id>/submit/", views.project_submit, name="project_submit"),
    path(
        "<int:pk>/projects/<int:project_id>/indicators/",
        views.project_indicator_add,
        name="project_indicator_add",
    ),
    path("<int:pk>/lines/<int:line_id>/", views.line_edit, name="line_edit"),
    path("<int:pk>/lines/<int:line_id>/delete/", views.line_delete, name="line_delete"),
    path("<int:pk>/prepare-next/", views.prepare_next, name="prepare_next"),
    path("<int:pk>/details/", views.details, name="details"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/", views.version_snapshot, name="version"),
    path("<int:pk>/workflow/", views.workflow, name="workflow"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/fiscal-data-package.zip", views.export_fdp, name="export_fdp"),
    path("<int:pk>/template.xlsx", views.export_template, name="export_template"),
    path("<int:pk>/import/", views.import_xlsx, name="import"),
    path("catalogue/<int:year>/", views.catalogue, name="catalogue"),
    path("catalogue/<int:year>/copy/", views.catalogue_copy, name="catalogue_copy"),
    path("catalogue/<int:year>/entry/", views.catalogue_entry, name="catalogue_entry"),
    path("create/", views.budget_create, name="create"),
    path("public/", views.public_budgets, name="public_list"),
    path("public/<int:pk>/", views.public_disclosure, name="public_disclosure"),
    path("public/<int:pk>/budget.pdf", views.public_pdf, name="public_pdf"),
    path("public/<int:pk>/budget.xlsx", views.public_xlsx, name="public_xlsx"),
    path("public/<int:pk>/budget.json", views.public_json, name="public_json"),
    path("public/<int:pk>/fiscal-data-package.zip", views.public_fdp, name="public_fdp"),
]
