"""会员专区 pages. Every response here is private: ``never_cache`` on each view, and the page cache skips
/member-area/ altogether (settings.PAGE_CACHE_EXCLUDED_PATHS), so nothing reaches another visitor."""

import django_otp
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from hnda_site.pagination import page_or_404
from members.models import Member
from security.twofactor import SetupView, TokenForm, confirmed_device, enrolment

from .access import contact_of, may_read
from .forms import ChangeRequestForm, ContactLoginForm, ContactPasswordResetForm
from .models import ChangeRequest, MemberContact, MemberPost, MemberSection, Membership, PostRead

PENDING_SESSION_KEY = "memberarea_pending_user"
PENDING_LIFETIME = 300  # seconds between the password and the code
POSTS_PER_PAGE = 20


class MembersOnlyMixin:
    """Anonymous visitors get the login prompt (with titles where staff allow); other accounts a 403."""

    prompt_section = None

    def dispatch(self, request, *args, **kwargs):
        if may_read(request.user):
            return super().dispatch(request, *args, **kwargs)
        if request.user.is_authenticated:
            raise PermissionDenied(_("此账号不能阅读会员专区。会籍暂停或已退会的单位请联系协会秘书处。"))
        return login_prompt(request, self.prompt(request, *args, **kwargs))

    def prompt(self, request, *args, **kwargs):
        return None


def login_prompt(request, section=None, post=None):
    """What the public sees of the 会员专区: a login prompt, and titles only where staff chose to show them."""
    sections = MemberSection.objects.filter(titles_public=True)
    if section is not None:
        sections = sections.filter(pk=section.pk)
    titled = [
        (s, MemberPost.objects.published().filter(section=s).only("title", "published_at")[:10]) for s in sections
    ]
    context = {"titled_sections": titled, "post": post, "section": section, "next": request.get_full_path()}
    return render(request, "memberarea/login_prompt.html", context)


@method_decorator(never_cache, name="dispatch")
class HomeView(MembersOnlyMixin, TemplateView):
    template_name = "memberarea/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = contact_of(self.request.user)
        sections = list(MemberSection.objects.all())
        latest = MemberPost.objects.published().select_related("section")[:10]
        context.update(
            contact=contact,
            member=contact.member if contact else None,
            membership=Membership.objects.filter(member=contact.member).first() if contact else None,
            sections=sections,
            latest=latest,
            pending_request=ChangeRequest.objects.filter(
                member=contact.member, status=ChangeRequest.Status.PENDING
            ).first()
            if contact
            else None,
        )
        return context


@method_decorator(never_cache, name="dispatch")
class SectionView(MembersOnlyMixin, TemplateView):
    template_name = "memberarea/section.html"

    def dispatch(self, request, slug):
        self.section = get_object_or_404(MemberSection, slug=slug)
        return super().dispatch(request, slug)

    def prompt(self, request, *args, **kwargs):
        return self.section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        posts = MemberPost.objects.published().filter(section=self.section).only("title", "published_at")
        page = page_or_404(Paginator(posts, POSTS_PER_PAGE), self.request.GET.get("page"))
        context.update(section=self.section, page_obj=page, sections=MemberSection.objects.all())
        return context


@method_decorator(never_cache, name="dispatch")
class PostView(MembersOnlyMixin, TemplateView):
    template_name = "memberarea/post.html"

    def dispatch(self, request, pk):
        self.post_object = get_object_or_404(MemberPost.objects.select_related("section"), pk=pk)
        if not self.post_object.is_public and not request.user.is_staff:
            raise Http404
        return super().dispatch(request, pk)

    def prompt(self, request, *args, **kwargs):
        return self.post_object.section

    def get(self, request, *args, **kwargs):
        contact = contact_of(request.user)
        if contact is not None:
            # The first reading by anyone of the unit is what staff see; later ones change nothing.
            try:
                with transaction.atomic():
                    PostRead.objects.get_or_create(post=self.post_object, member_id=contact.member_id)
            except IntegrityError:
                pass
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        post = self.post_object
        return {
            **super().get_context_data(**kwargs),
            "post": post,
            "section": post.section,
            "attachments": post.attachments.all(),
        }


@method_decorator(never_cache, name="dispatch")
class RosterView(MembersOnlyMixin, TemplateView):
    """会员名册: every active unit with its 会籍; contacts only where they agreed to be listed, and one's own unit."""

    template_name = "memberarea/roster.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        own = contact_of(self.request.user)
        own_member_id = own.member_id if own else None
        members = list(
            Member.objects.active()
            .select_related("membership")
            .only("name", "city", "level", "kind", "role", "website", "address", "membership__status")
            .order_by("role", "order", "sort_key")
        )
        contacts = {}
        visible = MemberContact.objects.active().filter(member__active=True)
        if not self.request.user.is_staff:
            from django.db.models import Q

            visible = visible.filter(Q(in_roster=True) | Q(member_id=own_member_id))
        for contact in visible.only("member_id", "name", "position", "phone", "email", "in_roster"):
            contacts.setdefault(contact.member_id, []).append(contact)
        context["rows"] = [(member, contacts.get(member.pk, [])) for member in members]
        return context


