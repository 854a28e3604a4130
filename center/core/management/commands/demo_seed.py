import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data of every area (each app's demo.seed, in INSTALLED_APPS order). Idempotent."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.name.startswith("center."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Open http://127.0.0.1:8000/"))
