"""Choosing a Soulseek file for a wanted track: SELECTION_POLICY.md as a pure function.

`rank()` splits the candidates of one or more slskd searches into `rejected` (each with every failing rule's
reason code) and `ranked` (best first, each with a beets-style breakdown of named penalties). The order never
depends on the order of the responses. No Django here: callers persist `to_dict()` output. Name matching
(title, artist, version markers) lives in `matching.normalize`.

Readings of the policy where it leaves room:
* vinyl rips rank below every digital copy, whatever the tier; copies without a length rank below everything
  and are dropped once any copy with a length passes;
* the §4 demotion of poor availability yields only to good candidates of the three top tiers (whatever the
  user's ladder order), so a poor-availability FLAC still beats a well-available MP3 256;
* queue length and speed compare in bands (queue 0, 1-4, 5-19, 20-49, 50-99, 100+; speed 5 MiB/s, 1 MiB/s,
  200 KiB/s, 50 KiB/s), raw values only break ties; an unknown speed (0) counts as slow;
* "Original Mix", "Album Version", remaster and format notes are not versions; "<word> Version" is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, NamedTuple

from matching.normalize import FolderInfo, NameMatcher, qualifiers_match, split_remote_path

TIERS: Final = ("lossless", "mp3_320", "mp3_v0_aac256", "mp3_256", "other_192")
# §4: poor availability only gives way to good-availability candidates of these tiers.
TOP_TIERS: Final = frozenset(("lossless", "mp3_320", "mp3_v0_aac256"))
_FORMATS: Final = {
    "flac": "flac", "alac": "alac", "wav": "wav", "aiff": "aiff", "aif": "aiff", "aifc": "aiff",
    "mp3": "mp3", "aac": "aac", "m4a": "m4a", "ogg": "ogg", "oga": "ogg", "opus": "opus",
}  # fmt: skip
# Audio, but outside the policy's formats (§1): reported as format_not_allowed rather than not_audio.
_OTHER_AUDIO: Final = frozenset((
    "ape", "wv", "wma", "mpc", "dsf", "dff", "mp2", "ac3", "dts", "ra", "rm", "tta", "mka", "m4b", "m4p",
    "shn", "amr", "mid", "midi", "au", "3gp", "mp4", "webm", "caf",
))  # fmt: skip
_LOSSLESS: Final = frozenset(("flac", "alac", "wav", "aiff"))
_STANDARD_KBPS: Final = (320, 256, 224, 192, 160, 128, 112, 96, 64)
_EMBEDDED_ART_BYTES: Final = 2_000_000  # tags and cover art add size that is not audio

# Nested weights: each step outweighs everything below it, so the score orders candidates lexicographically
# by unverified duration, vinyl, availability class, ladder tier, free slot, queue band, speed band, peer
# record band, then album/bit-depth/bitrate preferences.
_W_UNVERIFIED, _W_VINYL, _W_CLASS, _W_TIER = 80.0, 40.0, 20.0, 4.0
_W_NO_FREE_SLOT, _W_QUEUE_BAND, _W_SPEED_BAND, _W_PEER_BAND = 2.0, 0.3, 0.05, 0.01
_W_NOT_ALBUM, _W_16_BIT, _W_BITRATE = 0.004, 0.002, 0.0019
_MAX_PENALTY: Final = 160.0
_QUEUE_BANDS: Final = (0, 4, 19, 49, 99)
_SPEED_BANDS: Final = (5 * 1024 * 1024, 1024 * 1024, 200 * 1024, 50 * 1024)


class Reason(StrEnum):
    LOCKED = "locked"
    NOT_AUDIO = "not_audio"
    FORMAT_NOT_ALLOWED = "format_not_allowed"
    BANNED_USER = "banned_user"
    QUARANTINED_PEER = "quarantined_peer"
    TITLE_MISMATCH = "title_mismatch"
    ARTIST_MISSING = "artist_missing"
    VERSION_MISMATCH = "version_mismatch"
    DURATION_MISMATCH = "duration_mismatch"
    UNVERIFIED_DURATION = "unverified_duration"  # no length reported while a verifiable copy exists
    TRANSCODE = "transcode"
    TRUNCATED = "truncated"
    IMPLAUSIBLE_BITRATE = "implausible_bitrate"
    UNKNOWN_BITRATE = "unknown_bitrate"  # lossy, no bitRate and no length: the floor cannot be checked
    BELOW_FLOOR = "below_floor"
    NOT_IN_LADDER = "not_in_ladder"
    DUPLICATE = "duplicate"  # same peer and path listed twice (several searches merged)


@dataclass(frozen=True, slots=True)
class Wanted:
    artist: str
    title: str
    album: str | None = None
    year: int | None = None
    duration_s: float | None = None
    isrc: str | None = None
    artists: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One file of one slskd search response (contracts/slskd.md §4.4); `filename` is untrusted."""

    username: str
    filename: str
    size: int
    length_s: int | None = None
    bit_rate: int | None = None
    sample_rate: int | None = None
    bit_depth: int | None = None
    is_variable_bit_rate: bool | None = None
    locked: bool = False
    has_free_upload_slot: bool = False
    queue_length: int = 0
    upload_speed: int = 0


