"""Reading a rendered page the way a reader does: its text, its links, its elements."""

import re
from html import unescape
from html.parser import HTMLParser


def text_of(response):
    """The page's visible text (no <head>), tags dropped and whitespace collapsed."""
    html = re.sub(r"<head>.*?</head>", "", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class Elements(HTMLParser):
    """Every element's start tag as (name, attrs, text inside it)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, html):
        super().__init__()
        self.elements, self._open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element[2] += data

    def find(self, tag, /, **attrs):
        """Elements named `tag` whose attributes include `attrs` (class_ for class)."""
        found = []
        for name, element_attrs, text in self.elements:
            if name != tag:
                continue
            wanted = {key.rstrip("_"): value for key, value in attrs.items()}
            if all(
                value in (element_attrs.get(key) or "").split()
                if key == "class"
                else element_attrs.get(key) == value
                for key, value in wanted.items()
            ):
                found.append((element_attrs, " ".join(text.split())))
        return found


def elements(response):
    return Elements(response.content.decode())


def link(response, text):
    """The href of the first link whose text is `text`."""
    for attrs, link_text in elements(response).find("a"):
        if link_text == text:
            return attrs.get("href")
    raise AssertionError(f"No link {text!r} on the page.")
