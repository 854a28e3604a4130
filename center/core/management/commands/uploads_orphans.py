from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from center.core.audit import audit_log
from center.core.files import find_orphans, upload_storage


class Command(BaseCommand):
    help = (
        "Remove files in the upload store that no row refers to (left by a crash between writing a file and "
        "rolling its unit back) and that are older than --older-than hours. --dry-run only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=24.0, metavar="HOURS", help="default: 24")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed; remove nothing"
        )

    def handle(self, *args, **options):
        hours = options["older_than"]
        if hours < 1:
            raise CommandError(
                "--older-than must be at least 1 hour (a unit still running may own a newer file)"
            )
        dry_run = options["dry_run"]
        orphans, foreign = find_orphans(timedelta(hours=hours))
        for key in foreign:
            self.stdout.write(f"ignored {key}: not an upload name, left alone")
        storage = upload_storage()
        for orphan in orphans:
            if not dry_run:
                storage.delete(orphan.key)
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(
                f"{verb} {orphan.key} (modified {orphan.modified.isoformat(timespec='seconds')})"
            )
        if orphans and not dry_run:
            audit_log(
                "core.uploads.orphans_removed",
                extra={
                    "count": len(orphans),
                    "keys": [o.key for o in orphans[:100]],
                    "older_than_hours": hours,
                },
            )
        summary = f"{len(orphans)} orphaned file(s) older than {hours:g} h"
        self.stdout.write(self.style.SUCCESS(f"{summary} {'found (dry run)' if dry_run else 'removed'}"))
