"""How often one address, and one phone or e-mail, may send a form (the cache counts; Redis in production)."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

HOUR, DAY = 3600, 86400


def _hit(key, limit, period):
    """Count one more use of ``key``; False once more than ``limit`` uses fell in the current period."""
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period)
        count = 1
    return count <= limit


def allowed(request, form_name, contact=""):
    """True if this address (per hour) and this contact (per day) may send ``form_name`` once more."""
    address = get_client_ip_address(request) or "unknown"
    ok = _hit(f"forms:{form_name}:ip:{address}", settings.FORM_LIMIT_PER_ADDRESS, HOUR)
    if contact:
        ok = _hit(f"forms:{form_name}:contact:{contact.strip().lower()}", settings.FORM_LIMIT_PER_CONTACT, DAY) and ok
    return ok
