"""What Harmony owns: tracks, downloads and their state machine, and the hub's API keys."""
