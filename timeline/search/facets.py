"""
The options offered to narrow a search (type, year, tag), each counted with the other filters
applied.
"""

from dataclasses import dataclass

from timeline.search.forms import Kind

# The most frequent tags offered to narrow by: 400 links would help nobody (and rendering them
# took longer than the search).
TAGS_SHOWN = 20


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    capped: bool = False  # a lower bound: there are more than `count`

    @property
    def count_text(self):
        # Text already: a hundred numbers through the template's localize took 5 ms.
        return f"{self.count}+" if self.capped else str(self.count)


def count_facets(result, main, without_year, without_tag):
    """
    Each facet counted with the other filters applied. Where a kind was capped, any option
    may have more matches than its candidates: its count is shown as a lower bound. A chosen
    tag or year counts what the search found (the main candidates, capped or not).
    """
    kinds = {value: len(rows) for value, rows in main.by_kind.items()}
    result.kinds = [
        FacetOption(value, label, kinds[value], value == result.kind, value in main.capped)
        for value, label in Kind.choices
        if kinds[value] or value == result.kind
    ]
    shown = main.of(result.kind)
    result.total = len(shown)
    result.capped = bool(main.capped_kinds(result.kind))

    years = {}
    for candidate in without_year.of(result.kind):
        if candidate.year is not None:
            years[candidate.year] = years.get(candidate.year, 0) + 1
    if result.year and result.total:
        years[result.year] = result.total
    years_capped = bool(without_year.capped_kinds(result.kind))
    result.years = [
        FacetOption(
            str(value),
            str(value),
            n,
            value == result.year,
            result.capped if value == result.year else years_capped,
        )
        for value, n in sorted(years.items(), reverse=True)
    ]

    tags, names = {}, {}
    for candidate in without_tag.of(result.kind):
        for slug, name in candidate.tags:
            tags[slug] = tags.get(slug, 0) + 1
            names[slug] = name
    if result.tag and result.total:
        tags[result.tag] = result.total
        names[result.tag] = next(
            name for candidate in shown for slug, name in candidate.tags if slug == result.tag
        )
    tags_capped = bool(without_tag.capped_kinds(result.kind))
    by_count = sorted(tags.items(), key=lambda item: (-item[1], names[item[0]].lower()))
    result.tags = [
        FacetOption(
            slug,
            names[slug],
            n,
            slug == result.tag,
            result.capped if slug == result.tag else tags_capped,
        )
        for i, (slug, n) in enumerate(by_count)
        if i < TAGS_SHOWN or slug == result.tag
    ]
