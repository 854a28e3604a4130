from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "center.reviews"
    label = "reviews"

    def ready(self):
        from . import labels, pages, todos  # noqa: F401  (words for audit codes, to-dos)

        pages.register()  # what the cached public pages depend on