@dataclass(frozen=True, slots=True)
class PeerRecord:
    successes: int = 0
    failures: float = 0.0
    quarantined: bool = False


@dataclass(frozen=True, slots=True)
class Policy:
    """What a user tunes; the defaults are SELECTION_POLICY's. `ladder` may be reordered or cut."""

    ladder: tuple[str, ...] = TIERS
    floor_kbps: int = 192
    duration_tolerance_s: float = 3.0
    vinyl_extra_s: float = 3.0
    banned_users: frozenset[str] = frozenset()
    poor_queue_length: int = 100
    poor_upload_speed: int = 50 * 1024  # bytes/s; 0 (unknown) counts as slow
    mp3_bitrate_tolerance: float = 0.10
    truncated_ratio: float = 0.6  # size below this share of length x bitRate is a truncated file
    lossless_min_kbps: float = 400.0  # a 16/44.1 or 48 kHz FLAC below this is MP3-sized: a transcode
    hires_96k_min_kbps: float = 1800.0
    hires_192k_min_kbps: float = 3200.0

    def __post_init__(self) -> None:
        unknown = [name for name in self.ladder if name not in TIERS]
        if unknown or len(set(self.ladder)) != len(self.ladder) or not self.ladder:
            raise ValueError(f"ladder must be a non-empty ordering of {TIERS}, got {self.ladder}")


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    score: float  # 1.0 is a perfect candidate; 1 - sum(breakdown["penalties"]) / 160
    tier: str
    unverified_duration: bool
    vinyl: bool
    poor_availability: bool
    breakdown: dict[str, Any] = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            **_candidate_dict(self.candidate),
            "score": round(self.score, 6),
            "tier": self.tier,
            "flags": {
                "unverified_duration": self.unverified_duration,
                "vinyl": self.vinyl,
                "poor_availability": self.poor_availability,
            },
            "breakdown": self.breakdown,
        }


@dataclass(frozen=True, slots=True)
class Rejected:
    candidate: Candidate
    reasons: list[Reason]
    detail: dict[str, Any] = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            **_candidate_dict(self.candidate),
            "reasons": [str(r) for r in self.reasons],
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Ranking:
    ranked: list[Scored]
    rejected: list[Rejected]

    @property
    def pick(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ranked": [s.to_dict() for s in self.ranked],
            "rejected": [r.to_dict() for r in self.rejected],
        }


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    return {"username": c.username, "filename": c.filename, "size": c.size}


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def candidates_from_responses(responses: Iterable[Mapping[str, Any]]) -> list[Candidate]:
    """Flatten slskd `/searches/{id}/responses` (§4.4): attributes may be absent; lockedFiles are locked."""
    out: list[Candidate] = []
    for response in responses:
        username = response.get("username")
        if not isinstance(username, str) or not username:
            continue
        free = response.get("hasFreeUploadSlot") is True
        queue = _int(response.get("queueLength")) or 0
        speed = _int(response.get("uploadSpeed")) or 0
        for key, locked in (("files", False), ("lockedFiles", True)):
            for f in response.get(key) or ():
                filename = f.get("filename") if isinstance(f, Mapping) else None
                if not isinstance(filename, str) or not filename:
                    continue
                vbr = f.get("isVariableBitRate")
                out.append(
                    Candidate(
                        username=username,
                        filename=filename,
                        size=_int(f.get("size")) or 0,
                        length_s=_int(f.get("length")),
                        bit_rate=_int(f.get("bitRate")),
                        sample_rate=_int(f.get("sampleRate")),
                        bit_depth=_int(f.get("bitDepth")),
                        is_variable_bit_rate=vbr if isinstance(vbr, bool) else None,
                        locked=locked,
                        has_free_upload_slot=free,
                        queue_length=queue,
                        upload_speed=speed,
                    )
                )
    return out