def contact_required(view):
    """Only a logged-in member contact (a page about its own unit)."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('memberarea:login')}?next={request.get_full_path()}")
        if contact_of(request.user) is None:
            raise PermissionDenied(_("此页面只供会员联系人使用。"))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


@contact_required
def propose_changes(request):
    """A contact proposes changes to its unit's public entry; staff review them (one open proposal a unit)."""
    contact = request.user.member_contact
    member = contact.member
    pending = ChangeRequest.objects.filter(member=member, status=ChangeRequest.Status.PENDING).first()
    last = ChangeRequest.objects.filter(member=member).exclude(status=ChangeRequest.Status.PENDING).first()
    form = ChangeRequestForm(member=member)
    if request.method == "POST" and pending is None:
        form = ChangeRequestForm(request.POST, request.FILES, member=member)
        if form.is_valid():
            proposal = form.save(commit=False)
            proposal.member, proposal.contact = member, contact
            if not proposal.changes():
                form.add_error(None, _("您没有修改任何内容。"))
            else:
                try:
                    with transaction.atomic():
                        proposal._history_user = request.user
                        proposal.save()
                except IntegrityError:
                    pass  # another contact of the unit submitted a proposal at the same moment
                messages.success(request, _("已提交。协会工作人员审核通过后，修改会在网站上公布。"))
                return redirect("memberarea:entry")
    return render(request, "memberarea/entry.html", {"form": form, "member": member, "pending": pending, "last": last})


@contact_required
def certificate(request):
    """A printable 会员证明 with a QR code of its public verification page."""
    member = request.user.member_contact.member
    membership, _created = Membership.objects.get_or_create(member=member)
    context = {"member": member, "membership": membership, "issued_on": timezone.localdate()}
    return render(request, "memberarea/certificate.html", context)


@never_cache
def verify(request, token):
    """The public check of a 会员证明: valid or not, and the unit's name; nothing personal."""
    membership = Membership.objects.select_related("member").filter(verification_token=token).first()
    if membership is None:
        raise Http404
    return render(request, "memberarea/verify.html", {"membership": membership, "checked_at": timezone.now()})


class LoginView(auth_views.LoginView):
    """会员登录. With an authenticator app enrolled, the code is asked for after the password."""

    template_name = "memberarea/login.html"
    authentication_form = ContactLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("memberarea:home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django's login view names the request's host "site"; every page here means the site settings.
        context.pop("site")
        context.pop("site_name")
        return context

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user):
            self.request.session[PENDING_SESSION_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": timezone.now().timestamp(),
                "next": self.get_success_url(),
            }
            return redirect("memberarea:login_code")
        return super().form_valid(form)


@method_decorator(never_cache, name="dispatch")
class LoginCodeView(View):
    """The second step of a member's login: the 6-digit code of the authenticator app."""

    def pending(self, request):
        pending = request.session.get(PENDING_SESSION_KEY)
        if not pending or timezone.now().timestamp() - pending["at"] > PENDING_LIFETIME:
            return None, None
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        device = confirmed_device(user) if user else None
        return (user, device) if device else (None, None)

    def get(self, request):
        _user, device = self.pending(request)
        if device is None:
            return redirect("memberarea:login")
        return render(request, "memberarea/login_code.html", {"form": TokenForm(device=device)})

    def post(self, request):
        user, device = self.pending(request)
        if device is None:
            return redirect("memberarea:login")
        form = TokenForm(request.POST, device=device)
        if not form.is_valid():
            return render(request, "memberarea/login_code.html", {"form": form})
        pending = request.session.pop(PENDING_SESSION_KEY)
        auth_login(request, user, backend=pending["backend"])
        django_otp.login(request, device)
        return redirect(pending["next"])


@method_decorator(never_cache, name="dispatch")
class SecurityView(View):
    """账号安全: a contact enrols (or removes) an authenticator app for its own account."""

    def dispatch(self, request, *args, **kwargs):
        if contact_of(request.user) is None:
            return redirect(f"{reverse('memberarea:login')}?next={request.get_full_path()}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if confirmed_device(request.user):
            return render(request, "memberarea/security.html", {"enabled": True})
        return self.enrol_page(request, TokenForm(device=SetupView.pending_device(request.user)))

    def post(self, request):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = request.user
        if confirmed_device(user):
            if not user.is_verified():
                raise PermissionDenied
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("已停用两步验证。"))
            return redirect("memberarea:security")
        device = SetupView.pending_device(user)
        form = TokenForm(request.POST, device=device)
        if not form.is_valid():
            return self.enrol_page(request, form)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        messages.success(request, _("两步验证已启用。以后登录时，输入密码后还需输入应用中的验证码。"))
        return redirect("memberarea:home")

    def enrol_page(self, request, form):
        context = {"enabled": False, "form": form, **enrolment(form.device)}
        return render(request, "memberarea/security.html", context)


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("memberarea:login")


PASSWORD_RESET = {
    "form_class": ContactPasswordResetForm,
    "template_name": "memberarea/password_reset.html",
    "email_template_name": "memberarea/email/password_reset.txt",
    "subject_template_name": "memberarea/email/password_reset_subject.txt",
    "success_url": reverse_lazy("memberarea:password_reset_done"),
}


class PrivacyView(TemplateView):
    template_name = "memberarea/privacy.html"
