import hashlib
import importlib
import random
import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Build N times a realistic year of the Center on top of the demo (each app's scale.generate, in "
        "INSTALLED_APPS order), through the services. Deterministic for a given --factor and --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor", type=float, default=1.0, help="1 = one realistic year; 0.01 for tests"
        )
        parser.add_argument("--seed", type=int, default=22, help="random seed (same seed, same data)")

    def handle(self, *args, factor: float, seed: int, **options):
        if not 0 < factor <= 100:
            raise CommandError("--factor must be above 0 and at most 100.")
        if not apps.get_model("accounts", "Unit").objects.exists():
            call_command("demo_seed", stdout=_Quiet())
        started = time.perf_counter()
        for config in apps.get_app_configs():
            if not config.name.startswith("center."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.scale")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.scale":
                    raise
                continue
            # One generator per area, each with its own stream: an area's data does not depend on another's
            # random draws (only on what the earlier areas built).
            digest = hashlib.sha256(f"{seed}:{config.label}".encode()).digest()
            t = time.perf_counter()
            module.generate(factor, self.stdout, random.Random(int.from_bytes(digest[:8], "big")))
            self.stdout.write(f"    ({config.label}: {time.perf_counter() - t:.1f} s)")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data ×{factor:g} ready in {time.perf_counter() - started:.0f} s.")
        )


class _Quiet:
    def write(self, *args, **kwargs):
        pass
