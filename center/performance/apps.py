from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "center.performance"
    label = "performance"
    verbose_name = "预算绩效管理"

    def ready(self):
        from . import labels, nav, todos  # noqa: F401  (audit words, sidebar entries, workbench to-dos)
