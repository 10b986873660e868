"""Two gunicorn workers with the page cache on: a members-only page never reaches anyone else through a cache."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import BROWSER_USER_AGENT
from tests.test_two_workers import migrated, scratch  # noqa: F401 - fixtures

SETUP = """
from django.contrib.auth import get_user_model
from memberarea.models import MemberContact, MemberPost, MemberSection
from members.models import Member
section = MemberSection.objects.create(name='财务审计报告', slug='audit-test')
post = MemberPost.objects.create(section=section, title='年度财务审计报告', body='<p>机密审计结论</p>',
                                 status='published')
for phone, unit, name in (('13800000001', '长沙高新区', '王明'), ('13900000002', '株洲高新区', '李华')):
    member = Member.objects.create(name=unit, city='changsha', kind='other')
    user = get_user_model().objects.create_user(phone, email=phone + '@example.org', password='Member-pass-2026')
    MemberContact.objects.create(user=user, member=member, name=name, phone=phone, email=user.email)
result = post.pk
"""


def browser(site):
    session = requests.Session()
    session.headers["User-Agent"] = BROWSER_USER_AGENT
    session.base = f"http://127.0.0.1:{site.port}"
    return session


def log_in(site, phone):
    session = browser(site)
    page = session.get(session.base + "/member-area/login/", timeout=20).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        session.base + "/member-area/login/",
        data={"csrfmiddlewaretoken": token, "username": phone, "password": "Member-pass-2026"},
        headers={"Referer": session.base + "/member-area/login/"},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


@pytest.mark.real_clock
def test_members_only_pages_stay_with_their_reader_on_two_workers(scratch):  # noqa: F811
    site, editor = scratch
    post_id = editor.run(SETUP)
    path = f"/member-area/posts/{post_id}/"
    wang, li, anonymous = log_in(site, "13800000001"), log_in(site, "13900000002"), browser(site)

    def read(session, url):
        response = session.get(session.base + url, timeout=20)
        return response.status_code, response.headers.get("X-Worker"), response.text

    def many(session, url, times=24):
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda _: read(session, url), range(times)))
        assert len({worker for _, worker, _ in replies}) == 2, "both workers must answer"
        return replies

    for _round in range(2):  # the second round would be served from any cache that kept a copy
        assert all("机密审计结论" in body for _, _, body in many(wang, path))
        assert all("机密审计结论" not in body and "王明" not in body for _, _, body in many(anonymous, path))
        assert all("王明" in body and "李华" not in body for _, _, body in many(wang, "/member-area/"))
        assert all("李华" in body and "王明" not in body for _, _, body in many(li, "/member-area/"))
        assert all("王明" not in body and "李华" not in body for _, _, body in many(anonymous, "/member-area/"))
