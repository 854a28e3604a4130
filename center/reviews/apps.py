from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "center.reviews"
    label = "reviews"

    def ready(self):
        from . import todos  # noqa: F401  (registers to-dos)
