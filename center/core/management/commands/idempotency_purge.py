from django.core.management.base import BaseCommand

from center.core.idempotency import KEEP_DAYS, idempotency_purge


class Command(BaseCommand):
    help = "Forget one-time request keys (API Idempotency-Key, form keys) older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=KEEP_DAYS)

    def handle(self, *args, days, **options):
        self.stdout.write(f"{idempotency_purge(days)} key(s) forgotten")
