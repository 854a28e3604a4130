from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "center.reviews"
    label = "reviews"

    def ready(self):
        from . import labels, todos  # noqa: F401  (words for audit codes, to-dos)
