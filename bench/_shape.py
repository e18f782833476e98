"""
What an article page shows, counted in the served HTML as a reader (or a skeptic) would count
it: words of the body and of the updates, sections, quotes, timeline entries, references, tags,
related posts, earlier editions. bench/run.py prints it next to the figures, so the article
measured can be compared with the peer's (bench/scale/loader.py, load_benchmark_articles).
"""

import re
from html.parser import HTMLParser

# The peer's article, counted the same way (issue 19).
PEER = {
    "body words": 2530,
    "sections": 6,
    "pull quotes": 2,
    "epigraphs": 3,
    "updates": 5,
    "update paragraphs": 15,
    "update words": 1000,
    "timeline entries": 60,
    "references": 8,
    "tags": 6,
    "related posts": 6,
    "earlier editions": 5,
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


class _Counter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, classes, attrs) of the open elements
        self.counts = dict.fromkeys(PEER, 0)

    def inside(self, tag, css_class):
        return any(t == tag and css_class in classes for t, classes, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        counts = self.counts
        if tag == "h2" and self.inside("div", "article__body"):
            counts["sections"] += 1
        elif tag == "figure" and "quote--pull" in classes:
            counts["pull quotes"] += 1
        elif tag == "figure" and "quote--epigraph" in classes:
            counts["epigraphs"] += 1
        elif tag == "article" and "update" in classes:
            counts["updates"] += 1
        elif tag == "p" and self.inside("div", "update__body"):
            counts["update paragraphs"] += 1
        elif tag == "li" and "timeline__entry" in classes:
            counts["timeline entries"] += 1
        elif tag == "li" and self.inside("ol", "references__list"):
            counts["references"] += 1
        elif tag == "li" and self.inside("ol", "related__list"):
            counts["related posts"] += 1
        elif tag == "li" and self.inside("ol", "editions__list"):
            counts["earlier editions"] += 1  # less the current one, at its marker
        elif tag == "span" and "editions__current" in classes:
            counts["earlier editions"] -= 1
        elif tag == "a" and attrs.get("rel") == "tag" and self.inside("footer", "article__footer"):
            counts["tags"] += 1
        if tag not in VOID:
            self.stack.append((tag, classes, attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self.inside("div", "article__body") and not self.inside("figure", "quote"):
            self.counts["body words"] += len(WORD.findall(data))
        elif self.inside("div", "update__body"):
            self.counts["update words"] += len(WORD.findall(data))


def count(html):
    """{what: how many} for an article page's HTML (str or bytes)."""
    parser = _Counter()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.counts


def compare(counts):
    """One line: ours against the peer's, e.g. 'body words 2530 (peer 2530), ...'."""
    return ", ".join(
        f"{name} {counts.get(name, 0)}" + ("" if counts.get(name) == peer else f" (peer {peer})")
        for name, peer in PEER.items()
    )
