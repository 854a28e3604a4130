from django.core.management.base import BaseCommand

from center.events.services import registrations_erase_expired, retention_days


class Command(BaseCommand):
    help = (
        "Erase the personal data of registrations whose event ended more than EVENTS_DATA_RETENTION_DAYS "
        "(default 365) ago, as the registration form states (run daily)."
    )

    def handle(self, *args, **options):
        n = registrations_erase_expired()
        self.stdout.write(f"{n} registration(s) erased (retention {retention_days()} days)")
