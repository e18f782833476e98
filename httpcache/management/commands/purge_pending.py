from django.core.management.base import BaseCommand, CommandError

from httpcache import purge


class Command(BaseCommand):
    help = "Deliver the shared-cache purges that failed earlier (the cache was down)."

    def handle(self, *args, **options):
        delivered, pending = purge.deliver_pending()
        self.stdout.write(f"{delivered} purge(s) delivered, {pending} still pending.")
        if pending:
            raise CommandError(f"{pending} purge(s) still pending: is the shared cache up?")
