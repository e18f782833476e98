"""
The editors' admin.

Every content model keeps its History view (SimpleHistoryAdmin). Each save records who (the
request's user) and why (the "Reason for this change" field, or a default) on the object and on
every inline row saved with it. Status changes and the publish/unpublish actions go through
timeline.services, which own the publication rule; nothing here writes it a second time.

Modules by what they administer: articles.py (articles and their inlines, updates), stories.py
(stories and their timeline entries, quotes, categories, tags), editions.py (editions and the
upcoming anniversaries), site_settings.py (the newsroom's name, follow line, handle);
common.py holds what they share, forms.py their forms. Importing them here registers them:
the admin's autodiscovery imports this package.
"""

from timeline.admin import articles, editions, imports, people, reviews, site_settings, stories

__all__ = ["articles", "editions", "imports", "people", "reviews", "site_settings", "stories"]
