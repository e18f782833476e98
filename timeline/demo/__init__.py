"""
The demo: one real story, told in our own words, with every part an "On This Day" post has,
and a second, invented one whose anniversary is always a few days ahead (founding.py).

The facts are of public record (the Chernobyl disaster of 26 April 1986). The newsroom, its
writers, every person quoted and every link are fictional: speakers are people of The Daily
Example's world, and addresses live on example.org / example.com. The second story is the
newsroom's own first edition; being invented, its day can be chosen when the demo is loaded, so
the upcoming-anniversaries page, approval and on-this-day always have something to show.

Two logins (editor.py): `editor`, an Editor-role user as a newsroom's editors are, who signs
every demo write; and `admin`, a superuser.

The words are data (data/*.json, read by content.py); loader.py writes them through the
services; editor.py keeps the demo logins. `load_demo()` is idempotent. It finds each object by
its natural key, saves only what differs from the data, and stamps each save with the demo
editor and the reason "Loaded demo content", so a second run writes nothing at all, not even a
history row.

Its revision history tells the story's real chronology: each object is dated when it would have
been written (an update at its date, a timeline entry the morning after the event), and the
main article's editions are replayed year by year up to the day it is loaded, so every past
edition's frozen snapshot shows the page as it stood then; the anniversary last gone live has
its update, the next one its draft.
"""

from timeline.demo.editor import ADMIN_USERNAME, DEFAULT_PASSWORD, EDITOR_USERNAME, DemoResult
from timeline.demo.loader import REASON, load_demo

# The demo's articles (data/articles.json), by slug: the living post and two it links to.
MAIN_SLUG = "chernobyl-reactor-4"
NSC_SLUG = "new-safe-confinement"
FUKUSHIMA_SLUG = "fukushima-daiichi-ten-years"

__all__ = [
    "ADMIN_USERNAME", "DEFAULT_PASSWORD", "EDITOR_USERNAME", "FUKUSHIMA_SLUG", "MAIN_SLUG",
    "NSC_SLUG", "REASON", "DemoResult", "load_demo",
]  # fmt: skip
