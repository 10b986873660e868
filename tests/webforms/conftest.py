"""Public forms: helpers that fill a form as a visitor does, answering the CAPTCHA shown."""

import io
import re
import zipfile

import pytest
from captcha.models import CaptchaStore
from django.core.files.uploadedfile import SimpleUploadedFile


def captcha_answer(page):
    """The hidden key of the CAPTCHA on ``page`` and the right answer to it."""
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page).group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


@pytest.fixture
def submit(client, db):
    """``submit(url, data, wrong_captcha=False, files=None)``: GET the form, then POST it as a visitor would."""

    def post(url, data, wrong_captcha=False, **extra):
        page = client.get(url).content.decode()
        answer = captcha_answer(page)
        if wrong_captcha:
            answer["captcha_1"] = "9999"
        return client.post(url, {**data, **answer, "consent": "on"}, **extra)

    return post


def pdf_upload(name="入会申请表.pdf", content=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes(macro=False):
    """A real Word document (python-docx); with ``macro``, one that also carries a VBA project."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("入会申请表")
    document.save(buffer)
    if macro:
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


APPLICATION = {
    "unit_name": "湖南测试高新技术产业开发区",
    "kind": "high_tech",
    "level": "provincial",
    "city": "yiyang",
    "contact_name": "刘芳",
    "phone": "13700001111",
    "email": "liu@example.org",
}
