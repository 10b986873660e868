from django.core.management.base import BaseCommand

from spreadsheets.models import PendingImport


class Command(BaseCommand):
    help = "Delete import files previewed more than a day ago and never confirmed (every new import does it too)."

    def handle(self, *args, **options):
        count, _ = PendingImport.objects.expired().delete()
        self.stdout.write(f"Deleted {count} expired import file(s).")
