"""The public forms: each has a self-hosted CAPTCHA (an arithmetic picture), a honeypot and a consent box."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Enquiry, MembershipApplication, Registration
from .uploads import check_application_file

HONEYPOT = "homepage"


class CaptchaInput(CaptchaTextInput):
    """The CAPTCHA's label names the box people type in (the key before it is a hidden input), as a
    ``<label for>``, not the fieldset legend Django gives widgets of several inputs."""

    use_fieldset = False

    def id_for_label(self, id_):
        return f"{id_}_1" if id_ else id_


class ProtectedForm(forms.Form):
    """Fields every public form ends with: the CAPTCHA, the consent and a honeypot people never see."""

    captcha = CaptchaField(
        label=_("验证码"),
        widget=CaptchaInput,
        help_text=_("请填写图中算式的结果（阿拉伯数字）。"),
        error_messages={"invalid": _("验证码不正确，请重新计算图中的算式。")},
    )
    consent = forms.BooleanField(
        label=_("我已阅读《个人信息保护说明》，同意协会为处理本表单使用我填写的个人信息。"),
        error_messages={"required": _("请先阅读并同意个人信息保护说明。")},
    )
    homepage = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.data.get(self.add_prefix(HONEYPOT)))


class ApplicationForm(forms.ModelForm, ProtectedForm):
    class Meta:
        model = MembershipApplication
        fields = ["unit_name", "kind", "level", "city", "contact_name", "phone", "email", "form_file"]
        help_texts = {
            "form_file": _("盖章的入会申请表扫描件：PDF、Word 或图片，不超过 10 MB。"),
            "unit_name": _("单位全称，例如：长沙高新技术产业开发区。"),
        }

    field_order = [*Meta.fields, "captcha", "consent", HONEYPOT]

    def clean_form_file(self):
        upload = self.cleaned_data["form_file"]
        check_application_file(upload)
        return upload


class EnquiryForm(forms.ModelForm, ProtectedForm):
    class Meta:
        model = Enquiry
        fields = ["name", "contact", "subject", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 8, "maxlength": 2000})}

    field_order = [*Meta.fields, "captcha", "consent", HONEYPOT]


class RegistrationEntryForm(forms.ModelForm, ProtectedForm):
    """报名: only the fields staff chose, the phone always; members logged in get their unit filled in."""

    class Meta:
        model = Registration
        fields = ["unit", "name", "position", "phone", "headcount", "accommodation", "note"]

    def __init__(self, *args, registration_form, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = set(registration_form.chosen_fields)
        for name in list(self.fields):
            if name in self.Meta.fields and name not in chosen:
                del self.fields[name]
        for name in ("unit", "name"):
            if name in self.fields:
                self.fields[name].required = True
        if "headcount" in self.fields:
            self.fields["headcount"].min_value = 1
            self.fields["headcount"].max_value = 50
            self.fields["headcount"].widget.attrs.update(min=1, max=50)
        self.order_fields([*registration_form.chosen_fields, "captcha", "consent", HONEYPOT])
