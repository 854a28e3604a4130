from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "center.budget"
    label = "budget"
