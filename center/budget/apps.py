from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "center.budget"
    label = "budget"

    def ready(self):
        from . import labels, nav, pages, todos  # noqa: F401  (register the sidebar entry and the workbench to-dos)

        pages.register()  # what the cached public pages depend on
