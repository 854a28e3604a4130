from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "center.reviews"
    label = "reviews"
