from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "center.experts"
    label = "experts"
