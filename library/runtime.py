"""Runtime settings: what a user tunes while Harmony runs, with defaults from the environment.

One function reads them (`get`), one writes them (`set_value`, which records the history). The admin, the API and
the Settings page all go through these two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import transaction

from harmony.errors import ValidationFailed
from library.models import RuntimeSetting, RuntimeSettingChange
from matching.scoring import TIERS


@dataclass(frozen=True)
class Spec:
    kind: type
    default: Callable[[], Any]
    help: str
    secret: bool = False
    minimum: float | None = None
    choices: tuple[str, ...] | None = None
    check: Callable[[Any], None] | None = None  # raises ValueError with a message naming what is wrong


def _env(name: str, fallback: Any) -> Callable[[], Any]:
    return lambda: getattr(settings, name, fallback)


def _check_template(value: Any) -> None:
    from media_enrich.paths import validate_template  # the path rules live with the organiser

    validate_template(value)


SETTINGS: dict[str, Spec] = {
    "quality.ladder": Spec(
        list, lambda: list(TIERS), "Quality tiers in order of preference; remove a tier to refuse it.", choices=TIERS
    ),
    "quality.floor_kbps": Spec(int, lambda: 192, "Lossy files below this bitrate are refused.", minimum=0),
    "matching.duration_tolerance_s": Spec(float, lambda: 3.0, "Allowed difference from the wanted length.", minimum=0),
    "matching.banned_users": Spec(list, list, "Soulseek users never downloaded from."),
    "acquisition.max_candidates": Spec(int, lambda: 8, "Candidates tried per track before giving up.", minimum=1),
    "acquisition.max_retries": Spec(
        int, lambda: 6, "Search rounds before a track goes to the dead-letter queue.", minimum=0
    ),
    "acquisition.retry_base_s": Spec(
        int, lambda: 600, "First retry delay; doubles each time (with jitter).", minimum=1
    ),
    "acquisition.retry_max_s": Spec(int, lambda: 6 * 3600, "Longest retry delay.", minimum=1),
    "acquisition.stall_timeout_s": Spec(
        int, lambda: 120, "Abandon a transfer whose bytes stop moving this long.", minimum=1
    ),
    "acquisition.remote_queue_timeout_s": Spec(
        int, lambda: 1800, "Abandon a transfer that waits in the peer's queue this long.", minimum=1
    ),
    "search.budget": Spec(int, _env("HARMONY_SEARCH_BUDGET", 34), "Searches allowed per window.", minimum=1),
    "search.window_s": Spec(int, _env("HARMONY_SEARCH_WINDOW_S", 220), "The search budget's window.", minimum=1),
    "search.blocked_artists": Spec(
        list,
        lambda: ["the beatles", "beatles", "pink floyd", "metallica", "led zeppelin", "taylor swift"],
        "Artist names the Soulseek server ignores; queries wildcard their first letter.",
    ),
    "search.cache_ttl_s": Spec(int, lambda: 1800, "How long search results serve later wants.", minimum=0),
    "features.finishing": Spec(
        bool,
        _env("HARMONY_FINISHING", True),
        "Finish completed downloads (identify, tag, cover, lyrics, move into the library); off leaves them in the "
        "downloads folder, pending, to be started from the Library page.",
    ),
    "features.artwork": Spec(
        bool, _env("HARMONY_FEATURE_ARTWORK", True), "Fetch and embed cover art; off answers 503 FEATURE_DISABLED."
    ),
    "features.lyrics": Spec(
        bool, _env("HARMONY_FEATURE_LYRICS", True), "Fetch synced lyrics; off answers 503 FEATURE_DISABLED."
    ),
    "library.path_template": Spec(
        str,
        _env("HARMONY_PATH_TEMPLATE", "{albumartist}/{album}/[{disc}-][{track} - ]{title}"),
        "Where finished files go under the music folder; [...] is dropped when a field inside is empty.",
        check=_check_template,
    ),
    "tags.id3_v23": Spec(bool, lambda: False, "Write ID3v2.3 (UTF-16, '; ' separator) for old players."),
    "lyrics.miss_ttl_days": Spec(int, lambda: 14, "Days before a track without lyrics is asked again.", minimum=1),
    "spotify.public_links": Spec(
        bool, lambda: False, "Read public playlist links from Spotify's embed page (partial: about 50 rows)."
    ),
    "spotify.sync_interval_s": Spec(int, lambda: 3600, "How often a mirrored Spotify playlist is re-read.", minimum=60),
    "backfill.cache_ttl_days": Spec(int, lambda: 30, "Days a Spotify lookup result is reused.", minimum=1),
}


def get(key: str) -> Any:
    spec = SETTINGS[key]
    row = RuntimeSetting.objects.filter(key=key).values_list("value", flat=True).first()
    return spec.default() if row is None else row


def get_many(*keys: str) -> dict[str, Any]:
    stored = dict(RuntimeSetting.objects.filter(key__in=keys).values_list("key", "value"))
    return {key: stored[key] if key in stored else SETTINGS[key].default() for key in keys}


def validate_key(key: str) -> Spec:
    spec = SETTINGS.get(key)
    if spec is None:
        raise ValidationFailed(f"{key}: unknown setting", meta={"known": sorted(SETTINGS)})
    return spec


def validate(key: str, value: Any) -> Any:
    spec = validate_key(key)
    checked: Any = value
    if spec.kind is float and isinstance(checked, int) and not isinstance(checked, bool):
        checked = float(checked)
    if not isinstance(checked, spec.kind) or (spec.kind is not bool and isinstance(checked, bool)):
        raise ValidationFailed(f"{key}: expected {spec.kind.__name__}, got {type(checked).__name__}")
    checked = cast(Any, checked)  # isinstance against a variable type narrows to `object`
    if spec.minimum is not None and checked < spec.minimum:
        raise ValidationFailed(f"{key}: must be at least {spec.minimum:g}")
    if spec.check is not None:
        try:
            spec.check(checked)
        except ValueError as exc:
            raise ValidationFailed(f"{key}: {exc}") from exc
    if spec.kind is list:
        if not all(isinstance(item, str) for item in checked):
            raise ValidationFailed(f"{key}: every item must be a string")
        if spec.choices is not None:
            unknown = [item for item in checked if item not in spec.choices]
            if unknown or not checked or len(set(checked)) != len(checked):
                raise ValidationFailed(
                    f"{key}: a non-empty ordering of {', '.join(spec.choices)} without repeats",
                    meta={"unknown": unknown},
                )
    return checked


def set_value(key: str, value: Any, *, by: str) -> Any:
    """Validate and store `value`; `None` restores the default.

    Side effects: writes the setting and one history row (secrets masked).
    """
    new = None if value is None else validate(key, value)
    validate_key(key)
    with transaction.atomic():
        row = RuntimeSetting.objects.select_for_update().filter(key=key).first()
        old = row.value if row else None
        if new is None:
            RuntimeSetting.objects.filter(key=key).delete()
        else:
            RuntimeSetting.objects.update_or_create(key=key, defaults={"value": new, "updated_by": by})
        masked = SETTINGS[key].secret
        RuntimeSettingChange.objects.create(
            key=key,
            old_value="***" if masked and old is not None else old,
            new_value="***" if masked and new is not None else new,
            changed_by=by,
        )
    return get(key)


def describe() -> list[dict[str, Any]]:
    """Every setting with its current value and default (secrets masked), for the API and the Settings page."""
    values = get_many(*SETTINGS)
    return [
        {
            "key": key,
            "value": "***" if spec.secret and values[key] else values[key],
            "default": "***" if spec.secret else spec.default(),
            "type": spec.kind.__name__,
            "help": spec.help,
        }
        for key, spec in SETTINGS.items()
    ]
