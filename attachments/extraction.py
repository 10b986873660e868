"""Text of PDF, DOCX and XLSX attachments for the search index, bounded in time and memory.

The parsing runs in a child process (``attachments.extract_worker``) with an address-space
limit (``ATTACHMENT_EXTRACT_MEMORY_MB``), a CPU-time limit and a wall-clock timeout
(``ATTACHMENT_EXTRACT_TIMEOUT``), and at most ``ATTACHMENT_EXTRACT_MAX_PAGES`` pages (sheets) and
``ATTACHMENT_EXTRACT_MAX_CHARS`` characters are kept. It never runs in a web request: uploads are
marked 待提取 and ``manage.py extract_attachment_text`` (a systemd timer, every minute,
deploy/systemd/hnda-extract.timer) extracts them, then recomputes the article's search tokens. A
broken, encrypted or too slow file keeps its status (shown in the admin) and adds nothing to the index.
"""

import json
import math
import resource
import subprocess
import sys

from django.conf import settings
from django.db import transaction

from .models import EXTRACTABLE, Attachment


def _limits():
    memory = settings.ATTACHMENT_EXTRACT_MEMORY_MB * 1024 * 1024
    cpu = max(1, math.ceil(settings.ATTACHMENT_EXTRACT_TIMEOUT))

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    return apply


def extract_bytes(kind, data):
    """(status, text, note) for a file's bytes: status is one of ``Attachment.TextStatus``."""
    command = [
        sys.executable,
        "-m",
        "attachments.extract_worker",
        kind,
        str(settings.ATTACHMENT_EXTRACT_MAX_CHARS),
        str(settings.ATTACHMENT_EXTRACT_MAX_PAGES),
    ]
    try:
        finished = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            command,
            input=data,
            capture_output=True,
            timeout=settings.ATTACHMENT_EXTRACT_TIMEOUT,
            preexec_fn=_limits(),
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Attachment.TextStatus.TIMEOUT, "", f"超过 {settings.ATTACHMENT_EXTRACT_TIMEOUT} 秒"
    if finished.returncode != 0:
        error = finished.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        status = Attachment.TextStatus.TIMEOUT if finished.returncode < 0 else Attachment.TextStatus.BROKEN
        return status, "", f"退出码 {finished.returncode} {error[0]}"[:300]
    try:
        result = json.loads(finished.stdout)
    except ValueError:
        return Attachment.TextStatus.BROKEN, "", "无法读取提取结果"
    if result["status"] == "done":
        return Attachment.TextStatus.DONE, result["text"], ""
    if result["status"] == "encrypted":
        return Attachment.TextStatus.ENCRYPTED, "", "文件已加密（设有密码）"
    return Attachment.TextStatus.BROKEN, "", result.get("error", "")[:300]


def extract(attachment):
    """Extract one attachment's text and store the outcome; its article's search tokens follow."""
    if attachment.kind not in EXTRACTABLE:
        status, text, note = Attachment.TextStatus.NONE, "", ""
    else:
        try:
            with attachment.file.open("rb") as file:
                data = file.read(settings.ATTACHMENT_MAX_BYTES + 1)
        except OSError as error:
            status, text, note = Attachment.TextStatus.BROKEN, "", f"文件无法打开：{error}"[:300]
        else:
            status, text, note = extract_bytes(attachment.kind, data)
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(text_status=status, text=text, text_note=note)
        attachment.text_status, attachment.text, attachment.text_note = status, text, note
        attachment.refresh_parent_index()
    return status


def extract_pending(limit=None):
    """Extract every attachment waiting for it (oldest first); returns {status: count}."""
    pending = Attachment.objects.filter(text_status=Attachment.TextStatus.PENDING).order_by("id")
    if limit:
        pending = pending[:limit]
    outcome = {}
    for attachment in pending:
        status = extract(attachment)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome
