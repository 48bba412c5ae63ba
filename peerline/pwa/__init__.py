"""Peerline on a phone's home screen (issue 16 §4): the web app manifest, the service worker and
the card that works without a connection. A top-layer module: it reads clinical resources and
the governance card, and holds no data of its own."""
