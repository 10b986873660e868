import sys

from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: check its SHA256SUMS, replace the whole "
        "database with the backed-up one, and write the backed-up files into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the backup folder, e.g. var/backups/hnda-20261126-030000")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, yes=False, **options):
        try:
            manifest = verify_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Checksums match: {manifest['engine']} backup of {manifest['created']}.")
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Restoring replaces the whole database. Run again with --yes to confirm.")
            answer = input("This replaces the whole database and overwrites uploaded files. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            result = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database and {result['media_restored']} media files from {archive}. "
                "Files uploaded after the backup were left in place."
            )
        )
