from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "center.experts"
    label = "experts"

    def ready(self):
        from . import labels, nav, todos  # noqa: F401  (registers sidebar entries and to-dos)
