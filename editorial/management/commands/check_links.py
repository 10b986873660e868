from django.core.management.base import BaseCommand

from editorial.links import check_links


class Command(BaseCommand):
    help = "检查文章、协会文件和会员简介中的站内链接，结果显示在后台首页的“内容检查”中（可由 cron 每天运行）。"

    def handle(self, *args, **options):
        run = check_links()
        broken = list(run.broken_links.all())
        self.stdout.write(f"检查了 {run.links_checked} 个站内链接，{len(broken)} 个失效。")
        for link in broken:
            self.stdout.write(f"  {link.source_title}: {link.href}")
