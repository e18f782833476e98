"""
The demo's two logins, and what a load did (`DemoResult`), for the operator.

`editor` is what a newsroom's editors get: staff, in the Editor group (editorial.roles), not a
superuser, so the admin a newcomer sees is the one an editor works in. `admin` is a superuser,
for what only an administrator does (users, groups, roles). Both share the demo password.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from editorial import roles

EDITOR_USERNAME = "editor"
ADMIN_USERNAME = "admin"
DEFAULT_PASSWORD = "newsroom-demo"

_ACCOUNTS = {
    EDITOR_USERNAME: {
        "email": "editor@example.org",
        "first_name": "Demo",
        "last_name": "Editor",
        "wanted": {"is_staff": True, "is_superuser": False, "is_active": True},
        "group": roles.EDITOR,
    },
    ADMIN_USERNAME: {
        "email": "admin@example.org",
        "first_name": "Demo",
        "last_name": "Administrator",
        "wanted": {"is_staff": True, "is_superuser": True, "is_active": True},
        "group": None,
    },
}


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    # Shown to the operator only when we know it is current: {username: password}.
    passwords: dict = field(default_factory=dict)

    @property
    def up_to_date(self):
        return not self.created and not self.changed

    @property
    def password(self):
        """The editor's password, when we know it is current."""
        return self.passwords.get(EDITOR_USERNAME)

    def summary(self):
        if self.up_to_date:
            return "Demo content already up to date: nothing to change."
        parts = []
        for verb, counts in (("created", self.created), ("updated", self.changed)):
            if counts:
                parts.append(f"{verb} {', '.join(_count(m, n) for m, n in counts.items())}")
        return f"Demo content loaded: {'; '.join(parts)}."

    def login_lines(self, admin_url):
        """One line per login: the Editor-role user first, then the administrator."""
        return [
            self._line("Demo editor (Editor role)", EDITOR_USERNAME, admin_url),
            self._line("Demo administrator (superuser)", ADMIN_USERNAME, admin_url),
        ]

    def editor_line(self, admin_url):
        return self.login_lines(admin_url)[0]

    def _line(self, who, username, admin_url):
        password = self.passwords.get(username)
        password = password or "(unchanged; run with --reset-password to set it)"
        return f"{who}: {admin_url}  user: {username}  password: {password}"


def _count(model, n):
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


def ensure_logins(password, reset_password, *, result):
    """Both demo logins; returns the editor, who signs every demo write."""
    admin = ensure_account(ADMIN_USERNAME, password, reset_password, result=result)
    editor = ensure_account(EDITOR_USERNAME, password, reset_password, result=result)
    return editor, admin


def ensure_account(username, password, reset_password, *, result):
    """
    A demo login. An existing account keeps its password unless asked to reset it; its role
    (staff, superuser or not, group) is brought back to the demo's.
    """
    account = _ACCOUNTS[username]
    wanted = account["wanted"]
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    created = user is None
    if created:
        user = user_model(
            username=username,
            email=account["email"],
            first_name=account["first_name"],
            last_name=account["last_name"],
            **wanted,
        )
        _set_password(user, password)
        user.save()
        result.created[user_model] += 1
        changed = False
    else:
        dirty = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in dirty:
            setattr(user, name, wanted[name])
        if reset_password and not check_password(password, user.password):
            _set_password(user, password)
            dirty.append("password")
        if dirty:
            user.save()
        changed = bool(dirty)
    if account["group"] and not user.groups.filter(name=account["group"]).exists():
        user.groups.add(_group(account["group"]))
        changed = not created
    if changed:
        result.changed[user_model] += 1
    # hashers.check_password, not user.check_password: the latter may re-hash and save.
    if check_password(password, user.password):
        result.passwords[username] = password
    return user


def _group(name):
    """The role's group, made (with its permissions) if the roles were never applied."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        roles.apply_roles()
        group = Group.objects.get(name=name)
    return group


def _set_password(user, password):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError(
            f"the demo password is not acceptable: {' '.join(exc.messages)}"
        ) from exc
    user.set_password(password)
