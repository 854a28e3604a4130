from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "center.performance"
    label = "performance"
    verbose_name = "预算绩效管理"

    def ready(self):
        # audit words, sidebar entries, workbench to-dos (the self-evaluation's and the monitoring's)
        from . import labels, nav, todos, todos_monitoring  # noqa: F401
