"""The public forms. A form page holds its visitor's CSRF token and CAPTCHA: ``never_cache`` on every view
here, and the page cache never stores a page that used a CSRF token."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hnda_site.pagination import page_or_404
from news.models import Article
from pagecache import cache as pagecache

from . import limits, notify
from .forms import ApplicationForm, EnquiryForm, RegistrationEntryForm
from .models import Enquiry, MembershipApplication, Registration, RegistrationForm

FAQ_PER_PAGE = 20
TOO_MANY = _("提交次数过多，请稍后再试；如有急事请直接致电协会秘书处。")


@never_cache
def apply_for_membership(request):
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_spam():
            return redirect("webforms:thanks")
        if not limits.allowed(request, "application", request.POST.get("phone", "")):
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            application = form.save(commit=False)
            application.form_file_name = form.cleaned_data["form_file"].name[:200]
            application.save()
            notify.send(
                "application_received",
                _("入会申请已收到"),
                [application.email],
                application=application,
                status_url=notify.absolute(application.get_status_url()),
            )
            notify.send("staff_new_application", "新的入会申请", notify.staff_addresses(), application=application)
            messages.success(request, _("申请已提交。请保存本页地址，随时可以回来查看审核进度。"))
            return redirect(application.get_status_url())
    return render(request, "webforms/application_form.html", {"form": form})


@never_cache
def application_status(request, token):
    application = get_object_or_404(MembershipApplication, token=token)
    return render(request, "webforms/application_status.html", {"application": application})


@never_cache
def ask(request):
    form = EnquiryForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam():
            return redirect("webforms:thanks")
        if not limits.allowed(request, "enquiry", request.POST.get("contact", "")):
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            enquiry = form.save()
            notify.send("staff_new_enquiry", "新的网站留言", notify.staff_addresses(), enquiry=enquiry)
            return render(request, "webforms/enquiry_sent.html", {"enquiry": enquiry})
    return render(request, "webforms/enquiry_form.html", {"form": form})


@pagecache.reads_query("page")  # every other query parameter is dropped for anonymous visitors
def faq(request):
    """问答: questions and answers staff chose to publish (never the asker's name or contact)."""
    paginator = Paginator(Enquiry.objects.filter(published=True).order_by("-replied_at", "-pk"), FAQ_PER_PAGE)
    return render(request, "webforms/faq.html", {"page_obj": page_or_404(paginator, request.GET.get("page"))})


def privacy(request):
    return render(request, "webforms/privacy.html", {"retention_days": settings.FORM_DATA_RETENTION_DAYS})


def thanks(request):
    return render(request, "webforms/thanks.html")


@never_cache
def register(request, article_id):
    """报名 / 回执 of a published notice; the same phone number again updates the first registration."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    registration_form = get_object_or_404(RegistrationForm, article=article)
    contact = getattr(request.user, "member_contact", None) if request.user.is_authenticated else None
    initial = {"unit": contact.member.name, "name": contact.name, "phone": contact.phone} if contact else {}
    form = RegistrationEntryForm(request.POST or None, initial=initial, registration_form=registration_form)
    closed = registration_form.is_past_deadline()
    if request.method == "POST" and not closed:
        if form.is_spam():
            return redirect("webforms:thanks")
        if not limits.allowed(request, f"register-{registration_form.pk}", request.POST.get("phone", "")):
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            outcome = save_registration(registration_form, form, contact)
            if outcome is not None:
                return render(
                    request,
                    "webforms/registration_done.html",
                    {"article": article, "registration_form": registration_form, "updated": outcome == "updated"},
                )
            form.add_error(None, _("名额已满，报名已截止。"))
    context = {
        "article": article,
        "registration_form": registration_form,
        "form": form,
        "closed": closed,
        "full": registration_form.is_full(),
    }
    return render(request, "webforms/register.html", context)


def save_registration(registration_form, form, contact):
    """ "created" or "updated", or None when the places left do not fit (decided under a row lock)."""
    data = form.cleaned_data
    with transaction.atomic():
        locked = RegistrationForm.objects.select_for_update().get(pk=registration_form.pk)
        existing = Registration.objects.filter(form=locked, phone=data["phone"]).first()
        headcount = data.get("headcount") or 1
        if locked.capacity is not None and locked.people(exclude=existing) + headcount > locked.capacity:
            return None
        registration = existing or Registration(form=locked)
        for name, value in data.items():
            if name in form.Meta.fields:
                setattr(registration, name, value)
        registration.headcount = headcount
        if contact is not None:
            registration.member = contact.member
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # the same phone registered at this very moment: update that one
            return None
    return "updated" if existing else "created"
