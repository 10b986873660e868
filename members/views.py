from django.views.generic import DetailView, ListView

from search import fulltext

from .filters import DirectoryFilters
from .models import Member

MEMBERS_PER_PAGE = 24


class MemberListView(ListView):
    """The directory: active members, filtered by the query string; bad page numbers are 404s."""

    template_name = "members/member_list.html"
    context_object_name = "members"
    paginate_by = MEMBERS_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.filters = DirectoryFilters(request.GET)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filters.apply(Member.objects.active()).for_list()

    def get_context_data(self, **kwargs):
        if not self.filters.query:
            facets = self.filters.facets(Member.objects.active())
            return super().get_context_data(filters=self.filters, facets=facets, **kwargs)
        with fulltext.index_scans():  # every query that searches is evaluated in here
            facets = self.filters.facets(Member.objects.active())
            context = super().get_context_data(filters=self.filters, facets=facets, **kwargs)
            context["members"] = context["object_list"] = list(context["object_list"])
        return context


class MemberDetailView(DetailView):
    """One member. Staff who may change members preview one that is not shown on the website."""

    template_name = "members/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        user = self.request.user
        return (
            Member.objects.all()
            if user.is_staff and user.has_perm("members.change_member")
            else Member.objects.active()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(related_articles=self.object.related_articles(), **kwargs)
