"""The demo editor's login, and what a load did (`DemoResult`), for the operator."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

EDITOR_USERNAME = "editor"
DEFAULT_PASSWORD = "newsroom-demo"


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    password: str | None = None  # shown to the operator only when we know it is current

    @property
    def up_to_date(self):
        return not self.created and not self.changed

    def summary(self):
        if self.up_to_date:
            return "Demo content already up to date: nothing to change."
        parts = []
        for verb, counts in (("created", self.created), ("updated", self.changed)):
            if counts:
                parts.append(f"{verb} {', '.join(_count(m, n) for m, n in counts.items())}")
        return f"Demo content loaded: {'; '.join(parts)}."

    def editor_line(self, admin_url):
        password = self.password or "(unchanged; run with --reset-password to set it)"
        return f"Demo editor: {admin_url}  user: {EDITOR_USERNAME}  password: {password}"


def _count(model, n):
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


def ensure_editor(password, reset_password, *, result):
    """The demo login. An existing account keeps its password unless asked to reset it."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=EDITOR_USERNAME).first()
    wanted = {"is_staff": True, "is_superuser": True, "is_active": True}
    if user is None:
        user = user_model(
            username=EDITOR_USERNAME,
            email="editor@example.org",
            first_name="Demo",
            last_name="Editor",
            **wanted,
        )
        _set_password(user, password)
        user.save()
        result.created[user_model] += 1
        result.password = password
        return user
    dirty = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in dirty:
        setattr(user, name, wanted[name])
    if reset_password and not check_password(password, user.password):
        _set_password(user, password)
        dirty.append("password")
    if dirty:
        user.save()
        result.changed[user_model] += 1
    # hashers.check_password, not user.check_password: the latter may re-hash and save.
    if check_password(password, user.password):
        result.password = password
    return user


def _set_password(user, password):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError(
            f"the demo editor's password is not acceptable: {' '.join(exc.messages)}"
        ) from exc
    user.set_password(password)
