from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from peerline.accounts.services import token_create


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it (it is shown once; only its hash is kept)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['username']!r}.")
        self.stdout.write(token_create(user=user, name=options["name"]))
