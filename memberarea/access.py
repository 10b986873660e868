"""Who reads the 会员专区 (its pages, and the files attached to its posts)."""

from security.twofactor import confirmed_device, is_required

from .models import Membership


def contact_of(user):
    return getattr(user, "member_contact", None) if user.is_authenticated else None


def may_read(user):
    """Member contacts of a unit whose 会籍 is not suspended or withdrawn, and staff, read members-only pages."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        # Staff read it as they would in the admin: after the second step where they have one (or must).
        return user.is_verified() if confirmed_device(user) else not is_required(user)
    contact = contact_of(user)
    if contact is None:
        return False
    membership = Membership.objects.filter(member_id=contact.member_id).only("status").first()
    return membership is None or membership.status == Membership.Status.VALID
