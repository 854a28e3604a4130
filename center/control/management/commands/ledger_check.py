from django.core.management.base import BaseCommand, CommandError

from center.control.ledger import ledger_check


class Command(BaseCommand):
    help = "Re-add every quota's ledger entries and report any quota whose balances differ from them."

    def handle(self, *args, **options):
        problems = ledger_check()
        for p in problems:
            self.stderr.write(
                f"quota #{p.quota_id} {p.name}: {p.field} stored {p.stored}, entries give {p.from_entries}"
            )
        if problems:
            raise CommandError(f"{len(problems)} balance(s) differ from the ledger")
        self.stdout.write(self.style.SUCCESS("every quota's balances equal the sum of its ledger entries"))
