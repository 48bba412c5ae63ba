"""The `peerline` console script: Django's management commands with Peerline's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
