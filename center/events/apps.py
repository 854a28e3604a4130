from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "center.events"
    label = "events"
