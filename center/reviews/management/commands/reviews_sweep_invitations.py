from django.core.management.base import BaseCommand

from center.reviews.services import invitations_sweep


class Command(BaseCommand):
    help = "Expire unanswered review invitations past their deadline and invite the next backups (run every few minutes)."

    def handle(self, *args, **options):
        n = invitations_sweep()
        self.stdout.write(f"{n} invitation(s) expired")
