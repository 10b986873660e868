import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a first superuser 'admin' with a random password, printed once, "
        "if the site has no superuser yet. Never resets an existing account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "管理后台 / Admin: log in with your existing account. Forgot the password? Run: make password"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\n  First admin account created (shown only this once):\n"
                f"    user name: {username}\n    password:  {password}\n"
                "  Change it after logging in (右上角「修改密码」).\n"
            )
        )
