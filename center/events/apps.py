from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "center.events"
    label = "events"
    verbose_name = "活动管理"

    def ready(self):
        from . import labels, nav, pages, todos  # noqa: F401  (sidebar entries, workbench to-dos)

        pages.register()  # what the cached public pages depend on
