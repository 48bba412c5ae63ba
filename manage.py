#!/usr/bin/env python
"""Django's command-line utility; `peerline` (the console script) does the same."""

from peerline.cli import main

if __name__ == "__main__":
    main()
