from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from richtext.text import text_blocks

from .models import ChangeRequest


class ContactLoginForm(AuthenticationForm):
    """会员登录: a member contact's 手机号 and password (staff accounts log in to the admin instead)."""

    username = forms.CharField(
        label=_("手机号"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("手机号或密码不正确。多次输错后账号会被暂时锁定。"),
        "inactive": _("此账号已停用。如有疑问，请联系协会秘书处。"),
        "not_contact": _("此账号不是会员联系人账号。协会工作人员请从网站管理后台登录。"),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not hasattr(user, "member_contact"):
            raise forms.ValidationError(self.error_messages["not_contact"], code="not_contact")


class ContactPasswordResetForm(PasswordResetForm):
    """Password reset by e-mail, for member contacts' accounts only."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if hasattr(user, "member_contact"))


class ChangeRequestForm(forms.ModelForm):
    """What a contact may propose for its unit's public entry (prefilled with the entry as it is)."""

    website = forms.URLField(
        label=_("网址"), required=False, assume_scheme="https", help_text=_("以 http:// 或 https:// 开头。")
    )

    class Meta:
        model = ChangeRequest
        fields = ChangeRequest.FIELDS
        labels = {
            "introduction": _("单位简介"),
            "address": _("地址"),
            "name_en": _("英文名称"),
            "logo": _("新标志（不更换请留空）"),
        }
        widgets = {"introduction": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "logo": _("JPG、PNG、GIF 或 WebP 图片，不超过 2 MB。"),
            "introduction": _("纯文本即可，空一行为一个段落。"),
        }

    def __init__(self, *args, member, **kwargs):
        initial = {name: getattr(member, name) for name in ChangeRequest.FIELDS if name != "logo"}
        initial["introduction"] = "\n".join(text_blocks(member.introduction))
        super().__init__(*args, initial=initial, **kwargs)
        self.member = member

    def clean_introduction(self):
        """Plain text, a paragraph per line, as the entry's HTML (unchanged text keeps the entry's own HTML)."""
        text = self.cleaned_data["introduction"]
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines == text_blocks(self.member.introduction):
            return self.member.introduction
        return "".join(f"<p>{escape(line)}</p>" for line in lines)
