from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "center.experts"
    label = "experts"

    def ready(self):
        from . import labels, nav, pages, todos  # noqa: F401  (registers sidebar entries and to-dos)

        pages.register()  # what the cached public pages depend on
