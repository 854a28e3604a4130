from django.core.management.base import BaseCommand

from center.control.services import notifications_link_tasks


class Command(BaseCommand):
    help = (
        "Once after the upgrade that links notifications to their task: resolve the approval notifications "
        "whose task was already acted on."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"resolved {notifications_link_tasks()} notification(s)")
