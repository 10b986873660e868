from django.views.generic import DetailView, ListView

from hnda_site.pagination import PageNumberMixin
from security import twofactor

from .filters import FACETS, DirectoryFilters
from .models import Member

MEMBERS_PER_PAGE = 24


class MemberListView(PageNumberMixin, ListView):
    """The directory: active members, filtered by the query string; bad page numbers are 404s."""

    template_name = "members/member_list.html"
    context_object_name = "members"
    paginate_by = MEMBERS_PER_PAGE
    # The only query parameters this page reads; others are dropped (pagecache.reads_query).
    page_cache_query = ("q", "page", *(name for name, _label, _choices in FACETS))

    def get(self, request, *args, **kwargs):
        self.filters = DirectoryFilters(request.GET)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filters.apply(Member.objects.active()).for_list()

    def get_context_data(self, **kwargs):
        facets = self.filters.facets(Member.objects.active())
        return super().get_context_data(filters=self.filters, facets=facets, **kwargs)


class MemberDetailView(DetailView):
    """One member. Staff who may change members preview one that is not shown on the website."""

    template_name = "members/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        preview = twofactor.can_preview(self.request.user, "members.change_member")
        return Member.objects.all() if preview else Member.objects.active()

    def get_context_data(self, **kwargs):
        return super().get_context_data(related_articles=self.object.related_articles(), **kwargs)
