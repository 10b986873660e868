"""Two-factor login for staff: a TOTP authenticator app (django-otp), asked for after the password.

Staff may enrol an app (两步验证 in the admin's top bar); whoever has one must give its
6-digit code after the password before the admin opens. With ``REQUIRE_2FA=true`` every
superuser must have one: until they enrol, the admin only offers them the enrolment page.
Wrong codes slow down (django-otp doubles the wait after each failure); passwords are
throttled by django-axes.
"""

import base64

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

# Views of the admin that stay open before the second step: logging in and out.
OPEN_ADMIN_VIEWS = {"login", "logout"}
# Staff-only views outside the admin that need the second step too.
STAFF_VIEWS = {"ck_editor_5_upload_file"}
WRONG_CODE = "验证码不正确或已过期。请输入应用中当前显示的验证码；多次输错后需稍等片刻再试。"


def is_required(user):
    return settings.REQUIRE_2FA and user.is_superuser


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def passed_second_step(user):
    """Whether a staff account has done every step the admin asks for: it gave a code from its app,
    or it has no app and none is required of it (logged in with the password only, otherwise)."""
    if user.is_verified():
        return True
    return confirmed_device(user) is None and not is_required(user)


def can_preview(user, permission):
    """Whether this visitor sees drafts and scheduled items on the public pages (a preview): staff
    with ``permission`` who passed the same steps as for the admin. Every preview asks this."""
    return user.is_staff and user.has_perm(permission) and passed_second_step(user)


def next_url(request):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return reverse("admin:index")


class TwoFactorMiddleware:
    """Sends staff who have not passed the second step to it (or to enrolment) from the admin.

    Goes after django-otp's OTPMiddleware, which gives ``request.user.is_verified()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_staff or user.is_verified():
            return None
        match = request.resolver_match
        in_admin = match.namespace == "admin" and match.url_name not in OPEN_ADMIN_VIEWS
        if not in_admin and match.url_name not in STAFF_VIEWS:
            return None
        if passed_second_step(user):
            return None
        step = "two_factor_verify" if confirmed_device(user) else "two_factor_setup"
        target = request.get_full_path() if request.method == "GET" else reverse("admin:index")
        return redirect(f"{reverse(step)}?{urlencode({'next': target})}")


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        min_length=6,
        max_length=6,
        help_text="身份验证器应用中显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not django_otp.verify_token(self.device.user, self.device.persistent_id, token):
            raise forms.ValidationError(WRONG_CODE)
        return token


def enrolment(device):
    """What an enrolment page shows: the app's QR code (an SVG data URI) and its key in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return {
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


def admin_page(request, template, title, **context):
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


@method_decorator(staff_member_required, name="dispatch")
class VerifyView(View):
    """The second step of logging in: the code from the staff member's app."""

    def get(self, request):
        device = confirmed_device(request.user)
        if device is None:
            return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': next_url(request)})}")
        return self.page(request, TokenForm(device=device))

    def post(self, request):
        device = confirmed_device(request.user)
        if device is None:
            return redirect("two_factor_setup")
        form = TokenForm(request.POST, device=device)
        if form.is_valid():
            django_otp.login(request, device)
            return redirect(next_url(request))
        return self.page(request, form)

    def page(self, request, form):
        return admin_page(request, "admin/two_factor_verify.html", "两步验证", form=form, next=next_url(request))


@method_decorator(staff_member_required, name="dispatch")
class SetupView(View):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""

    def get(self, request):
        if confirmed_device(request.user):
            if not request.user.is_verified():
                return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url(request)})}")
            return self.status_page(request)
        return self.enrol_page(request, TokenForm(device=self.pending_device(request.user)))

    def post(self, request):
        user = request.user
        if confirmed_device(user):
            return self.disable(request)
        device = self.pending_device(user)
        form = TokenForm(request.POST, device=device)
        if not form.is_valid():
            return self.enrol_page(request, form)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        messages.success(request, "两步验证已启用。以后登录时，输入密码后还需输入应用中的验证码。")
        return redirect(next_url(request))

    def disable(self, request):
        user = request.user
        if not user.is_verified():
            return redirect("two_factor_verify")
        if is_required(user):
            messages.error(request, "本网站要求超级管理员使用两步验证，不能停用。")
            return redirect("two_factor_setup")
        TOTPDevice.objects.filter(user=user).delete()
        messages.success(request, "两步验证已停用。")
        return redirect("admin:index")

    @staticmethod
    def pending_device(user):
        """The one unconfirmed device being enrolled (a new secret only when there is none)."""
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=user, name="身份验证器应用", confirmed=False)

    def enrol_page(self, request, form):
        return admin_page(
            request,
            "admin/two_factor_setup.html",
            "启用两步验证",
            form=form,
            **enrolment(form.device),
            required=is_required(request.user),
            next=next_url(request),
        )

    def status_page(self, request):
        return admin_page(request, "admin/two_factor_status.html", "两步验证", required=is_required(request.user))
