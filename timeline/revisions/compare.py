"""
Comparing two states of a page: its own fields, then its children part by part (added, changed,
removed), long text word by word (`word_diff`).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import models
from django.utils.html import escape, format_html, format_html_join

from timeline.revisions.kinds import (
    EMPTY,
    ENTRY,
    PLACEMENT,
    UPDATE,
    Kind,
    Labels,
    display,
    label,
    raw_value,
    subject_of,
)

# Text longer than this many words is compared word by word rather than shown twice.
LONG_TEXT_WORDS = 8


def word_diff(before, after):
    """
    `before` and `after` as one text, the words taken out in <del> and the words put in in
    <ins>, compared word by word (the spacing and line breaks shown are the newer text's).
    Every piece of text is escaped; only those two tags are markup.
    """
    old, new = _words(before), _words(after)
    matcher = SequenceMatcher(None, [w for w, _ in old], [w for w, _ in new], autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(_joined(new[j1:j2])))
            continue
        taken, put = _joined(old[i1:i2]), _joined(new[j1:j2])
        if taken:
            parts.append(format_html("<del>{}</del>", taken.rstrip()))
        if taken and put:
            parts.append(escape(" "))  # keep the two apart when read aloud or copied
        if put:
            parts.append(format_html("<ins>{}</ins>", put.rstrip()))
        tail = put or taken
        parts.append(escape(tail[len(tail.rstrip()) :]))
    return format_html_join("", "{}", ((part,) for part in parts))


def _words(text):
    """(word, the spacing after it) pairs."""
    return re.findall(r"(\S+)(\s*)", text or "")


def _joined(words):
    return "".join(word + space for word, space in words)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    diff: str = ""  # word-level, for long text

    @classmethod
    def of(cls, label, before, after, *, text=False):
        """`text`: a text field, compared word by word whatever its length."""
        words = text or max(len(before.split()), len(after.split())) > LONG_TEXT_WORDS
        if words and EMPTY not in (before, after):
            return cls(label, before, after, word_diff(before, after))
        return cls(label, before, after)


@dataclass
class ChildChange:
    action: str  # added, changed, removed
    label: str
    fields: list = field(default_factory=list)  # FieldChange (changed) or (label, value)


@dataclass
class PartChanges:
    kind: Kind
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def items(self):
        return [*self.added, *self.changed, *self.removed]


@dataclass
class Comparison:
    """What differs between two states of a page: its own fields, then part by part."""

    kind: Kind
    before: object  # the root object then (None: it did not exist)
    after: object
    fields: list = field(default_factory=list)
    parts: list = field(default_factory=list)

    @property
    def has_changes(self):
        return bool(self.fields or self.parts)


def compare(obj, before, after, *, restoring=False):
    """
    Compare `obj`'s page at moment `before` with moment `after` (None: now), drafts and all:
    about twenty queries whatever the size of the page. `restoring` leaves out what a restore
    keeps as it is (an article's address and publication state, the words of its quotes), so
    that the comparison shows what restoring to `after` would change.
    """
    subject = subject_of(obj)
    old, new = subject.state(obj, before), subject.state(obj, after)
    labels = Labels()
    old_root, new_root = subject.root_of(old), subject.root_of(new)
    roots = [r for r in (old_root, new_root) if r is not None]
    labels.want_for(subject.root, roots)
    for kind, attr in subject.parts:
        labels.want_for(kind, [*getattr(old, attr), *getattr(new, attr)])
    labels.load()

    comparison = Comparison(kind=subject.root, before=old_root, after=new_root)
    if new_root is not None:
        skip = subject.root.keep if restoring else ()
        comparison.fields = _field_changes(subject.root, old_root, new_root, labels, skip)
    for kind, attr in subject.parts:
        skip = {"quote_text"} if restoring else ()
        part = _compare_part(kind, getattr(old, attr), getattr(new, attr), labels, skip)
        if part.items:
            comparison.parts.append(part)
    return comparison


def _field_changes(kind, old, new, labels, skip=()):
    found = []
    for name in kind.fields:
        if name in skip:
            continue
        if old is not None and raw_value(kind, old, name) == raw_value(kind, new, name):
            continue
        before = display(kind, old, name, labels) if old is not None else EMPTY
        after = display(kind, new, name, labels)
        if before != after or old is None:
            if old is None and after == EMPTY:
                continue
            found.append(
                FieldChange.of(kind.field_label(name), before, after, text=_is_text(kind, name))
            )
    return found


def _is_text(kind, name):
    if name == "quote_text":
        return True
    if name in kind.m2m:
        return False
    return isinstance(kind.model._meta.get_field(name), models.TextField)


def _details(kind, obj, labels):
    return [
        (kind.field_label(name), value)
        for name in kind.fields
        if (value := display(kind, obj, name, labels)) != EMPTY
    ]


def _compare_part(kind, old, new, labels, skip=()):
    old_by_pk, new_by_pk = {o.pk: o for o in old}, {o.pk: o for o in new}
    part = PartChanges(kind=kind)
    for obj in sorted(new, key=_sort_key(kind)):
        if obj.pk not in old_by_pk:
            part.added.append(
                ChildChange("added", label(kind, obj, labels), _details(kind, obj, labels))
            )
            continue
        changes = _field_changes(kind, old_by_pk[obj.pk], obj, labels, skip)
        if changes:
            part.changed.append(ChildChange("changed", label(kind, obj, labels), changes))
    for obj in sorted(old, key=_sort_key(kind)):
        if obj.pk not in new_by_pk:
            part.removed.append(
                ChildChange("removed", label(kind, obj, labels), _details(kind, obj, labels))
            )
    return part


def _sort_key(kind):
    if kind is UPDATE:
        return lambda o: (-o.dated_at.timestamp(), -o.pk)
    if kind is ENTRY:
        return lambda o: (o.date_lower, o.pk)
    if kind is PLACEMENT:
        return lambda o: (o.placement, o.order, o.pk)
    return lambda o: (getattr(o, "order", 0), o.pk)
