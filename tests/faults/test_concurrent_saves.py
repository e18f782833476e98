"""
Editors saving at the same moment: every save is committed, none is lost to a clash.

Found by bench/load.py: four editors adding this year's update to one article on the same
day all picked the same anchor (update-2026-11-28); all but one got a 500. Now the unique
constraint decides and the others take the next anchor.
"""

import threading

import pytest
from django.db import connection, connections

from tests.factories import NOW, make_article, make_update
from timeline.models import Update


@pytest.mark.django_db
def test_an_anchor_taken_meanwhile_is_replaced_by_the_next(monkeypatch):
    article = make_article()
    make_update(article, dated_at=NOW)
    calls = []
    real = Update._free_anchor

    def stale_then_real(self):
        """As if this editor had looked before the colleague's update was saved."""
        calls.append(1)
        return "update-2026-11-13" if len(calls) == 1 else real(self)

    monkeypatch.setattr(Update, "_free_anchor", stale_then_real)
    update = make_update(article, dated_at=NOW, body="Second one, same day.")
    assert update.anchor == "update-2026-11-13-2"
    assert update.history.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_four_editors_adding_updates_to_one_article_at_once_all_commit():
    article = make_article()
    barrier = threading.Barrier(4)
    failures = []

    def editor(n):
        try:
            barrier.wait()
            for i in range(5):
                make_update(article, dated_at=NOW, body=f"Editor {n}, update {i}.")
        except Exception as exc:  # collected and asserted below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    anchors = list(Update.objects.filter(article=article).values_list("anchor", flat=True))
    assert len(anchors) == len(set(anchors)) == 20
    assert Update.history.filter(article_id=article.pk).count() == 20
