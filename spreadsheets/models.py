from datetime import timedelta

from django.db import models
from django.utils import timezone

# A preview not confirmed within a day is removed (importstorage.py).
PENDING_IMPORT_LIFETIME = timedelta(days=1)


class PendingImportQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Files previewed more than a day ago and never confirmed."""
        return self.filter(created_at__lt=(now or timezone.now()) - PENDING_IMPORT_LIFETIME)


class PendingImport(models.Model):
    """A spreadsheet uploaded for import, kept between its preview and its confirmation.

    It lives in the database, the one store every app server shares in every supported layout,
    so that a preview made on one server can be confirmed on another (see ``importstorage.py``).
    """

    name = models.CharField(max_length=32, unique=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        db_table = "hnda_site_pendingimport"
        verbose_name = "待确认的导入文件"
        verbose_name_plural = "待确认的导入文件"

    def __str__(self):
        return self.name
