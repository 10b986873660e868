from django.core.management.base import BaseCommand

from attachments.extraction import extract_pending
from attachments.models import Attachment


class Command(BaseCommand):
    help = "Extract the text of attachments waiting for it (PDF, DOCX, XLSX) for the search index."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many files per run.")
        parser.add_argument("--all", action="store_true", help="Extract every extractable attachment again.")

    def handle(self, *args, limit, all, **options):
        if all:
            # A 会员专区 post's files are never searched: their text is never extracted.
            Attachment.objects.filter(kind__in=["pdf", "docx", "xlsx"], member_post__isnull=True).update(
                text_status=Attachment.TextStatus.PENDING
            )
        outcome = extract_pending(limit=limit)
        labels = dict(Attachment.TextStatus.choices)
        summary = ", ".join(f"{labels[status]}: {count}" for status, count in outcome.items()) or "nothing to do"
        self.stdout.write(summary)
