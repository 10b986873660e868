"""Staff run the 会员专区 from the admin: accounts, proposals, notices, 会籍; personal data stays private."""

import csv
import io

from django.core import mail
from django.urls import reverse

from memberarea.models import ChangeRequest, MemberContact, MemberNotice, PostRead
from memberarea.signals import ERASED


def test_staff_open_an_account_and_the_contact_sets_a_password_by_mail(staff_client, client, units):
    response = staff_client.post(
        reverse("admin:memberarea_membercontact_add"),
        {
            "member": units["changsha"].pk,
            "name": "赵敏",
            "position": "办公室主任",
            "phone": "13700000003",
            "email": "zhao@example.org",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = MemberContact.objects.get(phone="13700000003")
    assert contact.user.username == "13700000003" and not contact.user.is_staff
    assert mail.outbox[0].to == ["zhao@example.org"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/member-area/password/" in line)
    page = client.get(link.split("testserver", 1)[1], follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": "Zhao-pass-2026!", "new_password2": "Zhao-pass-2026!"})
    response = client.post(reverse("memberarea:login"), {"username": "13700000003", "password": "Zhao-pass-2026!"})
    assert response.status_code == 302


def test_a_phone_already_used_by_another_account_is_a_form_error(staff_client, units, admin_user):
    response = staff_client.post(
        reverse("admin:memberarea_membercontact_add"),
        {"member": units["changsha"].pk, "name": "赵敏", "phone": "13700000003", "email": "z@example.org"},
    )
    assert response.status_code == 302
    admin_user.username = "13700000004"
    admin_user.save()
    response = staff_client.post(
        reverse("admin:memberarea_membercontact_add"),
        {"member": units["changsha"].pk, "name": "钱", "phone": "13700000004", "email": "q@example.org"},
    )
    assert "此手机号已被其他账号使用" in response.content.decode()


def test_staff_disable_an_account_from_the_list(staff_client, contact):
    staff_client.post(
        reverse("admin:memberarea_membercontact_changelist"),
        {"action": "disable_accounts", "_selected_action": [contact.pk]},
    )
    contact.user.refresh_from_db()
    assert not contact.user.is_active


def test_deleting_a_contact_removes_its_account_and_personal_data_from_history(contact, django_user_model):
    contact.phone = "13800000009"
    contact.save()
    user_id = contact.user_id
    contact.delete()
    assert not django_user_model.objects.filter(pk=user_id).exists()
    rows = list(MemberContact.history.values_list("history_type", "name", "phone", "email"))
    assert {row[0] for row in rows} == {"+", "~", "-"}
    assert all(row[1:] == (ERASED, "", "") for row in rows)


def test_the_contact_export_escapes_formulas(staff_client, make_contact):
    contact = make_contact(name='=HYPERLINK("http://x")')
    response = staff_client.post(
        reverse("admin:memberarea_membercontact_changelist"),
        {"action": "export_contacts", "_selected_action": [contact.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


def propose(member_client, **fields):
    data = {
        "introduction": "我们是一家高新区。\n重点发展电子信息产业。",
        "website": "https://www.cshtz.gov.cn/",
        "address": "长沙市岳麓区",
        "name_en": "Changsha Hi-tech Zone",
    }
    data.update(fields)
    return member_client.post(reverse("memberarea:entry"), data)


def test_a_contact_proposes_and_staff_approve_the_change(member_client, staff_client, contact, admin_user):
    assert propose(member_client).status_code == 302
    proposal = ChangeRequest.objects.get()
    assert proposal.status == "pending"
    member = contact.member
    member.refresh_from_db()
    assert member.website == ""  # nothing is public before staff approve
    page = staff_client.get(reverse("admin:memberarea_changerequest_change", args=[proposal.pk])).content.decode()
    assert "https://www.cshtz.gov.cn/" in page and "<ins>" in page
    staff_client.post(
        reverse("admin:memberarea_changerequest_change", args=[proposal.pk]), {"comment": "", "_approve": "1"}
    )
    member.refresh_from_db()
    assert member.website == "https://www.cshtz.gov.cn/"
    assert member.introduction == "<p>我们是一家高新区。</p><p>重点发展电子信息产业。</p>"
    record = member.history.first()
    assert record.history_user == admin_user and "经审核通过" in record.history_change_reason
    assert "已审核通过" in mail.outbox[-1].body and mail.outbox[-1].to == [contact.email]


def test_returning_a_proposal_needs_a_comment_and_tells_the_contact(member_client, staff_client, contact):
    propose(member_client)
    proposal = ChangeRequest.objects.get()
    url = reverse("admin:memberarea_changerequest_change", args=[proposal.pk])
    staff_client.post(url, {"comment": "", "_return": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    staff_client.post(url, {"comment": "网址请填写单位官网。", "_return": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "returned"
    assert "网址请填写单位官网" in mail.outbox[-1].body
    assert "网址请填写单位官网" in member_client.get(reverse("memberarea:entry")).content.decode()


def test_one_open_proposal_per_unit_and_no_empty_ones(member_client, contact):
    contact.member.address = "长沙市岳麓区"
    contact.member.save()
    empty = propose(member_client, introduction="", website="", address="长沙市岳麓区", name_en="")
    assert "您没有修改任何内容" in empty.content.decode()
    propose(member_client)
    propose(member_client, address="别处")
    assert ChangeRequest.objects.count() == 1


def test_a_notice_goes_to_the_chosen_units_and_staff_see_who_read_it(staff_client, make_contact, report, client):
    changsha, zhuzhou = make_contact(), make_contact("zhuzhou", phone="13900000002", name="李华")
    response = staff_client.post(
        reverse("admin:memberarea_membernotice_add"),
        {
            "post": report.pk,
            "subject": "请阅读审计报告",
            "message": "",
            "audience": "city",
            "city": "changsha",
            "level": "",
            "kind": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [message.to for message in mail.outbox] == [[changsha.email]]
    assert report.get_absolute_url() in mail.outbox[0].body
    client.force_login(changsha.user)
    client.get(report.get_absolute_url())
    client.get(report.get_absolute_url())
    assert PostRead.objects.filter(post=report).count() == 1
    notice = MemberNotice.objects.get()
    page = staff_client.get(reverse("admin:memberarea_membernotice_change", args=[notice.pk])).content.decode()
    assert "长沙高新技术产业开发区：" in page and zhuzhou.member.name not in page


def test_a_notice_by_city_without_a_city_is_a_form_error(staff_client, report):
    response = staff_client.post(
        reverse("admin:memberarea_membernotice_add"),
        {"post": report.pk, "subject": "通知", "audience": "city", "city": "", "level": "", "kind": ""},
    )
    assert "按此范围发送时，请选择一项" in response.content.decode()
    assert not mail.outbox


def test_staff_see_a_changed_introduction_character_by_character(member_client, staff_client, contact):
    contact.member.introduction = "<p>重点发展电子信息产业。</p>"
    contact.member.save()
    propose(member_client, introduction="重点发展新能源产业。")
    proposal = ChangeRequest.objects.get()
    page = staff_client.get(reverse("admin:memberarea_changerequest_change", args=[proposal.pk])).content.decode()
    assert "重点发展<del>电子信息</del><ins>新能源</ins>产业。" in page
