"""The `peerline` console script: Django's management commands with Peerline's settings preset.

`peerline --version` prints Peerline's release (Django's own `--version` would print Django's).
"""

import os
import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["version"]):
        from peerline import __version__

        print(f"peerline {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
