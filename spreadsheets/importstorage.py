"""Where an import's file waits between its preview and its confirmation.

django-import-export stores the uploaded file at the preview and reads it again when staff
confirm. Its default, a file in the process's temp folder, breaks with two app servers: the
confirmation may reach the other server, which has no such file (a 500). This storage keeps
the file in the database (``PendingImport``) instead, which every app server shares in every
supported layout: a cache may be per-process (local memory) or down (Redis is optional), and
MEDIA_ROOT is published at /media/ (or a public bucket), where a staff upload should not be.

A file is removed when its import is confirmed, when its preview finds errors (admin), and
after a day if never confirmed: every new import sweeps the expired ones, and
``manage.py clear_pending_imports`` does the same for cron.
"""

from uuid import uuid4

from import_export.tmp_storages import BaseStorage

from .models import PendingImport


class PendingImportGone(FileNotFoundError):
    """The file was already imported, or expired, before this confirmation."""


class DatabaseImportStorage(BaseStorage):
    def save(self, data):
        PendingImport.objects.expired().delete()
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        self.name = uuid4().hex
        PendingImport.objects.create(name=self.name, data=data)

    def read(self):
        record = PendingImport.objects.filter(name=self.name).only("data").first()
        if record is None:
            raise PendingImportGone(self.name)
        data = bytes(record.data)
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        PendingImport.objects.filter(name=self.name).delete()