def _effective_kbps(c: Candidate) -> float | None:
    if not c.length_s or c.length_s <= 0:
        return None
    return c.size * 8 / c.length_s / 1000


def _resolve_format(ext_format: str, c: Candidate, eff: float | None) -> str:
    if ext_format != "m4a":
        return ext_format
    lossless = c.bit_depth is not None or (c.bit_rate or 0) > 500 or (eff or 0) > 500
    return "alac" if lossless else "aac"


def _sanity(fmt: str, c: Candidate, eff: float | None, policy: Policy) -> tuple[list[Reason], str | None]:
    """§2 "Sanity": the size must fit the claimed format. Needs a length; returns reasons and a short why."""
    if eff is None:
        return [], None
    length = c.length_s or 0
    art_kbps = _EMBEDDED_ART_BYTES * 8 / length / 1000
    if c.bit_rate and c.bit_rate > 0 and eff < policy.truncated_ratio * c.bit_rate:
        return [Reason.TRUNCATED], f"{eff:.0f} kbps effective vs {c.bit_rate} kbps claimed"
    if fmt in ("flac", "alac"):
        rate = c.sample_rate or 44_100
        depth = c.bit_depth or (24 if rate > 48_000 else 16)
        if eff < policy.lossless_min_kbps:
            return [Reason.TRANSCODE], f"lossless at {eff:.0f} kbps"
        floor = policy.lossless_min_kbps
        if rate > 96_000:
            floor = policy.hires_192k_min_kbps * rate / 192_000 * depth / 24
        elif rate > 48_000:
            floor = policy.hires_96k_min_kbps * rate / 96_000 * depth / 24
        pcm = (rate * depth * 2 / 1000) if c.sample_rate and c.bit_depth else 192_000 * 24 * 2 / 1000
        if eff < floor:
            return [Reason.IMPLAUSIBLE_BITRATE], f"{depth}/{rate} lossless at {eff:.0f} kbps (< {floor:.0f})"
        if eff > pcm * 1.1 + art_kbps:
            return [Reason.IMPLAUSIBLE_BITRATE], f"lossless at {eff:.0f} kbps exceeds PCM {pcm:.0f}"
    elif fmt in ("wav", "aiff"):
        pcm = (c.sample_rate or 44_100) * (c.bit_depth or 16) * 2 / 1000
        if eff < 0.45 * pcm:  # mono PCM is half the stereo rate
            return [Reason.TRUNCATED], f"PCM at {eff:.0f} kbps, expected ~{pcm:.0f}"
        if eff > pcm * 1.1 + art_kbps:
            return [Reason.IMPLAUSIBLE_BITRATE], f"PCM at {eff:.0f} kbps, expected ~{pcm:.0f}"
    elif fmt == "mp3" and c.bit_rate:
        tol = policy.mp3_bitrate_tolerance
        if eff < c.bit_rate * (1 - tol) or eff > c.bit_rate * (1 + tol) + art_kbps:
            return [Reason.IMPLAUSIBLE_BITRATE], f"{eff:.0f} kbps effective vs {c.bit_rate} kbps claimed"
    return [], None


def _nominal_kbps(fmt: str, c: Candidate, eff: float | None) -> float | None:
    """The bitrate a lossy file claims, else its effective bitrate snapped to a standard rate."""
    if fmt in _LOSSLESS:
        return None
    if c.bit_rate:
        return float(c.bit_rate)
    if eff is None:
        return None
    return next((float(s) for s in _STANDARD_KBPS if abs(eff - s) <= 0.05 * s), eff)


def classify_tier(fmt: str, c: Candidate, kbps: float | None) -> str:
    """The §3 ladder rung of a file of known bitrate (before the floor and the user's ladder apply)."""
    if fmt in _LOSSLESS:
        return "lossless"
    kbps = kbps or 0.0
    vbr = bool(c.is_variable_bit_rate)  # §3: a missing isVariableBitRate means CBR
    if fmt == "mp3" and not vbr and kbps >= 320:
        return "mp3_320"
    if (fmt == "mp3" and vbr and kbps >= 220) or (fmt == "aac" and kbps >= 256):
        return "mp3_v0_aac256"
    if fmt == "mp3" and not vbr and kbps >= 256:
        return "mp3_256"
    return "other_192"


def _band(value: int, bounds: tuple[int, ...], *, descending: bool = False) -> int:
    for i, bound in enumerate(bounds):
        if (value >= bound) if descending else (value <= bound):
            return i
    return len(bounds)


