"""Login lockout that an attacker cannot turn against the real staff (django-axes' two hooks).

Failures count against three keys, each locked after ``AXES_FAILURE_LIMIT`` of them:

- the (user name, address) pair: guessing one account's password from one place;
- the address, for any user name: one machine trying a password on every account;
- the user name, from any address: a botnet spreading its guesses over many addresses.

The third is the one a stranger can use to keep someone out, so it does not apply to a login
from an address where that user logged in successfully before (axes' ``AccessLog``, the last
``KNOWN_ADDRESS_DAYS`` days): there only the pair counts, which an attacker elsewhere cannot
touch. Neither does the address key, so a colleague guessing on the same office network does
not lock the others out either. And a login that carries the user's password *and* a valid
code of their authenticator app (the lockout page asks for it) passes every lock.

None of this helps an attacker guess: from a known address the pair is still limited to five
failures per cool-off; the code exception needs the password and a fresh code together, the
code is checked without first telling whether the password was right, and a used code cannot
be replayed. A successful login clears only its own pair (not the whole address or user name).
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# How long an address where a user logged in stays "their" address.
KNOWN_ADDRESS_DAYS = 90
# The field of the lockout page's form that carries the authenticator code.
CODE_FIELD = "otp_token"

PAIR = ["username", "ip_address"]
EVERY_KEY = ["ip_address", PAIR, "username"]


def lockout_parameters(request, credentials=None):
    """``AXES_LOCKOUT_PARAMETERS``: which keys this attempt counts against and is locked by."""
    if not isinstance(request, HttpRequest):
        return EVERY_KEY  # axes also asks for a stored attempt; count it against everything
    username = get_client_username(request, credentials)
    if username and is_known_address(username, client_address(request)):
        return [PAIR]
    return EVERY_KEY


def carries_valid_code(request, credentials=None):
    """``AXES_WHITELIST_CALLABLE``: the login carries the user's password and a valid authenticator code."""
    if not isinstance(request, HttpRequest):
        return False
    cached = getattr(request, "_lockout_code_checked", None)
    if cached is not None:
        return cached
    request._lockout_code_checked = False
    username = get_client_username(request, credentials)
    code = request.POST.get(CODE_FIELD, "").strip()
    if not username or not code:
        return False
    password = (credentials or {}).get("password", request.POST.get("password", ""))
    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    # Both are checked whatever the other gives, so the answer's time does not tell which was wrong.
    password_ok = user.check_password(password) if user is not None else _hash_anyway(password)
    device = matching_device(user, code) if user is not None else None
    if password_ok and device is not None and user.is_active:
        request._lockout_code_checked = True
        request._lockout_code_device = device
    return request._lockout_code_checked


def is_known_address(username, address):
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(username=username, ip_address=address, attempt_time__gte=since).exists()


def client_address(request):
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def matching_device(user, code):
    """The user's confirmed authenticator whose current code is ``code``, marked as used; else None.

    Unlike django-otp's ``verify_token`` a wrong code does not slow the device down: strangers
    reach this check, and must not be able to make the real user's codes wait.
    """
    try:
        token = int(code)
    except ValueError:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if totp.verify(token, device.tolerance, device.last_t + 1):
            # A code is good once: the same one cannot be replayed, not even by two requests at once.
            used = TOTPDevice.objects.filter(pk=device.pk, last_t__lt=totp.t())
            if used.update(last_t=totp.t(), last_used_at=timezone.now()):
                return device
    return None


def _hash_anyway(password):
    get_user_model()().set_password(password)
    return False


@receiver(user_logged_in, dispatch_uid="lockout_code_counts_as_second_step")
def code_counts_as_second_step(sender, request, user, **kwargs):
    """The code given on the lockout page was the second step: the admin does not ask again."""
    device = getattr(request, "_lockout_code_device", None) if request is not None else None
    if device is not None and device.user_id == user.pk:
        otp_login(request, device)
