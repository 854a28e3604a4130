from django.core.management.base import BaseCommand, CommandError

from center.core.audit import audit_chain_verify
from center.core.models import AuditChainHead


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; name the first altered, deleted or reordered entry."

    def handle(self, *args, **options):
        problem = audit_chain_verify()
        if problem is not None:
            raise CommandError(
                f"audit chain broken at entry #{problem.seq} ({problem.kind}): {problem.message}"
            )
        head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead()
        # Printing the head lets an operator anchor it outside the database (e.g. in a signed log).
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {head.seq} entries, head {head.hash}"))
