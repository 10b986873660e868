"""入会申请: a zone applies; staff approve (creating the unit, unpublished, and its contact) or refuse."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from memberarea.models import MemberContact
from members.models import Member
from webforms import decisions
from webforms.models import MembershipApplication

from .conftest import APPLICATION, docx_bytes, pdf_upload

URL = "/join/"


def apply(submit, **changes):
    data = {**APPLICATION, "form_file": pdf_upload(), **changes}
    return submit(URL, data)


def test_an_application_gets_a_reference_a_private_status_page_and_an_email(submit, client, settings):
    settings.FORMS_NOTIFY_EMAIL = "office@example.org"
    response = apply(submit)
    application = MembershipApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_status_url()
    page = client.get(application.get_status_url()).content.decode()
    assert application.reference in page and "待审核" in page
    assert application.reference.startswith("RH")
    to_applicant, to_office = mail.outbox
    assert to_applicant.to == ["liu@example.org"] and application.get_status_url() in to_applicant.body
    assert to_office.to == ["office@example.org"] and "湖南测试" in to_office.body
    assert application.form_file.name.startswith("private/applications/")
    assert application.form_file_name == "入会申请表.pdf"


def test_a_wrong_captcha_is_a_form_error_and_nothing_is_kept(submit):
    response = submit(URL, {**APPLICATION, "form_file": pdf_upload()}, wrong_captcha=True)
    assert "验证码不正确" in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_the_honeypot_keeps_nothing_and_says_thanks(submit):
    response = apply(submit, homepage="http://spam.example/")
    assert response["Location"] == reverse("webforms:thanks")
    assert not MembershipApplication.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("申请表.pdf", b"<html><script>alert(1)</script></html>"),
        ("申请表.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("申请表.doc", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("申请表.docx", docx_bytes(macro=True)),
    ],
)
def test_disguised_or_macro_files_are_refused(submit, name, content):
    response = apply(submit, form_file=pdf_upload(name, content))
    assert "只能上传 PDF、Word" in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_a_real_docx_and_a_size_limit(submit, settings):
    assert apply(submit, form_file=pdf_upload("申请表.docx", docx_bytes())).status_code == 302
    settings.FORM_UPLOAD_MAX_BYTES = 100
    response = apply(submit, form_file=pdf_upload(content=b"%PDF-" + b"0" * 200), phone="13700002222")
    assert "文件不能超过" in response.content.decode()


def test_too_many_applications_from_one_address_are_refused(submit, settings):
    settings.FORM_LIMIT_PER_ADDRESS = 2
    for number in range(2):
        assert apply(submit, phone=f"1370000{number:04d}").status_code == 302
    assert "提交次数过多" in apply(submit, phone="13700009999").content.decode()
    assert MembershipApplication.objects.count() == 2


def make_application():
    return MembershipApplication.objects.create(**APPLICATION, form_file=pdf_upload(), form_file_name="a.pdf")


def test_approving_creates_an_unpublished_member_and_its_contact(staff_client, db, client):
    application = make_application()
    url = reverse("admin:webforms_membershipapplication_change", args=[application.pk])
    staff_client.post(url, {"reason": "", "_approve": "1"})
    application.refresh_from_db()
    member = Member.objects.get(name="湖南测试高新技术产业开发区")
    assert application.status == "approved" and application.member == member
    assert not member.active and member.city == "yiyang"
    contact = MemberContact.objects.get(member=member)
    assert contact.phone == "13700001111" and contact.user.email == "liu@example.org"
    subjects = [message.subject for message in mail.outbox]
    assert "湖南省开发区协会会员专区账号已开通" in subjects and "入会申请审核结果" in subjects
    assert client.get(f"/members/{member.pk}/").status_code == 404  # not public until staff publish it
    assert "已通过" in client.get(application.get_status_url()).content.decode()


def test_refusing_needs_a_reason_which_the_applicant_reads(staff_client, db, client):
    application = make_application()
    url = reverse("admin:webforms_membershipapplication_change", args=[application.pk])
    staff_client.post(url, {"reason": "", "_reject": "1"})
    application.refresh_from_db()
    assert application.status == "pending"
    staff_client.post(url, {"reason": "请补充盖章的申请表。", "_reject": "1"})
    application.refresh_from_db()
    assert application.status == "rejected"
    assert "请补充盖章的申请表" in mail.outbox[-1].body
    assert "请补充盖章的申请表" in client.get(application.get_status_url()).content.decode()


def test_a_second_decision_is_refused(db, admin_user):
    application = make_application()
    decisions.approve(application, admin_user)
    with pytest.raises(decisions.AlreadyDecided):
        decisions.reject(application, admin_user, "晚了")
    assert Member.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_one_wins(admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")
    application = make_application()
    results = []

    def decide(action):
        try:
            if action == "approve":
                decisions.approve(application, admin_user)
            else:
                decisions.reject(application, admin_user, "不符合条件")
            results.append(action)
        except decisions.AlreadyDecided:
            results.append("told")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(action,)) for action in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) in (["approve", "told"], ["reject", "told"])
    assert Member.objects.count() == (1 if "approve" in results else 0)


def test_the_form_file_is_never_public_and_staff_download_it(staff_client, db, settings):
    application = make_application()
    anonymous = Client()
    assert anonymous.get("/media/" + application.form_file.name).status_code == 404
    url = reverse("admin:webforms_membershipapplication_file", args=[application.pk])
    assert anonymous.get(url).status_code == 302
    response = staff_client.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_what_applicants_typed_is_escaped_in_the_admin(staff_client, db):
    application = make_application()
    application.unit_name = "<script>alert(1)</script>园区"
    application.save()
    page = staff_client.get(reverse("admin:webforms_membershipapplication_changelist")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
