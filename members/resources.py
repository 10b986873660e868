"""The member list as a spreadsheet (CSV or Excel .xlsx), for django-import-export.

Columns have Chinese headers and choice columns hold the Chinese labels (长沙市, 国家级…), so
the spreadsheet staff keep can be imported as it is, and an export can be edited and imported
back. A row whose 名称 is already in the directory updates that member, other rows add one,
and an unchanged row is skipped: importing the same file twice changes nothing. The admin
applies a file only when every row is valid (the preview lists each row's errors).
"""

import re
import unicodedata
from datetime import date, datetime

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from hnda_site.numbers import parse_digits
from spreadsheets.formats import unescape_formula

from .models import Member

# Excel often keeps a few empty rows under the data.
EMPTY = (None, "")

DATE_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _text(value):
    return "" if value is None else str(value).strip()


class TextWidget(widgets.CharWidget):
    """Text with the spaces around it removed (a trailing space must not make a new member).

    Text is stored as text, also when it begins like a formula (``=``, ``+``…); the apostrophe
    that the CSV export puts in front of such text is taken off again.
    """

    def clean(self, value, row=None, **kwargs):
        return unescape_formula(_text(value))


class WebsiteWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text and not re.match(r"https?://", text, flags=re.IGNORECASE):
            raise ValueError(
                f"“{text}”不是完整的网址：网址须以 http:// 或 https:// 开头，例如 https://www.example.gov.cn/"
            )
        return text


class ChoiceWidget(widgets.Widget):
    """A choice column: the cell holds the Chinese label (长沙市); the stored value (changsha) works too."""

    def __init__(self, choices, column, *, required=True, aliases=None):
        super().__init__()
        self.choices = choices
        self.column = column
        self.required = required
        self.lookup = {str(value): value for value in choices.values}
        self.lookup |= {str(label): value for value, label in choices.choices}
        self.lookup |= aliases or {}

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(f"请填写{self.column}。")
            return ""
        if text in self.lookup:
            return self.lookup[text]
        raise ValueError(f"“{text}”不是有效的{self.column}，应填：{'、'.join(map(str, self.choices.labels))}。")

    def render(self, value, obj=None, **kwargs):
        return "" if value in EMPTY else str(self.choices(value).label)


