"""会员专区: two member units, each with a contact account, and members-only posts."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from memberarea.models import MemberContact, MemberPost, MemberSection
from members.models import Member

PASSWORD = "Member-pass-2026"


@pytest.fixture
def units(db):
    return {
        "changsha": Member.objects.create(
            name="长沙高新技术产业开发区", city="changsha", kind="high_tech", level="national"
        ),
        "zhuzhou": Member.objects.create(
            name="株洲高新技术产业开发区", city="zhuzhou", kind="high_tech", level="national"
        ),
    }


@pytest.fixture
def make_contact(units):
    def make(unit="changsha", phone="13800000001", name="王明", **fields):
        user = get_user_model().objects.create_user(username=phone, email=f"{phone}@example.org", password=PASSWORD)
        return MemberContact.objects.create(
            user=user, member=units[unit], name=name, phone=phone, email=user.email, **fields
        )

    return make


@pytest.fixture
def contact(make_contact):
    return make_contact()


@pytest.fixture
def member_client(client, contact):
    client.force_login(contact.user)
    return client


@pytest.fixture
def minutes(db):
    return MemberSection.objects.create(name="会议纪要", slug="minutes-test", order=1)


@pytest.fixture
def report(minutes):
    return MemberPost.objects.create(
        section=minutes,
        title="2026年度财务审计报告",
        body="<p>审计结论：收支平衡，账目清楚。</p>",
        status=MemberPost.Status.PUBLISHED,
        published_at=timezone.now(),
    )
