"""报名 / 回执: staff attach a form to a notice; the same phone updates; closed at the deadline or when full."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from memberarea.models import MemberContact
from webforms.models import Registration, RegistrationForm

from .conftest import captcha_answer


@pytest.fixture
def meeting(make_article):
    notice = make_article("关于召开2027年会员大会的通知")
    return RegistrationForm.objects.create(
        article=notice,
        title="会员大会回执",
        fields=["unit", "name", "position", "phone", "headcount", "accommodation"],
        deadline=timezone.now() + timedelta(days=10),
        capacity=5,
    )


def sign_up(client, meeting, **fields):
    url = meeting.get_absolute_url()
    page = client.get(url).content.decode()
    data = {
        "unit": "长沙高新区",
        "name": "王明",
        "position": "主任",
        "phone": "13800000001",
        "headcount": "2",
        **fields,
        **captcha_answer(page),
        "consent": "on",
    }
    return client.post(url, data)


def test_the_notice_links_to_its_form_which_shows_only_the_chosen_fields(client, meeting):
    article_page = client.get(meeting.article.get_absolute_url()).content.decode()
    assert meeting.get_absolute_url() in article_page and "在线报名" in article_page
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'name="position"' in page and 'name="note"' not in page


def test_a_second_registration_with_the_same_phone_updates_the_first(client, meeting):
    assert "报名成功" in sign_up(client, meeting).content.decode()
    assert "报名信息已更新" in sign_up(client, meeting, headcount="3", position="副主任").content.decode()
    registration = Registration.objects.get()
    assert (registration.headcount, registration.position) == (3, "副主任")


def test_registration_closes_when_full(client, meeting):
    sign_up(client, meeting, headcount="4")
    response = sign_up(client, meeting, phone="13900000002", headcount="2")
    assert "名额已满" in response.content.decode()
    assert Registration.objects.count() == 1
    assert "报名信息已更新" in sign_up(client, meeting, headcount="5").content.decode()  # the first may still change


def test_registration_closes_at_the_deadline(client, meeting):
    with time_machine.travel(meeting.deadline + timedelta(minutes=1)):
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "报名已截止" in page and 'name="phone"' not in page
        client.post(meeting.get_absolute_url(), {"phone": "13800000001", "unit": "x", "name": "y"})
    assert not Registration.objects.exists()


def test_a_logged_in_member_gets_its_unit_filled_in(client, meeting, django_user_model):
    from members.models import Member

    unit = Member.objects.create(name="株洲高新技术产业开发区", city="zhuzhou", kind="high_tech")
    user = django_user_model.objects.create_user("13900000002", password="x-123456789")
    MemberContact.objects.create(user=user, member=unit, name="李华", phone="13900000002", email="li@example.org")
    client.force_login(user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'value="株洲高新技术产业开发区"' in page and 'value="13900000002"' in page
    sign_up(client, meeting, unit="株洲高新技术产业开发区", phone="13900000002")
    assert Registration.objects.get().member == unit


def test_a_form_of_an_unpublished_notice_is_not_found(client, meeting):
    meeting.article.status = "draft"
    meeting.article.save()
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_staff_export_the_list_with_formulas_escaped(staff_client, client, meeting):
    sign_up(client, meeting, name="=cmd|' /C calc'!A0")
    changelist = reverse("admin:webforms_registrationform_changelist")
    xlsx = staff_client.post(changelist, {"action": "export_xlsx", "_selected_action": [meeting.pk]})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "报名名单"
    assert sheet["C2"].value.startswith("'=") and sheet["E2"].value == "13800000001"
    csv_response = staff_client.post(changelist, {"action": "export_csv", "_selected_action": [meeting.pk]})
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["报名表", "单位", "姓名"] and rows[1][2].startswith("'=")


def test_staff_attach_a_form_to_a_notice_in_the_admin(staff_client, make_article, client):
    notice = make_article("培训通知")
    response = staff_client.post(
        reverse("admin:webforms_registrationform_add"),
        {
            "article": notice.pk,
            "title": "培训报名",
            "fields": ["name", "phone"],
            "deadline_0": "2030-01-01",
            "deadline_1": "12:00:00",
            "capacity": "",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    form = RegistrationForm.objects.get(article=notice)
    assert form.chosen_fields == ["name", "phone"]
    assert form.get_absolute_url() in client.get(notice.get_absolute_url()).content.decode()
