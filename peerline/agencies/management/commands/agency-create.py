from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from peerline.agencies.models import GuidelineEdition
from peerline.agencies.services import agency_create


class Command(BaseCommand):
    help = (
        "Create an agency (a tenant) with the same defaults as the admin: "
        "peerline agency-create DPD --name 'Denver Police Department' --state CO "
        "--time-zone America/Denver --edition 2011"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("code", help="short code used on the command line (letters, digits, -)")
        parser.add_argument("--name", required=True)
        parser.add_argument("--state", required=True, help="two-letter state or territory")
        parser.add_argument(
            "--time-zone", required=True, help="tz database name, e.g. America/Denver"
        )
        parser.add_argument(
            "--edition",
            default=GuidelineEdition.IACP_2011,
            choices=GuidelineEdition.values,
            help="IACP Peer Support Guidelines edition the program follows (%(default)s)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            agency = agency_create(
                code=options["code"],
                name=options["name"],
                state=options["state"],
                time_zone=options["time_zone"],
                edition=options["edition"],
            )
        except ValidationError as error:
            lines = [
                f"{field.replace('_', ' ')}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Agency not created.\n" + "\n".join(lines)) from None
        self.stdout.write(
            f"Created {agency.code} ({agency.name}), {agency.state}, {agency.time_zone}, "
            f"{agency.get_guideline_edition_display()}."
        )