def _peer_band(record: PeerRecord | None) -> tuple[int, float]:
    if record is None or (record.successes <= 0 and record.failures <= 0):
        return 1, 0.5
    total = record.successes + record.failures
    ratio = record.successes / total
    smoothed = (record.successes + 1) / (total + 2)
    if record.successes >= 1 and ratio >= 0.75:
        return 0, smoothed
    if record.failures >= 3 and ratio < 0.25:
        return 3, smoothed
    return (2 if ratio < 0.5 else 1), smoothed


class _Passed(NamedTuple):
    key: tuple[Any, ...]
    scored: Scored


def _identity(c: Candidate) -> tuple[Any, ...]:
    """A total order over candidates, used as the last tie-break so input order never matters."""
    return (
        c.username, c.filename, c.size, c.length_s or -1, c.bit_rate or -1, c.sample_rate or -1,
        c.bit_depth or -1, -1 if c.is_variable_bit_rate is None else int(c.is_variable_bit_rate), c.locked,
        c.has_free_upload_slot, c.queue_length, c.upload_speed,
    )  # fmt: skip


def rank(
    wanted: Wanted,
    candidates: Iterable[Candidate],
    *,
    policy: Policy = Policy(),
    peers: Mapping[str, PeerRecord] | None = None,
) -> Ranking:
    """Apply SELECTION_POLICY §1-§4 to `candidates`, which may come from several searches (duplicates are
    rejected). `peers` holds what we know of each peer; failures are expected already decayed."""
    target = NameMatcher((wanted.artist, *wanted.artists), wanted.title, wanted.album)
    peers = peers or {}
    passed: list[_Passed] = []
    rejected: list[Rejected] = []
    for c in candidates:
        outcome = _evaluate(c, wanted, target, policy, peers)
        if isinstance(outcome, Rejected):
            rejected.append(outcome)
        else:
            passed.append(outcome)

    if any(not p.scored.unverified_duration for p in passed):
        for p in passed:
            if p.scored.unverified_duration:
                detail = {"why": "no length reported and a copy with a verifiable length exists"}
                rejected.append(Rejected(p.scored.candidate, [Reason.UNVERIFIED_DURATION], detail))
        passed = [p for p in passed if not p.scored.unverified_duration]

    ranked: list[Scored] = []
    seen: set[tuple[str, str]] = set()
    for p in sorted(passed, key=lambda p: p.key):
        c = p.scored.candidate
        if (c.username, c.filename) in seen:
            rejected.append(Rejected(c, [Reason.DUPLICATE], {}))
            continue
        seen.add((c.username, c.filename))
        ranked.append(p.scored)
    rejected.sort(key=lambda r: _identity(r.candidate))
    return Ranking(ranked=ranked, rejected=rejected)


def _evaluate(
    c: Candidate, wanted: Wanted, target: NameMatcher, policy: Policy, peers: Mapping[str, PeerRecord]
) -> _Passed | Rejected:
    reasons: list[Reason] = [Reason.LOCKED] if c.locked else []
    detail: dict[str, Any] = {}
    directory, name = split_remote_path(c.filename)
    stem, dot, ext = name.rpartition(".")
    ext_format = _FORMATS.get(ext.lower()) if dot else None
    if ext_format is None:
        reasons.append(Reason.FORMAT_NOT_ALLOWED if ext.lower() in _OTHER_AUDIO else Reason.NOT_AUDIO)
        return Rejected(c, reasons, {"extension": ext.lower() if dot else ""})
    if c.username in policy.banned_users:
        reasons.append(Reason.BANNED_USER)
    record = peers.get(c.username)
    if record is not None and record.quarantined:
        reasons.append(Reason.QUARANTINED_PEER)

    stem_info = target.file_name(stem)
    dir_info = target.directory(directory)
    if not stem_info.title_ok:
        reasons.append(Reason.TITLE_MISMATCH)
        detail["title"] = stem_info.title_detail
    if not (stem_info.has_artist or dir_info.has_artist):
        reasons.append(Reason.ARTIST_MISSING)
    kinds = stem_info.kinds | dir_info.kinds
    if kinds != target.kinds:
        reasons.append(Reason.VERSION_MISMATCH)
        detail["markers"] = {
            "unexpected": sorted(kinds - target.kinds),
            "missing": sorted(target.kinds - kinds),
        }
    elif target.groups and not qualifiers_match(target.groups, stem_info.groups + dir_info.groups):
        reasons.append(Reason.VERSION_MISMATCH)
        detail["markers"] = {"qualifier": [" ".join(sorted(g.words)) for g in target.groups]}

    vinyl = stem_info.vinyl or dir_info.vinyl
    delta: float | None = None
    if wanted.duration_s is not None and c.length_s:
        delta = c.length_s - wanted.duration_s
        tolerance = policy.duration_tolerance_s
        if not (-tolerance <= delta <= tolerance + (policy.vinyl_extra_s if vinyl else 0.0)):
            reasons.append(Reason.DURATION_MISMATCH)
            detail["duration_delta_s"] = delta

    eff = _effective_kbps(c)
    fmt = _resolve_format(ext_format, c, eff)
    sanity, why = _sanity(fmt, c, eff, policy)
    if sanity:
        reasons.extend(sanity)
        detail["sanity"] = why
    kbps = _nominal_kbps(fmt, c, eff)
    tier = classify_tier(fmt, c, kbps)
    if fmt not in _LOSSLESS and kbps is None:
        reasons.append(Reason.UNKNOWN_BITRATE)
    elif fmt not in _LOSSLESS and kbps is not None and kbps < policy.floor_kbps:
        reasons.append(Reason.BELOW_FLOOR)
        detail["kbps"] = round(kbps, 1)
    elif tier not in policy.ladder:
        reasons.append(Reason.NOT_IN_LADDER)
        detail["tier"] = tier
    if reasons:
        return Rejected(c, reasons, detail)
    return _score(c, target, policy, record, fmt, tier, kbps, eff, delta, vinyl, dir_info, kinds)


