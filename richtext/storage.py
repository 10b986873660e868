"""A storage class that keeps its files in the site's default storage.

Uploads live in the default storage: MEDIA_ROOT, or an S3-compatible bucket when
STORAGE_BACKEND=s3 (settings.py), so that every app server sees every file. A storage that
needs its own naming or checks (the editor's uploads, ``richtext.EditorUploadStorage``)
subclasses ``OnDefaultStorage`` and overrides ``save``; the files still land in the
default storage, whichever it is, and ``url`` gives the address visitors load them from.
"""

from django.core.files.storage import Storage, default_storage


class OnDefaultStorage(Storage):
    def _open(self, name, mode="rb"):
        return default_storage.open(name, mode)

    def _save(self, name, content):
        return default_storage.save(name, content)

    def delete(self, name):
        default_storage.delete(name)

    def exists(self, name):
        return default_storage.exists(name)

    def listdir(self, path):
        return default_storage.listdir(path)

    def size(self, name):
        return default_storage.size(name)

    def url(self, name):
        return default_storage.url(name)

    def path(self, name):
        return default_storage.path(name)

    def get_modified_time(self, name):
        return default_storage.get_modified_time(name)
