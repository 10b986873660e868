from django.core.management.base import BaseCommand

from webforms.models import Enquiry, MembershipApplication, Registration


class Command(BaseCommand):
    help = "把超过保存期限（FORM_DATA_RETENTION_DAYS）的表单中的个人信息匿名化（建议每天运行一次）。"

    def handle(self, *args, **options):
        total = 0
        for model in (MembershipApplication, Enquiry, Registration):
            for submission in model.past_retention().iterator():
                submission.anonymise()
                total += 1
        self.stdout.write(f"已匿名化 {total} 份表单。")
