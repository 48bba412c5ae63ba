from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerline.signin import demo


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a demo log-in (demo agencies only: anywhere "
        "else it refuses)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            user = demo.demo_user(options["username"])
        except ValueError as error:
            raise CommandError(f"{error}: this command works only for the demo agency.") from None
        key = demo.key_hex(demo.DEMO_TOTP_SECRET)
        if not TOTPDevice.objects.filter(user=user, key=key).exists():
            raise CommandError(f"{user.username} has no demo authenticator app.")
        self.stdout.write(demo.current_code(demo.DEMO_TOTP_SECRET))
