"""
What a browser would send from an admin form: read the page's form, fill it like a person.

`read_form(html)` returns the main change form of an admin page as a list of Field (name,
kind, value, max length, whether it is a date or time input), so tests can post a form back
with some values replaced without knowing every inline's management form by heart.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, hidden, ...
    value: str = ""
    values: list = field(default_factory=list)  # the chosen options of a <select>
    options: list = field(default_factory=list)
    maxlength: int | None = None
    css: str = ""
    checked: bool = False

    @property
    def is_date(self):
        return "vDateField" in self.css

    @property
    def is_time(self):
        return "vTimeField" in self.css

    @property
    def is_typed_text(self):
        """A field a person types into (not a choice, a number, a key or a date)."""
        return (
            self.kind in ("text", "textarea", "email", "url", "")
            and not self.is_date
            and not self.is_time
            and "vForeignKeyRawIdAdminField" not in self.css
        )


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id", "").endswith(self.form_id)
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self.fields.append(
                Field(
                    name=name,
                    kind=kind,
                    value=attrs.get("value") or "",
                    maxlength=_int(attrs.get("maxlength")),
                    css=attrs.get("class") or "",
                    checked="checked" in attrs,
                )
            )
        elif tag == "textarea" and name:
            self._textarea = Field(
                name=name,
                kind="textarea",
                maxlength=_int(attrs.get("maxlength")),
                css=attrs.get("class") or "",
            )
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            multiple = "multiple" if "multiple" in attrs else ""
            self._select = Field(name=name, kind="select", css=multiple)
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select.options.append(value)
            if "selected" in attrs:
                self._select.values.append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            select = self._select
            if select.css != "multiple" and not select.values and select.options:
                select.values = [select.options[0]]  # what a browser sends for no choice
            select.value = select.values[0] if select.values else ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            # A textarea's content starts after one optional newline.
            text = self._textarea.value + data
            starts = not self._textarea.value and text[:1] == "\n"
            self._textarea.value = text[1:] if starts else text


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_form(html, form_id="_form"):
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def form_data(fields, **overrides):
    """POST data for these fields as a browser would send them, with values replaced."""
    data = {}
    for f in fields:
        if f.kind in ("checkbox", "radio"):
            if f.checked:
                data.setdefault(f.name, []).append(f.value or "on")
        elif f.kind == "select" and f.css == "multiple":
            data[f.name] = list(f.values)
        else:
            data[f.name] = f.value
    data.update(overrides)
    return data


def without_inline_rows(data):
    """Drop every inline row (keep each management form, at zero rows)."""
    prefixes = {name[: -len("-TOTAL_FORMS")] for name in data if name.endswith("-TOTAL_FORMS")}
    kept = {}
    for name, value in data.items():
        prefix = next((p for p in prefixes if name.startswith(p + "-")), None)
        if prefix is None:
            kept[name] = value
        elif name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")):
            kept[name] = "0"
        elif name.endswith(("-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            kept[name] = value
    return kept
