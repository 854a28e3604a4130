from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "center.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from . import nav  # noqa: F401  (sidebar entries)
