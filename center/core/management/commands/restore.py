from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from center.core.audit import Anchor, audit_chain_check
from center.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore ARCHIVE (written by `backup`) into an empty database and the upload store, then verify the "
        "audit chain against the archived head and the budget ledger. Refuses a damaged or foreign archive, "
        "another database kind and a database that is not empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, **options):
        try:
            report = restore(Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        m = report.manifest
        self.stdout.write(
            f"restored the {m['vendor']} database of {m['created_at']}; "
            f"{report.uploads_written} upload(s) written, {report.uploads_present} already present"
        )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"the code has {len(report.pending_migrations)} migration(s) the archive predates: "
                    "run `manage.py migrate` before starting the application"
                )
            )
        head = m["audit_head"]
        check = audit_chain_check(Anchor(seq=head["seq"], hash=head["hash"], time=head.get("time", "")))
        if check.problem is not None:
            p = check.problem
            raise CommandError(f"restored, but the audit chain is broken at #{p.seq} ({p.kind}): {p.message}")
        self.stdout.write(
            f"audit chain intact: {check.head.seq} entries, contains the archived head #{head['seq']}"
        )
        call_command("ledger_check", stdout=self.stdout, stderr=self.stderr)  # raises when balances differ
        self.stdout.write(self.style.SUCCESS("restore complete and verified"))
