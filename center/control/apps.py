from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "center.control"
    label = "control"
