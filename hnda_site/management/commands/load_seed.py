from django.core.management.base import BaseCommand

from hnda_site.seeding import load_all


class Command(BaseCommand):
    help = "Load the site's initial content once; safe to run again (adds and overwrites nothing)."

    def handle(self, *args, **options):
        loaded = load_all()
        if loaded:
            self.stdout.write(self.style.SUCCESS(f"Loaded initial content: {', '.join(loaded)}"))
        else:
            self.stdout.write("Initial content already loaded; nothing to do.")
