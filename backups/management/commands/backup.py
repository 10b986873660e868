from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, create_backup, prune_backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and MEDIA_ROOT into a new dated "
        "folder under BACKUP_DIR, with a SHA256SUMS file. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="folder to write the backup into (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, default=0, help="then delete all but the N newest backups there")

    def handle(self, *args, output=None, keep=0, **options):
        backup_dir = output or settings.BACKUP_DIR
        try:
            folder = create_backup(backup_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
        for old in prune_backups(backup_dir, keep):
            self.stdout.write(f"Deleted old backup {old}")
