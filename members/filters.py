"""The member directory's filters: read from the query string, applied, and counted.

A filtered list is a URL (``/members/?city=changsha&level=national&q=高新``), so it can
be shared. Unknown values (``?city=atlantis``, ``?role=x``) are ignored rather than
refused: an old or hand-edited link still shows the directory.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from search.fulltext import clean_query

from .models import Member

# (query parameter = model field, label, choices), in the order the page shows them.
FACETS = [
    ("city", _("市州"), Member.City),
    ("level", _("级别"), Member.Level),
    ("kind", _("类型"), Member.Kind),
    ("role", _("协会职务"), Member.Role),
]
# Facets whose field may be left empty: "not stated" is an option of its own (?level=none).
UNSET = "none"
UNSET_LABEL = _("未注明")
MAY_BE_UNSET = {"level"}


def facet_choices(name, choices):
    """[(stored value, query-string value, label)] of a facet, 未注明 last where the field may be empty."""
    options = [(value, str(value), label) for value, label in choices.choices]
    if name in MAY_BE_UNSET:
        options.append(("", UNSET, UNSET_LABEL))
    return options


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    total: int
    options: list
    selected: Option | None


@dataclass(frozen=True)
class Chip:
    """An active filter, shown so that it can be removed."""

    name: str
    label: str
    value: str


class DirectoryFilters:
    """The search words and the one chosen value (at most) of each facet in a request."""

    def __init__(self, params):
        self.query = clean_query(params.get("q", ""))
        self.selected = {}
        for name, _label, choices in FACETS:
            valid = {param: value for value, param, _option_label in facet_choices(name, choices)}
            value = params.get(name, "").strip()
            if value in valid:
                self.selected[name] = valid[value]

    @property
    def is_active(self):
        return bool(self.query or self.selected)

    @property
    def chips(self):
        chips = [Chip("q", _("关键词"), _("含“%(query)s”") % {"query": self.query})] if self.query else []
        for name, label, choices in FACETS:
            if name in self.selected:
                value = self.selected[name]
                chips.append(Chip(name, label, choices(value).label if value != "" else UNSET_LABEL))
        return chips

    def _condition(self, exclude=None):
        return Q(**{name: value for name, value in self.selected.items() if name != exclude})

    def _searched(self, members):
        return members.search(self.query) if self.query else members

    def apply(self, members):
        """``members`` narrowed to the search words and every chosen facet value."""
        return self._searched(members).filter(self._condition())

    def facets(self, members):
        """Every facet with the number of members behind each option, counted in one query.

        An option's count is what the list would show if that option were chosen instead of
        the facet's current choice, keeping the search words and the other facets' choices
        (the usual faceted-search rule): a visitor sees beforehand where each click leads, and
        switching 长沙市 to 株洲市 does not first require removing 长沙市.
        """
        aggregates = {}
        for name, _label, choices in FACETS:
            others = self._condition(exclude=name)
            aggregates[f"{name}__all"] = Count("pk", filter=others or None)
            for value, param, _option_label in facet_choices(name, choices):
                aggregates[f"{name}__{param}"] = Count("pk", filter=others & Q(**{name: value}))
        counts = self._searched(members).aggregate(**aggregates)

        facets = []
        for name, label, choices in FACETS:
            chosen = self.selected.get(name)
            options = [
                Option(param, option_label, counts[f"{name}__{param}"], value == chosen)
                for value, param, option_label in facet_choices(name, choices)
            ]
            # 未注明 is listed only when some member (or the current choice) is in it.
            options = [o for o in options if o.value != UNSET or o.count or o.selected]
            selected = next((option for option in options if option.selected), None)
            facets.append(Facet(name, label, counts[f"{name}__all"], options, selected))
        return facets
