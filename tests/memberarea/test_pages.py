"""The area's own pages: 会员名册, 会员证明 and its public check, constant queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from memberarea.models import Membership
from members.models import Member


def test_the_roster_shows_other_units_contacts_only_where_they_agreed(member_client, make_contact, contact):
    make_contact("zhuzhou", phone="13900000002", name="李华")
    page = member_client.get(reverse("memberarea:roster")).content.decode()
    assert "株洲高新技术产业开发区" in page
    assert "李华" not in page and "13900000002" not in page
    assert "王明" in page  # one's own unit
    other = contact.member.contacts.model.objects.get(name="李华")
    other.in_roster = True
    other.save()
    assert "李华" in member_client.get(reverse("memberarea:roster")).content.decode()


def test_the_certificate_has_a_qr_code_of_the_public_check(member_client, contact):
    page = member_client.get(reverse("memberarea:certificate")).content.decode()
    membership = Membership.objects.get(member=contact.member)
    assert "<svg" in page and membership.get_verification_url() in page
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in page


def test_the_public_check_says_valid_or_not_and_nothing_personal(client, contact):
    membership = Membership.objects.create(member=contact.member, fee_years="2025, 2026")
    page = client.get(membership.get_verification_url()).content.decode()
    assert "会籍有效" in page and contact.member.name in page
    assert contact.phone not in page and contact.name not in page and "2025" not in page
    membership.status = Membership.Status.WITHDRAWN
    membership.save()
    assert "本证明目前无效" in client.get(membership.get_verification_url()).content.decode()
    assert client.get(reverse("memberarea:verify", args=["no-such-token"])).status_code == 404


def test_fee_years_are_read_from_what_staff_typed(db, units):
    membership = Membership.objects.create(member=units["changsha"], fee_years="2026，2024 2025、2025")
    assert membership.paid_years == [2024, 2025, 2026]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_area_pages_take_a_constant_number_of_queries(member_client, make_contact, report, minutes):
    urls = [reverse("memberarea:home"), reverse("memberarea:roster"), minutes.get_absolute_url()]
    for url in urls:
        member_client.get(url)  # the site settings are remembered per process after the first page
    few = [count_queries(member_client, url) for url in urls]
    for number in range(5):
        unit = Member.objects.create(name=f"园区{number}", city="changsha", kind="other")
        Membership.objects.create(member=unit)
        make_contact(phone=f"1360000000{number}", name=f"联系人{number}").member = unit
        report.pk = None
        report.save()
    assert [count_queries(member_client, url) for url in urls] == few


def test_a_bad_page_number_is_a_404(member_client, minutes):
    assert member_client.get(minutes.get_absolute_url() + "?page=99999999999999999999").status_code == 404
    assert member_client.get(minutes.get_absolute_url() + "?page=abc").status_code == 404
    assert member_client.get(minutes.get_absolute_url() + "?page=1").status_code == 200
