from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "center.core"
    label = "core"
    verbose_name = "核心"
