"""Peerline: software for running a public-safety peer support program."""

# The release, as CHANGELOG.md names it; pyproject.toml reads it from here.
__version__ = "0.2.0"
