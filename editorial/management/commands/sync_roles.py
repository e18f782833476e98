from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.core.management.base import BaseCommand

from editorial import roles


class Command(BaseCommand):
    help = (
        "Create the Editor and Contributor groups and give them their permissions, for every "
        "installed app. Safe to run any time; --exact also removes permissions granted by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--exact",
            action="store_true",
            help="Leave each group with exactly the permissions its role defines.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, exact, database, **options):
        # Models added since the last migrate have no permissions yet: make them first.
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=database)
        counts = roles.apply_roles(using=database, exact=exact)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} permissions")
