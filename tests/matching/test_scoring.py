"""SELECTION_POLICY.md as tables: the labelled cases in tests/data/policy_cases.json, plus focused tables for
the rules they rest on (normalisation, title identity, version markers, tiers, sanity, availability, parsing).
Pure: no Django, no database.

A labelled case is {"name", "note"?, "wanted": Wanted fields, "policy"?: Policy fields, "peers"?: {username:
PeerRecord fields}, "responses": slskd /responses JSON, "expect_pick": {"username", "filename"} | null,
"expect_rejected": {"username|filename": [reason codes]} (every rejected file, exactly), "expect_ranked"?:
["username|filename", ...] (the head of the ranking, in order)}. benchmarks/scoring_bench.py replays it too.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from matching.normalize import contains_name, has_date, is_vinyl, scan_markers, split_remote_path, tokens
from matching.scoring import (
    TIERS,
    Candidate,
    PeerRecord,
    Policy,
    Ranking,
    Reason,
    Wanted,
    candidates_from_responses,
    classify_tier,
    rank,
)

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "policy_cases.json").read_text(encoding="utf-8")
)
JOY_DIVISION = Wanted("Joy Division", "Love Will Tear Us Apart", album="Substance", duration_s=204)
SUBSTANCE = "Music\\Joy Division\\Substance"
DM = "DM\\Depeche Mode - Enjoy the Silence "
SFF = "Beatles\\Strawberry Fields Forever"


def _rank_case(case: dict[str, Any], responses: list[dict[str, Any]] | None = None) -> Ranking:
    wanted = case["wanted"]
    policy = dict(case.get("policy", {}))
    if "ladder" in policy:
        policy["ladder"] = tuple(policy["ladder"])
    if "banned_users" in policy:
        policy["banned_users"] = frozenset(policy["banned_users"])
    return rank(
        Wanted(**{**wanted, "artists": tuple(wanted.get("artists", ()))}),
        candidates_from_responses(case["responses"] if responses is None else responses),
        policy=Policy(**policy),
        peers={name: PeerRecord(**record) for name, record in case.get("peers", {}).items()},
    )


def _key(candidate: Candidate) -> str:
    return f"{candidate.username}|{candidate.filename}"


def _rejections(ranking: Ranking) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rejected in ranking.rejected:
        found.setdefault(_key(rejected.candidate), []).extend(str(r) for r in rejected.reasons)
    return {key: sorted(reasons) for key, reasons in found.items()}


def _one(filename: str, wanted: Wanted = JOY_DIVISION, **fields: Any) -> Ranking:
    """Rank one candidate, an MP3 320 agreeing with `wanted` unless `fields` say otherwise."""
    length = fields.pop("length_s", int(wanted.duration_s or 204))
    values: dict[str, Any] = {"size": 320 * 125 * length + 40_000, "length_s": length, "bit_rate": 320}
    values.update({"has_free_upload_slot": True, **fields})
    return rank(wanted, [Candidate(username="peer", filename=filename, **values)])


def _reasons(ranking: Ranking) -> list[str]:
    return sorted(str(r) for rejected in ranking.rejected for r in rejected.reasons)


def test_policy_table_is_large_and_uniquely_named() -> None:
    names = [case["name"] for case in CASES]

    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_policy_case_picks_and_rejects_as_labelled(case: dict[str, Any]) -> None:
    ranking = _rank_case(case)

    pick = ranking.pick
    got_pick = pick and {"username": pick.candidate.username, "filename": pick.candidate.filename}
    assert got_pick == case["expect_pick"]
    assert _rejections(ranking) == {key: sorted(reasons) for key, reasons in case["expect_rejected"].items()}
    expected_order = case.get("expect_ranked")
    if expected_order is not None:
        assert [_key(s.candidate) for s in ranking.ranked][: len(expected_order)] == expected_order


def _shuffled_variants(responses: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    variants = [list(reversed(responses))]
    for seed in (1, 2, 3):
        rng = random.Random(seed)
        shuffled = [{**r, "files": rng.sample(r["files"], len(r["files"]))} for r in responses]
        rng.shuffle(shuffled)
        variants.append(shuffled)
    return variants


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_policy_case_result_is_independent_of_response_order(case: dict[str, Any]) -> None:
    baseline = _rank_case(case)

    for responses in _shuffled_variants(case["responses"]):
        ranking = _rank_case(case, responses)
        assert [s.to_dict() for s in ranking.ranked] == [s.to_dict() for s in baseline.ranked]
        assert [r.to_dict() for r in ranking.rejected] == [r.to_dict() for r in baseline.rejected]


def test_mixed_pool_ranking_is_independent_of_order() -> None:
    pool = candidates_from_responses(r for case in CASES for r in case["responses"])
    wanted = Wanted("Joy Division", "Love Will Tear Us Apart", album="Substance", duration_s=204)
    baseline = rank(wanted, pool)

    for seed in range(5):
        shuffled = random.Random(seed).sample(pool, len(pool))
        ranking = rank(wanted, shuffled)
        assert ranking.to_dict() == baseline.to_dict()
    assert len(baseline.ranked) > 20


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_policy_case_ranking_round_trips_through_json(case: dict[str, Any]) -> None:
    ranking = _rank_case(case)

    assert json.loads(json.dumps(ranking.to_dict())) == ranking.to_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Björk", ("bjork",)),
        ("Sigur Rós", ("sigur", "ros")),
        ("Mötley Crüe", ("motley", "crue")),
        ("Ørjan Nilsen", ("orjan", "nilsen")),
        ("Straße", ("strasse",)),
        ("R.E.M.", ("rem",)),
        ("Guns N' Roses", ("guns", "n", "roses")),
        ("Don\u2019t Stop Me Now", ("dont", "stop", "me", "now")),
        ("Simon & Garfunkel", ("simon", "and", "garfunkel")),
        ("Florence + the Machine", ("florence", "and", "the", "machine")),
        ("Jay-Z", ("jay", "z")),
        ("Joy_Division", ("joy", "division")),
        ("  Hey   Ya!  ", ("hey", "ya")),
        ("\uff21\uff22\uff23", ("abc",)),  # fullwidth letters
        ("Кино", ("кино",)),
        ("1-03 Title", ("1", "03", "title")),
    ],
)
def test_tokens_normalise_case_diacritics_and_punctuation(text: str, expected: tuple[str, ...]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("hay", "name", "expected"),
    [
        ("JAY Z - The Black Album", "Jay-Z", True),
        ("JayZ_-_99_Problems", "Jay-Z", True),
        ("Blink182 - All The Small Things", "Blink-182", True),
        ("AC/DC - Back in Black", "ACDC", True),
        ("Joy Division", "Division", True),
        ("Joyce Divisions", "Joy Division", False),
        ("Live at Leeds", "Leeds United", False),
    ],
)
def test_contains_name_matches_token_runs_and_spacing_variants(hay: str, name: str, expected: bool) -> None:
    assert contains_name(tokens(hay), tokens(name)) is expected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        (
            "@@kqzvh\\Music\\Radiohead\\02 Paranoid Android.mp3",
            ("@@kqzvh\\Music\\Radiohead", "02 Paranoid Android.mp3"),
        ),
        ("music/radiohead/ok computer/02.flac", ("music/radiohead/ok computer", "02.flac")),
        ("C:\\Users\\Mike\\a.mp3", ("C:\\Users\\Mike", "a.mp3")),
        ("loose.mp3", ("", "loose.mp3")),
    ],
)
def test_split_remote_path_uses_slash_only_when_present(filename: str, expected: tuple[str, str]) -> None:
    assert split_remote_path(filename) == expected


@pytest.mark.parametrize(
    ("wanted_title", "filename", "title_ok"),
    [
        ("Love", "02 - Love.flac", True),
        ("Love", "Loveless.flac", False),
        ("Love", "Love Song.flac", False),
        ("Runaway", "Runaway Train.mp3", False),
        ("Runaway Train", "Runaway.mp3", False),
        ("Love Will Tear Us Apart", "1-03 Love Will Tear Us Apart.mp3", True),
        ("Love Will Tear Us Apart", "A2. Love Will Tear Us Apart.mp3", True),
        ("Love Will Tear Us Apart", "107 Love Will Tear Us Apart.mp3", True),
        ("Love Will Tear Us Apart", "Joy Division - Love Will Tear Us Apart.mp3", True),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart - Joy Division.mp3", True),
        ("Love Will Tear Us Apart", "Joy_Division_-_Love_Will_Tear_Us_Apart.mp3", True),
        ("Love Will Tear Us Apart", "01.Joy.Division.-.Love.Will.Tear.Us.Apart.mp3", True),
        ("Love Will Tear Us Apart", "love will tear us apart.MP3", True),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart - Substance.mp3", True),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart (Joy Division).mp3", True),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart - Paul Young.mp3", False),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart - www.mp3site.biz.mp3", False),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart [FLAC 24-96].mp3", True),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart Again.mp3", False),
    ],
)
def test_title_must_be_the_file_name_title(wanted_title: str, filename: str, title_ok: bool) -> None:
    wanted = Wanted(artist="Joy Division", title=wanted_title, album="Substance")

    ranking = _one(f"{SUBSTANCE}\\{filename}", wanted, length_s=204)

    assert ("title_mismatch" not in _reasons(ranking)) is title_ok


@pytest.mark.parametrize(
    ("artist", "wanted_title", "filename"),
    [
        ("Jay-Z", "99 Problems", "Rap\\Jay-Z\\99 Problems.mp3"),
        ("Jay-Z", "99 Problems", "Rap\\Jay-Z\\10 - 99 Problems.mp3"),
        ("Daft Punk", "Get Lucky (feat. Pharrell Williams)", "Daft Punk\\Get Lucky.mp3"),
        ("Daft Punk", "Get Lucky", "Daft Punk\\Get Lucky (feat. Pharrell Williams).mp3"),
        ("Daft Punk", "Get Lucky", "Daft Punk\\Get Lucky feat. Pharrell Williams.mp3"),
        ("Daft Punk", "Get Lucky", "Pop\\Daft Punk ft Pharrell - Get Lucky.mp3"),
        ("Daft Punk", "Get Lucky", "Pop\\Daft Punk & Pharrell Williams - Get Lucky.mp3"),
        ("Simple Minds", "Don't You (Forget About Me)", "Simple Minds\\Don't You (Forget About Me).mp3"),
        (
            "The Rolling Stones",
            "(I Can't Get No) Satisfaction",
            "Rolling Stones\\(I Can't Get No) Satisfaction.mp3",
        ),
        ("Outkast", "Hey Ya!", "OutKast\\09 - Hey Ya.mp3"),
        ("Björk", "Jóga", "Bjork\\Homogenic\\02 Joga.mp3"),
        ("Sigur Rós", "Hoppípolla", "Sigur Ros - Takk\\03 - Hoppipolla.mp3"),
        ("The Beatles", "Let It Be", "Beatles, The\\Let It Be\\06 Let It Be.mp3"),
        ("Beyoncé", "Halo", "Various Artists\\2008 Hits\\12 - Beyonce - Halo.mp3"),
    ],
)
def test_identity_passes_for_name_variants(artist: str, wanted_title: str, filename: str) -> None:
    ranking = _one(filename, Wanted(artist=artist, title=wanted_title, duration_s=240))

    assert _reasons(ranking) == []


@pytest.mark.parametrize(
    ("filename", "reasons"),
    [
        ("Various Artists\\Post-Punk\\06 - Love Will Tear Us Apart.mp3", ["artist_missing"]),
        ("Paul Young\\No Parlez\\Love Will Tear Us Apart.mp3", ["artist_missing"]),
        ("Joy Division\\Love Will Tear Us Apart\\02 - These Days.mp3", ["title_mismatch"]),
        (
            "Love Will Tear Us Apart\\Love Will Tear Us Apart\\Atmosphere.mp3",
            ["artist_missing", "title_mismatch"],
        ),
    ],
)
def test_identity_rejects_wrong_artist_or_title(filename: str, reasons: list[str]) -> None:
    assert _reasons(_one(filename)) == reasons


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Live at Wembley 1986", {"live"}),
        ("Hands and Feet Mix", {"mix"}),
        ("Mike Shinoda Remix", {"remix"}),
        ("Original Mix", set()),
        ("Album Version", set()),
        ("2011 Remaster", set()),
        ("Remastered", set()),
        ("Explicit", set()),
        ("Radio Edit", {"radio_edit"}),
        ("Edit", {"edit"}),
        ("Single Version", {"single_version"}),
        ("Extended Version", {"extended"}),
        ('12" Mix', {"extended", "mix"}),
        ("Instrumental", {"instrumental"}),
        ("A Cappella", {"acapella"}),
        ("Acapella", {"acapella"}),
        ("Stems", {"stems"}),
        ("Karaoke Version", {"karaoke"}),
        ("In the Style of Joy Division", {"style_of"}),
        ("Made Famous by Joy Division", {"style_of"}),
        ("Paul Young cover", {"cover"}),
        ("Tribute", {"tribute"}),
        ("Parody", {"parody"}),
        ("Demo", {"demo"}),
        ("Take 7", {"take_7"}),
        ("Take On Me", set()),
        ("Slowed + Reverb", {"slowed"}),
        ("Sped Up", {"sped_up"}),
        ("Nightcore", {"nightcore"}),
        ("Acoustic", {"acoustic"}),
        ("MTV Unplugged", {"live", "acoustic"}),
        ("Clean", {"clean"}),
        ("The Mix", {"mix"}),
        ("Taylor's Version", {"taylors_version"}),
        ("Piano Version", {"piano_version"}),
        ("1997 Version", set()),
    ],
)
def test_scan_markers_names_version_kinds(text: str, kinds: set[str]) -> None:
    assert scan_markers(tokens(text), generic_version=True).kinds == kinds


@pytest.mark.parametrize(
    ("path", "unexpected"),
    [
        ("Joy Division\\Live\\Love Will Tear Us Apart.mp3", ["live"]),
        ("Joy Division\\2003-06-28 Glastonbury\\Love Will Tear Us Apart.mp3", ["live"]),
        ("Joy Division\\28.06.1980 Paris\\Love Will Tear Us Apart.mp3", ["live"]),
        ("Karaoke Hits\\Vol 3\\Joy Division - Love Will Tear Us Apart.mp3", ["karaoke"]),
        ("Joy Division\\Remixes\\Love Will Tear Us Apart.mp3", ["remix"]),
        ("Joy Division\\Love Will Tear Us Apart - Live.mp3", ["live"]),
        ("Joy Division\\Love Will Tear Us Apart Live.mp3", ["live"]),
        ("Joy Division\\Love Will Tear Us Apart [Acoustic Version].mp3", ["acoustic"]),
        ("Joy Division\\Love Will Tear Us Apart (Pennine Version).mp3", ["pennine_version"]),
        ("Joy Division\\1980-05-02 Love Will Tear Us Apart.mp3", ["live"]),
        ("Joy Division\\Substance (2015 Remaster)\\Love Will Tear Us Apart (Remastered).mp3", []),
        ("Joy Division\\Singles\\Love Will Tear Us Apart (single).mp3", []),
        ("Joy Division\\Greatest Hits 1979-1980\\Love Will Tear Us Apart.mp3", []),
    ],
)
def test_version_markers_come_from_file_and_folder_names(path: str, unexpected: list[str]) -> None:
    ranking = _one(path)

    detail = ranking.rejected[0].detail if ranking.rejected else {}
    assert detail.get("markers", {}).get("unexpected", []) == unexpected


@pytest.mark.parametrize(
    ("artist", "wanted_title", "album", "path", "passes"),
    [
        ("Oasis", "Live Forever", None, "Oasis\\Oasis - Live Forever (Single)\\01 - Live Forever.mp3", True),
        ("Oasis", "Live Forever", None, "Oasis\\Live Forever (Live)\\01 - Live Forever.mp3", False),
        ("The Who", "Substitute", "Live at Leeds", "The Who\\Live at Leeds\\Substitute.mp3", True),
        ("The Who", "Substitute - Live", "Live at Leeds", "The Who\\Live at Leeds\\Substitute.mp3", True),
        ("The Who", "Substitute - Live", None, "The Who\\Singles\\Substitute.mp3", False),
        ("Depeche Mode", "Enjoy the Silence (Hands and Feet Mix)", None, f"{DM}(Hands & Feet Mix).mp3", True),
        ("Depeche Mode", "Enjoy the Silence (Hands and Feet Mix)", None, f"{DM}(Bassline Mix).mp3", False),
        ("The Beatles", "Strawberry Fields Forever (Take 7)", None, f"{SFF} - Take 7.mp3", True),
        ("The Beatles", "Strawberry Fields Forever (Take 7)", None, f"{SFF}.mp3", False),
    ],
)  # fmt: skip
def test_version_markers_must_equal_the_wanted_titles_own(
    artist: str, wanted_title: str, album: str | None, path: str, passes: bool
) -> None:
    wanted = Wanted(artist=artist, title=wanted_title, album=album, duration_s=240)

    ranking = _one(path, wanted)

    assert (ranking.pick is not None) is passes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2003-06-28 Glastonbury", True),
        ("gd1977-05-08.sbd", True),
        ("28-06-2003 Paris", True),
        ("1980.05.02", True),
        ("Greatest Hits 1980-1990", False),
        ("1-03 Title", False),
        ("Remixes 81-04", False),
    ],
)
def test_has_date_marks_show_dates(text: str, expected: bool) -> None:
    assert has_date(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Substance (Vinyl Rip 24-96)", True),
        ("Substance [2LP]", True),
        ("Needle Drop", True),
        ("needledrop", True),
        ("Love Will Tear Us Apart (LP Version)", False),
        ("Substance [WEB]", False),
    ],
)
def test_is_vinyl_detects_rips(text: str, expected: bool) -> None:
    assert is_vinyl(tokens(text)) is expected


@pytest.mark.parametrize(
    ("fmt", "kbps", "vbr", "tier"),
    [
        ("flac", None, None, "lossless"),
        ("wav", None, None, "lossless"),
        ("alac", None, None, "lossless"),
        ("mp3", 320, None, "mp3_320"),
        ("mp3", 320, False, "mp3_320"),
        ("mp3", 320, True, "mp3_v0_aac256"),
        ("mp3", 245, True, "mp3_v0_aac256"),
        ("mp3", 210, True, "other_192"),
        ("mp3", 256, False, "mp3_256"),
        ("mp3", 224, False, "other_192"),
        ("aac", 256, None, "mp3_v0_aac256"),
        ("aac", 192, None, "other_192"),
        ("ogg", 320, True, "other_192"),
        ("opus", 256, True, "other_192"),
    ],
)
def test_classify_tier_follows_the_ladder(fmt: str, kbps: int | None, vbr: bool | None, tier: str) -> None:
    candidate = Candidate(username="u", filename="x", size=1, bit_rate=kbps, is_variable_bit_rate=vbr)

    assert classify_tier(fmt, candidate, None if kbps is None else float(kbps)) == tier


@pytest.mark.parametrize(
    ("ext", "fields", "reasons"),
    [
        ("flac", {"size": 26_000_000, "sample_rate": 44_100, "bit_depth": 16, "bit_rate": None}, []),
        (
            "flac",
            {"size": 7_600_000, "sample_rate": 44_100, "bit_depth": 16, "bit_rate": None},
            ["transcode"],
        ),
        (
            "flac",
            {"size": 26_000_000, "sample_rate": 96_000, "bit_depth": 24, "bit_rate": None},
            ["implausible_bitrate"],
        ),
        ("flac", {"size": 70_000_000, "sample_rate": 96_000, "bit_depth": 24, "bit_rate": None}, []),
        (
            "flac",
            {"size": 60_000_000, "sample_rate": 192_000, "bit_depth": 24, "bit_rate": None},
            ["implausible_bitrate"],
        ),
        ("flac", {"size": 100_000_000, "sample_rate": 192_000, "bit_depth": 24, "bit_rate": None}, []),
        (
            "flac",
            {"size": 60_000_000, "sample_rate": 44_100, "bit_depth": 16, "bit_rate": None},
            ["implausible_bitrate"],
        ),
        ("flac", {"size": 60_000_000, "bit_rate": None}, []),
        ("flac", {"size": 12_000_000, "bit_rate": 1000}, ["truncated"]),
        ("mp3", {"size": 8_200_000, "bit_rate": 320}, []),
        ("mp3", {"size": 3_300_000, "bit_rate": 320}, ["truncated"]),
        ("mp3", {"size": 6_900_000, "bit_rate": 320}, ["implausible_bitrate"]),
        ("mp3", {"size": 13_000_000, "bit_rate": 320}, ["implausible_bitrate"]),
        ("mp3", {"size": 9_200_000, "bit_rate": 320}, []),
        ("wav", {"size": 36_000_000, "bit_rate": None}, []),
        ("wav", {"size": 10_000_000, "bit_rate": None}, ["truncated"]),
        ("m4a", {"size": 6_600_000, "bit_rate": 256}, []),
        ("m4a", {"size": 2_000_000, "bit_rate": 256}, ["truncated"]),
    ],
)
def test_sanity_checks_effective_bitrate_against_the_claimed_format(
    ext: str, fields: dict[str, Any], reasons: list[str]
) -> None:
    ranking = _one(f"{SUBSTANCE}\\07 - Love Will Tear Us Apart.{ext}", **fields)

    assert _reasons(ranking) == reasons


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        ("folder.jpg", "not_audio"),
        ("Substance.cue", "not_audio"),
        ("07 - Love Will Tear Us Apart", "not_audio"),
        ("07 - Love Will Tear Us Apart.ape", "format_not_allowed"),
        ("07 - Love Will Tear Us Apart.wma", "format_not_allowed"),
        ("07 - Love Will Tear Us Apart.WV", "format_not_allowed"),
    ],
)
def test_never_rules_reject_non_audio_and_other_formats(filename: str, reason: str) -> None:
    assert _reasons(_one(f"{SUBSTANCE}\\{filename}")) == [reason]


@pytest.mark.parametrize(
    ("length_s", "vinyl", "reasons"),
    [
        (201, False, []),
        (207, False, []),
        (208, False, ["duration_mismatch"]),
        (200, False, ["duration_mismatch"]),
        (210, True, []),
        (211, True, ["duration_mismatch"]),
        (200, True, ["duration_mismatch"]),
    ],
)
def test_duration_tolerance_and_vinyl_allowance(length_s: int, vinyl: bool, reasons: list[str]) -> None:
    folder = "Music\\Joy Division\\Substance (Vinyl Rip)" if vinyl else SUBSTANCE

    ranking = _one(f"{folder}\\07 - Love Will Tear Us Apart.mp3", length_s=length_s)

    assert _reasons(ranking) == reasons
    assert [s.vinyl for s in ranking.ranked] == ([vinyl] if not reasons else [])


@pytest.mark.parametrize(
    ("free", "queue", "speed", "poor"),
    [
        (True, 500, 0, False),
        (False, 99, 60_000, False),
        (False, 100, 2_000_000, True),
        (False, 3, 30_000, True),
        (False, 0, 0, True),
    ],
)
def test_poor_availability_needs_no_free_slot_and_a_long_queue_or_slow_speed(
    free: bool, queue: int, speed: int, poor: bool
) -> None:
    ranking = _one(
        f"{SUBSTANCE}\\07 - Love Will Tear Us Apart.mp3",
        has_free_upload_slot=free,
        queue_length=queue,
        upload_speed=speed,
    )

    assert [s.poor_availability for s in ranking.ranked] == [poor]


def test_ladder_and_floor_are_user_tunable() -> None:
    path = f"{SUBSTANCE}\\07 - Love Will Tear Us Apart.mp3"
    candidate = Candidate("u", path, size=204 * 128 * 125, length_s=204, bit_rate=128)

    default = rank(JOY_DIVISION, [candidate])
    lowered = rank(JOY_DIVISION, [candidate], policy=Policy(floor_kbps=128))

    assert _reasons(default) == ["below_floor"]
    assert [(s.tier, s.candidate.filename) for s in lowered.ranked] == [("other_192", path)]


def test_policy_rejects_unknown_or_repeated_ladder_rungs() -> None:
    with pytest.raises(ValueError, match="ladder"):
        Policy(ladder=("lossless", "mp3_128"))
    with pytest.raises(ValueError, match="ladder"):
        Policy(ladder=("lossless", "lossless"))
    assert Policy().ladder == TIERS


def test_peer_record_breaks_ties_and_quarantine_excludes() -> None:
    path = f"{SUBSTANCE}\\07 - Love Will Tear Us Apart.flac"
    copies = [
        Candidate(name, path, size=26_000_000, length_s=204, has_free_upload_slot=True, upload_speed=10**6)
        for name in ("aaa", "bbb", "ccc")
    ]
    peers = {
        "bbb": PeerRecord(successes=5),
        "aaa": PeerRecord(failures=2.5),
        "ccc": PeerRecord(quarantined=True),
    }

    ranking = rank(JOY_DIVISION, copies, peers=peers)

    assert [s.candidate.username for s in ranking.ranked] == ["bbb", "aaa"]
    assert _rejections(ranking) == {f"ccc|{path}": ["quarantined_peer"]}


def test_reject_lists_every_failing_rule() -> None:
    path = "Music\\Karaoke Hits\\Love Will Tear Us Apart Again (Karaoke).flac"
    candidate = Candidate("banned", path, size=4_000_000, length_s=250, locked=True)

    ranking = rank(JOY_DIVISION, [candidate], policy=Policy(banned_users=frozenset({"banned"})))

    assert ranking.rejected[0].reasons == [
        Reason.LOCKED,
        Reason.BANNED_USER,
        Reason.TITLE_MISMATCH,
        Reason.ARTIST_MISSING,
        Reason.VERSION_MISMATCH,
        Reason.DURATION_MISMATCH,
        Reason.TRANSCODE,
    ]


def test_scored_breakdown_explains_the_score() -> None:
    ranking = _one(f"{SUBSTANCE}\\07 - Love Will Tear Us Apart.mp3", queue_length=7, upload_speed=300_000)

    scored = ranking.ranked[0]
    assert scored.breakdown["penalties"] == {"tier": 4.0, "queue": 0.6, "speed": 0.1, "peer_record": 0.01}
    assert scored.score == pytest.approx(1 - 4.71 / 160)
    assert scored.to_dict()["flags"] == {
        "unverified_duration": False,
        "vinyl": False,
        "poor_availability": False,
    }


def test_reason_codes_are_stable_strings() -> None:
    assert {str(r) for r in Reason} == {
        "locked", "not_audio", "format_not_allowed", "banned_user", "quarantined_peer", "title_mismatch",
        "artist_missing", "version_mismatch", "duration_mismatch", "unverified_duration", "transcode",
        "truncated", "implausible_bitrate", "unknown_bitrate", "below_floor", "not_in_ladder", "duplicate",
    }  # fmt: skip


def test_candidates_from_responses_reads_the_slskd_shape() -> None:
    responses = [
        {
            "username": "vinyl_junkie_77",
            "hasFreeUploadSlot": True,
            "queueLength": 3,
            "uploadSpeed": 1845120,
            "files": [
                {"filename": "@@kqzvh\\Music\\a.flac", "size": 42811904, "length": 383, "sampleRate": 44100,
                 "bitDepth": 16, "extension": "flac", "code": 1, "isLocked": False},
                {"filename": "@@kqzvh\\Music\\b.mp3", "size": 100, "extension": ""},
                {"size": 5},
                {"filename": "@@kqzvh\\Music\\c.mp3", "size": "7", "bitRate": True,
                 "isVariableBitRate": "yes"},
            ],
            "lockedFiles": [{"filename": "@@kqzvh\\Music\\d.flac", "size": 9, "isLocked": False}],
        },
        {"files": [{"filename": "nobody.mp3", "size": 1}]},
    ]  # fmt: skip

    candidates = candidates_from_responses(responses)

    common = {
        "username": "vinyl_junkie_77",
        "has_free_upload_slot": True,
        "queue_length": 3,
        "upload_speed": 1845120,
    }
    assert candidates == [
        Candidate(filename="@@kqzvh\\Music\\a.flac", size=42811904, length_s=383, sample_rate=44100,
                  bit_depth=16, **common),
        Candidate(filename="@@kqzvh\\Music\\b.mp3", size=100, **common),
        Candidate(filename="@@kqzvh\\Music\\c.mp3", size=0, **common),
        Candidate(filename="@@kqzvh\\Music\\d.flac", size=9, locked=True, **common),
    ]  # fmt: skip


def test_unverified_copies_are_only_eligible_without_a_verified_one() -> None:
    path = f"{SUBSTANCE}\\07 - Love Will Tear Us Apart.flac"
    unverified = Candidate("nolen", path, size=26_000_000, has_free_upload_slot=True)
    verified = Candidate("len", path.replace(".flac", ".mp3"), size=8_200_000, length_s=204, bit_rate=320)

    alone = rank(JOY_DIVISION, [unverified])
    both = rank(JOY_DIVISION, [unverified, verified])

    assert [(s.candidate.username, s.unverified_duration) for s in alone.ranked] == [("nolen", True)]
    assert [s.candidate.username for s in both.ranked] == ["len"]
    assert _rejections(both) == {f"nolen|{path}": ["unverified_duration"]}


def test_hostile_names_are_judged_not_choked_on() -> None:
    padded = "Love Will Tear Us Apart" + " " * 50_000 + "Train"

    ranking = _one(f"{SUBSTANCE}\\{padded}.mp3")

    assert _reasons(ranking) == ["title_mismatch"]
