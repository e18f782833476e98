from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self):
        from editorial import roles

        # After every migrate (and every test-database flush): the roles also get the
        # permissions of apps and models added since the data migration ran.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="editorial.sync_roles")
