"""会员单位: constants and helpers shared by the member tests."""

import io
import os
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats import base_formats
from PIL import Image

from members.models import Member
from members.resources import (
    MemberResource,
)

REPO = Path(__file__).resolve().parents[2]


SAMPLE_CSV = REPO / "docs" / "members-sample.csv"


HEADERS = "名称,简称,市州,级别,类型,协会职务,网址,地址,入会日期,排序,启用"


City, Level, Kind, Role = Member.City, Member.Level, Member.Kind, Member.Role


def names(response):
    return [member.name for member in response.context["members"]]


def png_upload(size=(40, 30), name="logo.png", image_format="PNG", noise=False):
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (11, 79, 138))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def import_csv(text, dry_run=False):
    dataset = base_formats.CSV(encoding="utf-8-sig").create_dataset(text)
    return MemberResource().import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)


def full_member(make_member):
    return make_member(
        "长沙经济技术开发区",
        short_name="长沙经开区",
        level=Level.NATIONAL,
        kind=Kind.ECONOMIC,
        role=Role.EXECUTIVE_DIRECTOR,
        website="https://www.example.gov.cn/",
        address="长沙市经开区东六路",
        joined_on=date(2010, 11, 12),
        order=4,
        active=False,
    )