def _score(
    c: Candidate,
    target: NameMatcher,
    policy: Policy,
    record: PeerRecord | None,
    fmt: str,
    tier: str,
    kbps: float | None,
    eff: float | None,
    delta: float | None,
    vinyl: bool,
    dir_info: FolderInfo,
    kinds: frozenset[str],
) -> _Passed:
    unverified = c.length_s is None or c.length_s <= 0
    poor = not c.has_free_upload_slot and (
        c.queue_length >= policy.poor_queue_length or c.upload_speed < policy.poor_upload_speed
    )
    klass = "poor_availability" if poor else ("preferred" if tier in TOP_TIERS else "lower_quality")
    peer_band, peer_ratio = _peer_band(record)
    penalties = {
        "unverified_duration": _W_UNVERIFIED if unverified else 0.0,
        "vinyl": _W_VINYL if vinyl else 0.0,
        "availability_class": 0.0 if klass == "preferred" else _W_CLASS,
        "tier": _W_TIER * policy.ladder.index(tier),
        "no_free_slot": 0.0 if c.has_free_upload_slot else _W_NO_FREE_SLOT,
        "queue": _W_QUEUE_BAND * _band(c.queue_length, _QUEUE_BANDS),
        "speed": _W_SPEED_BAND * _band(c.upload_speed, _SPEED_BANDS, descending=True),
        "peer_record": _W_PEER_BAND * peer_band,
        "not_wanted_album": _W_NOT_ALBUM if target.album and not dir_info.album_match else 0.0,
        "bit_depth": _W_16_BIT if fmt in _LOSSLESS and (c.bit_depth or 16) < 24 else 0.0,
        "bitrate": 0.0 if kbps is None or fmt in _LOSSLESS else _W_BITRATE * (320 - min(kbps, 320)) / 320,
    }
    penalty = sum(penalties.values())
    breakdown: dict[str, Any] = {
        "format": fmt,
        "tier": tier,
        "class": klass,
        "nominal_kbps": None if kbps is None else round(kbps, 1),
        "effective_kbps": None if eff is None else round(eff, 1),
        "duration_delta_s": delta,
        "markers": sorted(kinds),
        "album_match": dir_info.album_match if target.album else None,
        "availability": {
            "free_slot": c.has_free_upload_slot,
            "queue_length": c.queue_length,
            "upload_speed": c.upload_speed,
            "peer_successes": record.successes if record else 0,
            "peer_failures": record.failures if record else 0.0,
        },
        "penalties": {k: round(v, 4) for k, v in penalties.items() if v},
        "penalty": round(penalty, 4),
    }
    scored = Scored(c, 1.0 - penalty / _MAX_PENALTY, tier, unverified, vinyl, poor, breakdown)
    key = (penalty, c.queue_length, -c.upload_speed, -peer_ratio, *_identity(c))
    return _Passed(key, scored)