class DateWidget(widgets.Widget):
    """A date as Excel stores it, or written 2020-12-18, 2020/12/18 or 2020年12月18日."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        match = DATE_PATTERN.fullmatch(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise ValueError(f"“{text}”不是有效的日期，请写成 2020-12-18 或 2020年12月18日。")

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class OrderWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _text(value)
        if not text:
            return None
        number = parse_digits(unicodedata.normalize("NFKC", text))  # full-width digits too
        if number is not None:
            return number
        raise ValueError(f"排序应填不小于 0 的整数，而不是“{text}”。")

    def render(self, value, obj=None, **kwargs):
        return value if kwargs.get("force_native_type") else _text(value)


class YesNoWidget(widgets.Widget):
    TRUE = {"是", "启用", "1", "true", "yes", "y", "√", "✓"}
    FALSE = {"否", "停用", "不启用", "0", "false", "no", "n", "×", "✗"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text.endswith(".0"):  # Excel's 1.0 and 0.0
            text = text[:-2]
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"“{_text(value)}”无法识别，启用一栏请填“是”或“否”。")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


CITY_ALIASES = {label.removesuffix("市"): value for value, label in Member.City.choices if label.endswith("市")}
CITY_ALIASES |= {"湘西": Member.City.XIANGXI, "湘西州": Member.City.XIANGXI, "湘西自治州": Member.City.XIANGXI}
KIND_ALIASES = {"经开区": Member.Kind.ECONOMIC, "高新区": Member.Kind.HIGH_TECH, "综保区": Member.Kind.BONDED}
ROLE_ALIASES = {label.removesuffix("单位"): value for value, label in Member.Role.choices}


class MemberResource(resources.ModelResource):
    name = fields.Field("name", "名称", TextWidget())
    short_name = fields.Field("short_name", "简称", TextWidget())
    city = fields.Field("city", "市州", ChoiceWidget(Member.City, "市州", aliases=CITY_ALIASES))
    level = fields.Field("level", "级别", ChoiceWidget(Member.Level, "级别", required=False))
    kind = fields.Field("kind", "类型", ChoiceWidget(Member.Kind, "类型", aliases=KIND_ALIASES))
    role = fields.Field(
        "role",
        "协会职务",
        ChoiceWidget(Member.Role, "协会职务", required=False, aliases=ROLE_ALIASES),
        default=Member.Role.MEMBER,
    )
    website = fields.Field("website", "网址", WebsiteWidget())
    address = fields.Field("address", "地址", TextWidget())
    joined_on = fields.Field("joined_on", "入会日期", DateWidget())
    order = fields.Field("order", "排序", OrderWidget(), default=0)
    active = fields.Field("active", "启用", YesNoWidget(), default=True)

    class Meta:
        model = Member
        name = "会员单位"
        fields = [
            "name", "short_name", "city", "level", "kind", "role", "website", "address", "joined_on", "order", "active",
        ]  # fmt: skip
        import_id_fields = ["name"]
        # The members a file names are fetched in one query, not one per row.
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._line_of_name = {}  # name → the line of the file where it first appears

    def before_import(self, dataset, **kwargs):
        """Tidy the headers, drop the empty rows at the end, and check that there is a 名称 column."""
        self._line_of_name = {}
        dataset.headers = [_text(header) for header in dataset.headers or []]
        while len(dataset) and all(_text(value) == "" for value in dataset[-1]):
            del dataset[-1]
        missing = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [column for column in missing if column not in dataset.headers]
        if missing:
            raise ValueError(
                f"文件第一行缺少“{'”“'.join(missing)}”列。第一行应是列名：{'、'.join(self.column_names())}"
                "（可在导入页面下载模板）。"
            )

    def import_instance(self, instance, row, **kwargs):
        """Fill ``instance`` from ``row``, and refuse a name that an earlier row of the file has."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        line = line_number(kwargs.get("row_number", 0))
        if instance.name:
            first_line = self._line_of_name.setdefault(instance.name, line)
            if first_line != line:
                message = f"与第 {first_line} 行重名：同一单位在文件中只能出现一次。"
                errors.setdefault("name", []).append(ValidationError(message, code="duplicate"))
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """Each member the import adds or changes gets its own history row (操作记录), with the importer."""
        instance._change_reason = "通过导入新增" if instance._state.adding else "通过导入修改"
        if kwargs.get("user") is not None:
            instance._history_user = kwargs["user"]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, with each error under its Chinese column name.

        The unique name is not looked up again for each row (one query per row): the instance
        loader already fetched every member the file names, in one query, so a row with a
        known name updates that member, and ``import_instance`` refuses a name that the file
        repeats. The database constraint still guards against anything else.
        """
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=list(errors), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            columns = {name: field.column_name for name, field in self.fields.items()}
            columns[NON_FIELD_ERRORS] = NON_FIELD_ERRORS
            error = ValidationError(errors)
            raise ValidationError({columns.get(key, key): messages for key, messages in error.message_dict.items()})

    @classmethod
    def column_names(cls):
        return [field.column_name for field in cls.fields.values()]


def line_number(row_number):
    """The spreadsheet line of import-export's ``row_number`` (line 1 holds the headers)."""
    return row_number + 1


# What each column takes: shown on the admin's import page and in the Excel template.
COLUMN_HELP = [
    ("名称", "必填", "单位全称。已有同名单位的，更新该单位；否则新增。同一文件中不能重名。"),
    ("简称", "选填", "例如：长沙高新区。"),
    ("市州", "必填", "、".join(map(str, Member.City.labels))),
    ("级别", "选填", "、".join(map(str, Member.Level.labels)) + "；留空则网站显示“未注明”。"),
    ("类型", "必填", "、".join(map(str, Member.Kind.labels))),
    ("协会职务", "选填", "、".join(map(str, Member.Role.labels)) + "；留空即会员单位。"),
    ("网址", "选填", "以 http:// 或 https:// 开头。"),
    ("地址", "选填", ""),
    ("入会日期", "选填", "例如 2020-12-18 或 2020年12月18日。"),
    ("排序", "选填", "不小于 0 的整数，同一职务内数字小的排在前面；留空为 0。"),
    ("启用", "选填", "是 或 否；留空为“是”。选“否”的单位不在网站上显示。"),
]


def import_template(extension):
    """An empty import file (the header row only) as ``(bytes, content type)``, or None.

    The Excel template has a second sheet, 填写说明, that says what each column takes;
    the import reads the first sheet only.
    """
    members = tablib.Dataset(headers=MemberResource.column_names(), title="会员单位")
    if extension == "csv":
        # With a byte order mark, Excel opens the UTF-8 file without garbling the Chinese.
        return members.export("csv").encode("utf-8-sig"), "text/csv; charset=utf-8"
    if extension == "xlsx":
        help_sheet = tablib.Dataset(*COLUMN_HELP, headers=["列名", "是否必填", "怎么填"], title="填写说明")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return tablib.Databook([members, help_sheet]).export("xlsx"), content_type
    return None


def csv_bytes_as_utf8(data):
    """CSV bytes re-encoded as UTF-8 (what the import reads).

    Excel on a Chinese Windows saves “CSV” in GB18030 (GBK); UTF-8 files, with or without
    a byte order mark, are left as they are.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data
