from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "center.assessment"
    label = "assessment"
    verbose_name = "内部控制评价"

    def ready(self):
        from . import labels, nav, todos  # noqa: F401  (audit words, sidebar entry, workbench to-dos)
