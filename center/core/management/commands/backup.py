from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from center.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write ARCHIVE: the database (pg_dump, or SQLite's online backup), every uploaded file and the audit "
        "head, with a manifest of sha256 checksums. Safe while the application runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive to write (e.g. /backup/center-2026-05-01.tar.gz)")
        parser.add_argument(
            "--skip-uploads",
            action="store_true",
            help="leave the upload store out (when it is backed up on its own, e.g. a versioned S3 bucket)",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if path.exists():
            raise CommandError(f"{path} exists: backup never overwrites an archive")
        if not path.parent.is_dir():
            raise CommandError(f"no directory {path.parent}")
        try:
            report = backup(path, uploads=not options["skip_uploads"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        head = report.manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {path}: {report.manifest['vendor']} database, {report.uploads} upload(s), "
                f"audit head #{head['seq']} {head['hash']}"
            )
        )
