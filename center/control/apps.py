from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "center.control"
    label = "control"
    verbose_name = "预算控制"

    def ready(self):
        from . import config_cache, labels, nav, todos  # noqa: F401  (sidebar entries, workbench to-dos)

        config_cache.connect()
