from django.core.management.base import BaseCommand

from pagecache import cache as pagecache


class Command(BaseCommand):
    help = (
        "Empty the page cache of every worker and app server (moves the shared generation stamp on). "
        "Never needed after a change made in the admin, an import or any database write: those do it themselves."
    )

    def handle(self, *args, **options):
        pagecache.clear()
        self.stdout.write(self.style.SUCCESS("页面缓存已清空 / page cache cleared"))
