"""
Content of a recurring "On This Day" post, as structured data with full revision history.

A Story is the subject being followed (an attack, a trial); its TimelineEntry rows are the
dated facts. An Article is the living post about it, at one permanent URL, with its dated
Updates, epigraph and inline Quotes (reusable, placed through QuotePlacement), RelatedLinks,
References and Embeds. Every model keeps django-simple-history records; every editorial write
goes through timeline.services so each historical row has a user and a reason.

Modules by concern: common.py (validators, defaults, Status and what publishable models share),
taxonomy.py (Category, Tag), stories.py, articles.py (Article, Update), parts.py (quotes, links,
references, embeds), entries.py (TimelineEntry), editions.py, site.py (the newsroom's settings).
Callers import from the package: `from timeline.models import Article`; migrations name the
validators and defaults here too.
"""

# In the order the models were always registered (apps.get_models(), dumps), not sorted.
from timeline.models.common import (  # noqa: I001
    EARLIEST_MOMENT,
    HISTORICAL_YEARS,
    PUBLICATION_YEARS,
    PublishableQuerySet,
    Status,
    default_milestone_patterns,
    default_time_zone,
    status_constraints,
    validate_edtf,
    validate_milestone_patterns,
    validate_time_zone,
    validate_title_pattern,
)
from timeline.models.taxonomy import Category, Tag
from timeline.models.stories import Story, StoryAlias
from timeline.models.articles import (
    ANCHOR_ATTEMPTS,
    Article,
    ArticleQuerySet,
    Update,
    UpdateKind,
    UpdateQuerySet,
)
from timeline.models.parts import (
    Embed,
    EmbedKind,
    Placement,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
)
from timeline.models.entries import TimelineEntry, TimelineEntryQuerySet
from timeline.models.editions import Edition, EditionKind, EditionQuerySet, EditionStatus
from timeline.models.people import ArticleCredit, Author, UpdateCredit
from timeline.models.reviews import ReviewRequest, ReviewRequestQuerySet, ReviewState
from timeline.models.imports import ImportedPost, ImportRun, ImportRunStatus
from timeline.models.site import SiteSettings

__all__ = [
    "ANCHOR_ATTEMPTS",
    "EARLIEST_MOMENT",
    "HISTORICAL_YEARS",
    "PUBLICATION_YEARS",
    "Article",
    "ArticleCredit",
    "ArticleQuerySet",
    "Author",
    "Category",
    "Edition",
    "EditionKind",
    "EditionQuerySet",
    "EditionStatus",
    "Embed",
    "EmbedKind",
    "ImportRun",
    "ImportRunStatus",
    "ImportedPost",
    "Placement",
    "PublishableQuerySet",
    "Quote",
    "QuotePlacement",
    "Reference",
    "RelatedLink",
    "ReviewRequest",
    "ReviewRequestQuerySet",
    "ReviewState",
    "SiteSettings",
    "Status",
    "Story",
    "StoryAlias",
    "Tag",
    "TimelineEntry",
    "TimelineEntryQuerySet",
    "Update",
    "UpdateCredit",
    "UpdateKind",
    "UpdateQuerySet",
    "default_milestone_patterns",
    "default_time_zone",
    "status_constraints",
    "validate_edtf",
    "validate_milestone_patterns",
    "validate_time_zone",
    "validate_title_pattern",
]  # fmt: skip
