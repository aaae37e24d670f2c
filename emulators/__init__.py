"""Emulators of the outside world (slskd, Spotify, MusicBrainz, Cover Art Archive, LRCLIB) for the tests and the
offline demo. Each is a real HTTP server on a loopback port. Production code never imports this package.

Run one as a process: `python -m emulators <service> --port N`.
"""
