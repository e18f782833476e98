"""
The Editor and Contributor groups with their permissions (see editorial.roles).

Permissions are normally created after the last migration; they are created here first so
the groups can hold them on a fresh database. Apps migrated after this one (and models added
later) reach the groups through the post_migrate hook or `manage.py sync_roles`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from editorial import roles


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None
    roles.apply_roles(apps, using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("timeline", "0002_editions"),
        ("editorial", "0001_autosave_draft_and_rights"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
