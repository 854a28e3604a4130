import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from center.core.audit import Anchor, audit_chain_check


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain in one consistent snapshot (safe while the application writes); "
        "name the first altered, deleted or reordered entry. --export-head FILE keeps the head outside the "
        "database; --anchor FILE checks that the chain still holds that entry (detects a rebuilt chain)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            metavar="FILE",
            help="a head written earlier by --export-head: the chain must still contain that entry",
        )
        parser.add_argument(
            "--export-head",
            metavar="FILE",
            help="after a successful check, write the head (seq, hash, time) to FILE (e.g. kept off this server)",
        )

    def handle(self, *args, **options):
        anchor = self._load(options["anchor"]) if options["anchor"] else None
        report = audit_chain_check(anchor)
        if report.problem is not None:
            p = report.problem
            raise CommandError(f"audit chain broken at entry #{p.seq} ({p.kind}): {p.message}")
        head = report.head
        if options["export_head"]:
            self._write(Path(options["export_head"]), head)
        checked = f", contains the anchored entry #{anchor.seq}" if anchor else ""
        self.stdout.write(
            self.style.SUCCESS(f"audit chain intact: {head.seq} entries, head {head.hash}{checked}")
        )

    def _load(self, path: str) -> Anchor:
        try:
            return Anchor.from_json(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read the anchor {path}: {exc.strerror}") from exc
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from exc

    def _write(self, path: Path, head: Anchor) -> None:
        """Write atomically: a crash leaves the previous anchor file, never half of one."""
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".audit-head-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(head.to_json())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.stdout.write(f"head #{head.seq} written to {path}")
