"""在线留言 and the 问答 page: staff reply, may publish a rewritten question and answer, never personal data."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from webforms.models import Enquiry

MESSAGE = {
    "name": "张三",
    "contact": "zhang@example.org",
    "subject": "如何入会",
    "message": "我是张三，电话13811112222。",
}


def test_a_visitor_leaves_a_message_and_gets_its_reference(submit):
    response = submit("/ask/", MESSAGE)
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in response.content.decode() and enquiry.status == "new"


def test_the_name_is_optional_and_a_wrong_captcha_keeps_nothing(submit):
    assert "验证码不正确" in submit("/ask/", {**MESSAGE, "name": ""}, wrong_captcha=True).content.decode()
    assert not Enquiry.objects.exists()
    submit("/ask/", {**MESSAGE, "name": ""})
    assert Enquiry.objects.get().name == ""


def test_staff_reply_by_mail_and_the_first_reply_time_is_kept(staff_client, db):
    enquiry = Enquiry.objects.create(**MESSAGE)
    url = reverse("admin:webforms_enquiry_change", args=[enquiry.pk])
    data = {"status": "new", "reply": "请下载入会申请表。", "public_question": "", "public_answer": ""}
    staff_client.post(url, data)
    enquiry.refresh_from_db()
    assert enquiry.status == "replied" and enquiry.replied_at is not None
    assert mail.outbox[-1].to == ["zhang@example.org"] and "请下载入会申请表" in mail.outbox[-1].body
    first = enquiry.replied_at
    staff_client.post(url, {**data, "status": "replied", "reply": "补充：也可以电话咨询。"})
    enquiry.refresh_from_db()
    assert enquiry.replied_at == first


def test_publishing_needs_the_rewritten_question_and_answer(staff_client, client, db):
    enquiry = Enquiry.objects.create(**MESSAGE, status="replied", reply="请下载申请表。", replied_at=timezone.now())
    url = reverse("admin:webforms_enquiry_change", args=[enquiry.pk])
    data = {"status": "replied", "reply": enquiry.reply, "published": "on", "public_question": "", "public_answer": ""}
    assert "请填写“公开的问题”和“公开的回答”" in staff_client.post(url, data).content.decode()
    staff_client.post(
        url, {**data, "public_question": "怎样申请入会？", "public_answer": "下载申请表，盖章后在线提交。"}
    )
    page = client.get("/faq/").content.decode()
    assert "怎样申请入会？" in page and "下载申请表，盖章后在线提交。" in page
    assert "张三" not in page and "13811112222" not in page and "zhang@example.org" not in page


def test_the_faq_page_shows_a_publication_at_once_with_the_page_cache_on(settings, staff_client, client, db):
    settings.PAGE_CACHE_ENABLED = True
    enquiry = Enquiry.objects.create(**MESSAGE, status="replied", replied_at=timezone.now())
    assert "怎样申请入会" not in client.get("/faq/").content.decode()
    client.get("/faq/")
    enquiry.published, enquiry.public_question, enquiry.public_answer = True, "怎样申请入会？", "在线提交。"
    enquiry.save()
    assert "怎样申请入会" in client.get("/faq/").content.decode()


def test_the_dashboard_shows_the_time_to_first_reply(staff_client, db):
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=10), tick=False):
        Enquiry.objects.create(**MESSAGE)
        Enquiry.objects.create(**MESSAGE)
    Enquiry.objects.filter(pk=Enquiry.objects.first().pk).update(replied_at=now - timedelta(hours=7), status="replied")
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "留言待回复：1 条" in page
    assert "首次回复平均用时：3.0 小时（1 条已回复）" in page


def test_a_bad_faq_page_number_is_a_404(client, db):
    assert client.get("/faq/?page=99999999999999999999").status_code == 404
    assert client.get("/faq/?page=2").status_code == 404
    assert client.get("/faq/").status_code == 200
