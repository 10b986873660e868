from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "登录与浏览器安全"

    def ready(self):
        # Login security's libraries name their admin sections in English, and not
        # through gettext (locale/ translates the rest of django-axes).
        from django.apps import apps
        from django_otp.plugins.otp_totp.models import TOTPDevice

        apps.get_app_config("axes").verbose_name = "登录安全"
        apps.get_app_config("otp_totp").verbose_name = "两步验证"
        TOTPDevice._meta.verbose_name = TOTPDevice._meta.verbose_name_plural = "两步验证设备"
