"""Playlist exports, pasted text and links -> parsed items, rejected lines and links (pure, no database)."""

from __future__ import annotations

import codecs
import random
import time

import pytest

from ingest.parsers import (
    ParsedItem,
    ParseError,
    RejectedLine,
    SpotifyLink,
    decode,
    parse,
    parse_spotify_link,
    parse_text,
)
from tests.helpers import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data" / "imports"
NO_SEPARATOR = "no ' - ' between artist and title"
EMPTY_ARTIST = "nothing before ' - ' (artist is empty)"
EMPTY_TITLE = "nothing after ' - ' (title is empty)"


def _read(name: str):
    return parse((DATA / name).read_bytes(), filename=name)


def _pairs(result) -> list[tuple[str, str]]:
    return [(item.artist, item.title) for item in result.items]


def _rejections(result) -> list[tuple[int, str]]:
    return [(rejected.line, rejected.reason) for rejected in result.rejected]


@pytest.mark.parametrize(
    ("line", "artist", "title", "duration"),
    [
        ("Nena - 99 Luftballons", "Nena", "99 Luftballons", None),
        ("Jay-Z - 99 Problems", "Jay-Z", "99 Problems", None),
        ("Blink-182 - All the Small Things", "Blink-182", "All the Small Things", None),
        ("Wu-Tang Clan – C.R.E.A.M.", "Wu-Tang Clan", "C.R.E.A.M.", None),
        ("a-ha — Take On Me", "a-ha", "Take On Me", None),
        ("Daft Punk - One More Time - Radio Edit", "Daft Punk", "One More Time - Radio Edit", None),
        ("Daft Punk -- Aerodynamic", "Daft Punk", "Aerodynamic", None),
        ("The Smashing Pumpkins - 1979", "The Smashing Pumpkins", "1979", None),
        ("Blur - Song 2", "Blur", "Song 2", None),
        ("Taylor Swift - 22", "Taylor Swift", "22", None),
        ("The Strokes - 12:51", "The Strokes", "12:51", None),
        ("Mark Ronson - Uptown Funk (Remix)", "Mark Ronson", "Uptown Funk (Remix)", None),
        ("Nirvana - Lithium (Live) (4:16)", "Nirvana", "Lithium (Live)", 256.0),
        ("Nena - 99 Luftballons [3:52]", "Nena", "99 Luftballons", 232.0),
        ("Nena - 99 Luftballons 3:52", "Nena", "99 Luftballons", 232.0),
        ("Nena - 99 Luftballons - 3:52", "Nena", "99 Luftballons", 232.0),
        ("Pink Floyd - Echoes (1:03:28)", "Pink Floyd", "Echoes", 3808.0),
        ("1. Nena - 99 Luftballons", "Nena", "99 Luftballons", None),
        ("12) Blur - Song 2", "Blur", "Song 2", None),
        ("01 Blur - Song 2", "Blur", "Song 2", None),
        ("01 - Blur - Song 2", "Blur", "Song 2", None),
        ("311 - Amber", "311", "Amber", None),
        ("50 Cent - In Da Club", "50 Cent", "In Da Club", None),
        ("Stand by Me by Ben E. King", "Ben E. King", "Stand by Me", None),
        ("Song 2 by Blur (2:02)", "Blur", "Song 2", 122.0),
        ('Queen - "Bohemian Rhapsody"', "Queen", "Bohemian Rhapsody", None),
        ("  Sigur Rós  -  Hoppípolla  ", "Sigur Rós", "Hoppípolla", None),
    ],
)
def test_plain_text_line_gives_artist_title_and_duration(line, artist, title, duration):
    result = parse_text(line)

    assert result.format == "text"
    assert result.items == [ParsedItem(line=1, artist=artist, title=title, duration_s=duration)]
    assert result.rejected == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "artist=Daft Punk, title=One More Time, album=Discovery, length=320",
            ParsedItem(line=1, artist="Daft Punk", title="One More Time", album="Discovery", duration_s=320.0),
        ),
        (
            'title="Suite: Judy Blue Eyes", artist="Crosby, Stills, Nash & Young", length=445000',
            ParsedItem(line=1, artist="Crosby, Stills, Nash & Young", title="Suite: Judy Blue Eyes", duration_s=445.0),
        ),
        (
            "Artist=Nena, Title=99 Luftballons, ISRC=dea628300036",
            ParsedItem(line=1, artist="Nena", title="99 Luftballons", isrc="DEA628300036"),
        ),
    ],
)
def test_key_value_line_reads_named_fields(line, expected):
    assert parse_text(line).items == [expected]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1979", NO_SEPARATOR),
        ("Jay-Z", NO_SEPARATOR),
        ("Nena -99 Luftballons", NO_SEPARATOR),
        (" - Title Only", EMPTY_ARTIST),
        ("Artist Only -", EMPTY_TITLE),
        ("Stand by", NO_SEPARATOR),
        ("artist=Nena, album=?", "key=value line has no title"),
        ("title=99 Luftballons", "key=value line has no artist"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "a web address that is not a Spotify link"),
        (
            "https://spotify.link/AbCdEf123",
            "spotify.link short links need a browser to resolve; paste the open.spotify.com address instead",
        ),
        (
            "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ",
            "a Spotify episode link is not music we can import",
        ),
        ("https://open.spotify.com/track/tooShort", "not a recognisable Spotify link (a 22-character ID is expected)"),
    ],
)
def test_unusable_line_is_rejected_with_its_reason(line, reason):
    result = parse_text(f"Blur - Song 2\n{line}")

    assert result.rejected == [RejectedLine(line=2, text=line, reason=reason)]
    assert _pairs(result) == [("Blur", "Song 2")]


def test_rejected_text_is_cut_to_200_characters():
    line = "x" * 500

    assert parse_text(line).rejected == [RejectedLine(line=1, text="x" * 200, reason=NO_SEPARATOR)]


def test_bare_leading_number_is_numbering_only_in_a_numbered_list():
    numbered = parse_text("1 Nena - 99 Luftballons\n2 Blur - Song 2\n3 Doors Down - Kryptonite")
    unnumbered = parse_text("Nena - 99 Luftballons\nBlur - Song 2\n3 Doors Down - Kryptonite")

    assert _pairs(numbered) == [("Nena", "99 Luftballons"), ("Blur", "Song 2"), ("Doors Down", "Kryptonite")]
    assert _pairs(unnumbered)[2] == ("3 Doors Down", "Kryptonite")


@pytest.mark.parametrize("name", ["plain_utf8.txt", "plain_utf8_bom.txt", "plain_cp1252.txt", "plain_utf16.txt"])
def test_plain_text_file_in_any_encoding_gives_the_same_tracks(name):
    result = _read(name)

    assert result.format == "text"
    assert _pairs(result) == [
        ("Nena", "99 Luftballons"),
        ("Jay-Z", "99 Problems"),
        ("Blink-182", "All the Small Things"),
        ("Björk", "Jóga (Live)"),
        ("Ben E. King", "Stand by Me"),
        ("Smashing Pumpkins", "1979"),
        ("Blur", "Song 2"),
        ("Taylor Swift", "22"),
        ("Wu-Tang Clan", "C.R.E.A.M. (Remix)"),
        ("Röyksopp", "Eple"),
    ]
    assert [item.line for item in result.items] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert [item.duration_s for item in result.items][:3] == [232.0, 234.0, 168.0]
    assert result.items[-1].album == "Melody A.M."
    assert _rejections(result) == [(14, NO_SEPARATOR), (15, EMPTY_ARTIST)]
    assert result.links == [
        SpotifyLink("playlist", "37i9dQZF1DXcBWIGoYBM5M", "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M")
    ]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Nena - 99 Luftballons", "Nena - 99 Luftballons"),
        (codecs.BOM_UTF8 + "Björk - Jóga".encode(), "Björk - Jóga"),
        (codecs.BOM_UTF16_LE + "Björk - Jóga".encode("utf-16-le"), "Björk - Jóga"),
        (codecs.BOM_UTF16_BE + "Björk - Jóga".encode("utf-16-be"), "Björk - Jóga"),
        ("Björk - Jóga".encode("utf-16-le"), "Björk - Jóga"),
        ("Motörhead – Ace of Spades".encode("cp1252"), "Motörhead – Ace of Spades"),
        ("Beyoncé - Halo".encode(), "Beyoncé - Halo"),
        (b"", ""),
    ],
)
def test_decode_reads_boms_utf8_and_windows_1252(data, text):
    assert decode(data) == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02\x03binary\x00junk\xff", "input looks binary (NUL bytes)"),
        (bytes(range(1, 32)) * 20 + b"Nena - 99 Luftballons", "input looks binary (mostly control characters)"),
        (b"PK\x03\x04\x14\x00\x00\x00", "input looks binary: a ZIP archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "input looks binary: a PNG image"),
        (codecs.BOM_UTF8 + b"\xff\xfe broken", "input starts with a utf-8 byte-order mark but is not utf-8"),
    ],
)
def test_binary_input_is_a_parse_error(data, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(data, filename="upload.txt")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "", "input is empty"),
        (b"  \n\r\n\t\n", "list.txt", "input is empty"),
        (codecs.BOM_UTF8, "list.txt", "input is empty"),
        (b'{"tracks": ', "Playlist1.json", "invalid JSON"),
        (b"Nena - 99 Luftballons", "Playlist1.json", "invalid JSON"),
        (b'{"name": "x"}', "export.json", "JSON holds no list of tracks"),
        (b"[" * 100_000 + b"]" * 100_000, "deep.json", "nested too deeply"),
        (b"[" + b"9" * 5000 + b"]", "big.json", "invalid JSON"),
        (b"Nena - 99 Luftballons\n", "export.csv", "not a CSV export we can read"),
        (b"id,when\n1,2020-01-01\n", "export.csv", "the header names no artist and title columns"),
    ],
)
def test_unusable_whole_input_is_a_parse_error(data, filename, message):
    with pytest.raises(ParseError, match=message):
        parse(data, filename=filename)


def test_pasted_text_with_nul_characters_is_a_parse_error():
    with pytest.raises(ParseError, match="NUL bytes"):
        parse_text("Nena - 99 Luftballons\x00\x00")


@pytest.mark.parametrize(
    ("text", "kind", "spotify_id"),
    [
        ("https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT", "track", "4cOdK2wGLETKBW3PvgPWqT"),
        ("https://open.spotify.com/intl-de/track/4cOdK2wGLETKBW3PvgPWqT?si=1a2b3c", "track", "4cOdK2wGLETKBW3PvgPWqT"),
        ("https://open.spotify.com/intl-pt-BR/album/6N9PS4QXF1D0OWPk0Sxtb4", "album", "6N9PS4QXF1D0OWPk0Sxtb4"),
        ("http://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=x&pi=y", "playlist", "37i9dQZF1DXcBWIGoYBM5M"),
        ("open.spotify.com/artist/0gxyHStUsqpMadRV0Di1Qt/", "artist", "0gxyHStUsqpMadRV0Di1Qt"),
        ("https://open.spotify.com/embed/playlist/37i9dQZF1DXcBWIGoYBM5M", "playlist", "37i9dQZF1DXcBWIGoYBM5M"),
        ("https://play.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT", "track", "4cOdK2wGLETKBW3PvgPWqT"),
        (
            "https://open.spotify.com/user/spotify/playlist/37i9dQZF1DXcBWIGoYBM5M",
            "playlist",
            "37i9dQZF1DXcBWIGoYBM5M",
        ),
        ("spotify:track:4cOdK2wGLETKBW3PvgPWqT", "track", "4cOdK2wGLETKBW3PvgPWqT"),
        ("spotify:user:alice:playlist:37i9dQZF1DXcBWIGoYBM5M", "playlist", "37i9dQZF1DXcBWIGoYBM5M"),
        ("  <spotify:album:6N9PS4QXF1D0OWPk0Sxtb4>  ", "album", "6N9PS4QXF1D0OWPk0Sxtb4"),
    ],
)
def test_spotify_link_in_any_form_becomes_canonical(text, kind, spotify_id):
    assert parse_spotify_link(text) == SpotifyLink(kind, spotify_id, f"https://open.spotify.com/{kind}/{spotify_id}")


@pytest.mark.parametrize(
    "text",
    [
        "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ",
        "spotify:show:512ojhOuo1ktJprKbVcKyQ",
        "spotify:user:alice:collection",
        "spotify:local:Nena:99+Luftballons:99+Luftballons:232",
        "https://spotify.link/AbCdEf123",
        "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWq",
        "https://example.com/track/4cOdK2wGLETKBW3PvgPWqT",
        "see https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT",
        "",
    ],
)
def test_not_a_track_album_playlist_or_artist_link_is_none(text):
    assert parse_spotify_link(text) is None


def test_list_of_links_is_links_not_items():
    result = _read("links.txt")

    assert result.format == "links"
    assert [(link.kind, link.id) for link in result.links] == [
        ("playlist", "37i9dQZF1DXcBWIGoYBM5M"),
        ("album", "6N9PS4QXF1D0OWPk0Sxtb4"),
        ("track", "4cOdK2wGLETKBW3PvgPWqT"),
        ("artist", "0gxyHStUsqpMadRV0Di1Qt"),
    ]
    assert result.items == []
    assert result.rejected == []


def test_same_link_twice_is_listed_once():
    result = parse_text(
        "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT?si=a\nspotify:track:4cOdK2wGLETKBW3PvgPWqT"
    )

    assert [link.id for link in result.links] == ["4cOdK2wGLETKBW3PvgPWqT"]


@pytest.mark.parametrize(
    ("name", "fmt", "items", "rejections"),
    [
        (
            "exportify.csv",
            "exportify",
            [
                ParsedItem(
                    line=2,
                    artist="Rick Astley",
                    title="Never Gonna Give You Up",
                    album="Whenever You Need Somebody",
                    artists=("Rick Astley",),
                    duration_s=213.573,
                    isrc="GBARL9300135",
                    spotify_id="4cOdK2wGLETKBW3PvgPWqT",
                    track_number=1,
                ),
                ParsedItem(
                    line=3,
                    artist="Tyler, The Creator",
                    title="EARFQUAKE",
                    album="IGOR",
                    artists=("Tyler, The Creator", "Playboi Carti"),
                    duration_s=190.066,
                    isrc="USQX91900726",
                    spotify_id="0O45fw2L5vsWpdsOdXwNAR",
                    track_number=2,
                ),
                ParsedItem(
                    line=4,
                    artist="Bob Dylan",
                    title="Like a Rolling Stone",
                    album="Highway 61 Revisited",
                    artists=("Bob Dylan",),
                    duration_s=369.6,
                    isrc="USSM19922509",
                    spotify_id="3AhXZa8sUQht0UEdBJgpGc",
                    track_number=1,
                ),
                ParsedItem(
                    line=5,
                    artist="Unknown Band",
                    title="Garage Jam",
                    album="Demo Tape",
                    artists=("Unknown Band",),
                    duration_s=181.0,
                ),
            ],
            [(6, "missing title column value"), (7, "missing title column value")],
        ),
        (
            "exportify_2016.csv",
            "exportify",
            [
                ParsedItem(
                    line=2,
                    artist="David Bowie",
                    title="Heroes - 2017 Remaster",
                    album='"Heroes" (2017 Remaster)',
                    artists=("David Bowie",),
                    duration_s=371.266,
                    spotify_id="7ouMYWpwJ422jRcDASZB7P",
                    track_number=3,
                ),
                ParsedItem(
                    line=3,
                    artist="Led Zeppelin",
                    title="Stairway to Heaven - Remaster",
                    album="Led Zeppelin IV (Remaster)",
                    artists=("Led Zeppelin",),
                    duration_s=482.83,
                    spotify_id="5CQ30WqJwcep0pYcV4AMNc",
                    track_number=4,
                ),
            ],
            [(4, "missing artist column value")],
        ),
        (
            "exportify_de.csv",
            "exportify",
            [
                ParsedItem(
                    line=2,
                    artist="Nena",
                    title="99 Luftballons",
                    album="99 Luftballons",
                    artists=("Nena",),
                    duration_s=232.106,
                    isrc="DEA628300036",
                    spotify_id="6Q1F7alMbV2d6BzqLzOWTS",
                ),
                ParsedItem(
                    line=3,
                    artist="Peter Schilling",
                    title="Major Tom (Völlig losgelöst)",
                    album="Fehler im System",
                    artists=("Peter Schilling",),
                    duration_s=299.0,
                    isrc="DEA628300101",
                    spotify_id="3rgsDhGHZxZ9sB9DQWQfuf",
                ),
            ],
            [],
        ),
        (
            "exportify_net.csv",
            "exportify_net",
            [
                ParsedItem(
                    line=2,
                    artist="Nirvana",
                    title="Smells Like Teen Spirit",
                    album="Nevermind",
                    artists=("Nirvana", "Dave Grohl"),
                    duration_s=301.92,
                    spotify_id="5ghIJDpPoe3CfHMGu71E6T",
                ),
                ParsedItem(
                    line=3,
                    artist="Billie Eilish",
                    title="bad guy",
                    album="WHEN WE ALL FALL ASLEEP",
                    artists=("Billie Eilish",),
                    duration_s=194.087,
                    spotify_id="2Fxmhks0bxGSBdJ92vM42m",
                ),
            ],
            [(4, "missing title column value")],
        ),
        (
            "tunemymusic.csv",
            "tunemymusic",
            [
                ParsedItem(
                    line=2,
                    artist="a-ha",
                    title="Take On Me",
                    album="Hunting High and Low",
                    isrc="NOG848500010",
                    spotify_id="2WfaOiMkCvy7F5fcp2zZ8L",
                    playlist="80s Night",
                ),
                ParsedItem(
                    line=3,
                    artist="New Order",
                    title="Blue Monday",
                    album="Power, Corruption & Lies",
                    isrc="GBAAP8300001",
                    spotify_id="4NHhR5VOQ3lbGUiwZFRbqk",
                    playlist="80s Night",
                ),
                ParsedItem(
                    line=4,
                    artist="Blink-182",
                    title="All the Small Things",
                    album="Enema of the State",
                    isrc="USMC19910263",
                    spotify_id="2m1hi0nfMR9vdGC8UcrnwU",
                    playlist="Liked Songs",
                ),
            ],
            [(5, "missing artist column value")],
        ),
        (
            "soundiiz.csv",
            "soundiiz",
            [
                ParsedItem(
                    line=2,
                    artist="Oasis",
                    title="Wonderwall",
                    album="(What's The Story) Morning Glory?",
                    duration_s=258.0,
                    isrc="GBBQY9500035",
                    spotify_id="5qqabIl2vWzo9ApSC317sa",
                ),
                ParsedItem(line=3, artist="Blur", title="Song 2", album="Blur", duration_s=122.0, isrc="GBAYE9601476"),
            ],
            [(4, "missing title column value")],
        ),
        (
            "generic.tsv",
            "csv",
            [
                ParsedItem(line=2, artist="Jay-Z", title="99 Problems", album="The Black Album", duration_s=234.0),
                ParsedItem(
                    line=3,
                    artist="Wu-Tang Clan",
                    title="C.R.E.A.M.",
                    album="Enter the Wu-Tang (36 Chambers)",
                    duration_s=252.0,
                ),
            ],
            [],
        ),
    ],
)
def test_csv_export_gives_items_and_rejected_rows(name, fmt, items, rejections):
    result = _read(name)

    assert result.format == fmt
    assert result.items == items
    assert _rejections(result) == rejections


def test_rejected_csv_row_keeps_the_row_text():
    result = _read("soundiiz.csv")

    assert result.rejected == [
        RejectedLine(line=4, text=";Pulp;Different Class;;2022-03-02;;", reason="missing title column value")
    ]


def test_tunemymusic_file_lists_its_playlists_in_order():
    assert _read("tunemymusic.csv").playlists == ["80s Night", "Liked Songs"]


def test_csv_record_with_a_line_break_reports_its_first_line():
    text = 'Artist,Title\nNena,"99\nLuftballons"\n,Song 2\n'

    result = parse_text(text)

    assert [(item.line, item.title) for item in result.items] == [(2, "99\nLuftballons")]
    assert _rejections(result) == [(4, "missing artist column value")]


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("Artist,Title,Duration", "Nena,99 Luftballons,232106", 232.106),
        ("Artist,Title,Duration", "Nena,99 Luftballons,232", 232.0),
        ("Artist,Title,Duration (ms)", "Nena,99 Luftballons,9000", 9.0),
        ("Artist,Title,Length", "Nena,99 Luftballons,3:52", 232.0),
        ("Artist,Title,Length", "Nena,99 Luftballons,-1", None),
        ("Artist,Title,Length", "Nena,99 Luftballons,soon", None),
    ],
)
def test_csv_duration_is_ms_by_header_or_size_else_seconds(header, row, expected):
    assert parse_text(f"{header}\n{row}").items[0].duration_s == expected


@pytest.mark.parametrize(
    ("value", "isrc"),
    [("usrc17607839", "USRC17607839"), ("US-RC1-76-07839", "USRC17607839"), ("USRC1760783", ""), ("n/a", "")],
)
def test_isrc_is_upper_case_and_validated(value, isrc):
    assert parse_text(f"Artist,Title,ISRC\nX,Y,{value}").items[0].isrc == isrc


def test_plain_text_with_commas_is_not_taken_for_csv():
    result = parse_text("Crosby, Stills, Nash & Young - Suite: Judy Blue Eyes\nEarth, Wind & Fire - September")

    assert result.format == "text"
    assert _pairs(result) == [
        ("Crosby, Stills, Nash & Young", "Suite: Judy Blue Eyes"),
        ("Earth, Wind & Fire", "September"),
    ]


@pytest.mark.parametrize(
    ("name", "fmt", "items", "rejections", "playlists"),
    [
        (
            "Playlist1.json",
            "spotify_gdpr_playlists",
            [
                ParsedItem(
                    line=1,
                    artist="Taylor Swift",
                    title="Cruel Summer",
                    album="Lover",
                    spotify_id="1BxfuPKGuaTgP7aM0Bbdwr",
                    playlist="Summer 2023",
                ),
                ParsedItem(
                    line=3,
                    artist="The Shins",
                    title="New Slang",
                    album="Oh, Inverted World",
                    duration_s=231.0,
                    playlist="Summer 2023",
                ),
                ParsedItem(
                    line=4,
                    artist="The Smashing Pumpkins",
                    title="1979",
                    album="Mellon Collie and the Infinite Sadness",
                    playlist="Old Faves",
                ),
            ],
            [(2, "not a music track (podcast episode)"), (5, "no artist name")],
            ["Summer 2023", "Old Faves"],
        ),
        (
            "YourLibrary.json",
            "spotify_gdpr_library",
            [
                ParsedItem(
                    line=1,
                    artist="Daft Punk",
                    title="One More Time",
                    album="Discovery",
                    spotify_id="0DiWol3AO6WpXZgp0goxAV",
                ),
                ParsedItem(
                    line=2, artist="Röyksopp", title="Eple", album="Melody A.M.", spotify_id="3SeVnTmaP0d5fjD7mUSgBd"
                ),
            ],
            [(3, "no track title")],
            [],
        ),
        (
            "api_items.json",
            "json",
            [
                ParsedItem(
                    line=1,
                    artist="The Killers",
                    title="Mr. Brightside",
                    album="Hot Fuss",
                    artists=("The Killers",),
                    duration_s=222.973,
                    isrc="USIR20400274",
                    spotify_id="3n3Ppam7vgaVa1iaRUc9Lp",
                    track_number=2,
                ),
                ParsedItem(
                    line=2,
                    artist="Luis Fonsi",
                    title="Despacito",
                    album="VIDA",
                    artists=("Luis Fonsi", "Daddy Yankee"),
                    duration_s=229.36,
                    isrc="USUM71607007",
                    spotify_id="6habFhsOp2NvshLv26DqMb",
                ),
            ],
            [(3, "not a music track (episode)")],
            [],
        ),
    ],
)
def test_json_export_gives_items_rejections_and_playlists(name, fmt, items, rejections, playlists):
    result = _read(name)

    assert result.format == fmt
    assert result.items == items
    assert _rejections(result) == rejections
    assert result.playlists == playlists


def test_gdpr_library_saved_albums_and_artists_become_links():
    assert [(link.kind, link.id) for link in _read("YourLibrary.json").links] == [
        ("album", "2noRn2Aes5aoNVsU6iWThc"),
        ("artist", "7w29UYBi0qsHi5RTcv3lmA"),
    ]


@pytest.mark.parametrize(
    ("text", "items", "rejections"),
    [
        (
            '[{"artist": "Nena", "title": "99 Luftballons", "duration": "3:52"}, {"title": "No Artist"}, 7]',
            [ParsedItem(line=1, artist="Nena", title="99 Luftballons", duration_s=232.0)],
            [(2, "no artist name"), (3, "not an object or a text line")],
        ),
        (
            '[{"Artist Name": "Blur", "Track Name": "Song 2", "Album": {"name": "Blur"}, "durationMs": 121000}]',
            [ParsedItem(line=1, artist="Blur", title="Song 2", album="Blur", duration_s=121.0)],
            [],
        ),
        (
            '["Nena - 99 Luftballons", "1979"]',
            [ParsedItem(line=1, artist="Nena", title="99 Luftballons")],
            [(2, NO_SEPARATOR)],
        ),
        (
            '{"name": "Mix", "items": {"items": [{"track": {"name": "Eple", "artists": [{"name": "Röyksopp"}], '
            '"uri": "spotify:track:3SeVnTmaP0d5fjD7mUSgBd"}}]}}',
            [
                ParsedItem(
                    line=1,
                    artist="Röyksopp",
                    title="Eple",
                    artists=("Röyksopp",),
                    spotify_id="3SeVnTmaP0d5fjD7mUSgBd",
                    playlist="Mix",
                )
            ],
            [],
        ),
    ],
)
def test_generic_json_rows_by_alias_and_api_shape(text, items, rejections):
    result = parse_text(text)

    assert result.format == "json"
    assert result.items == items
    assert _rejections(result) == rejections


def test_m3u_playlist_reads_extinf_extart_extalb_and_file_names():
    result = _read("roadtrip.m3u8")

    assert result.format == "m3u"
    assert result.playlists == ["Road Trip"]
    assert result.items == [
        ParsedItem(line=3, artist="Nena", title="99 Luftballons", duration_s=232.0, playlist="Road Trip"),
        ParsedItem(line=5, artist="Blur", title="Song 2", album="Blur", playlist="Road Trip"),
        ParsedItem(line=8, artist="Jay-Z", title="99 Problems", playlist="Road Trip"),
        ParsedItem(line=9, artist="a-ha", title="Take On Me", playlist="Road Trip"),
        ParsedItem(line=10, artist="Daft Punk", title="One More Time", duration_s=320.0, playlist="Road Trip"),
    ]
    assert result.rejected == [
        RejectedLine(line=13, text="intro", reason="no ' - ' between artist and title in #EXTINF or the file name")
    ]


@pytest.mark.parametrize(
    ("path", "artist", "title"),
    [
        ("/srv/music/Nena - 99 Luftballons.flac", "Nena", "99 Luftballons"),
        ("Blur/02 - Blur - Song 2.mp3", "Blur", "Song 2"),
        ("file:///C:/Music/Jay-Z%20-%2099%20Problems.m4a", "Jay-Z", "99 Problems"),
        ("D:\\Music\\01. Wu-Tang Clan - C.R.E.A.M..opus", "Wu-Tang Clan", "C.R.E.A.M."),
        ("https://files.example.net/a-ha%20-%20Take%20On%20Me.mp3?token=1", "a-ha", "Take On Me"),
    ],
)
def test_m3u_without_extinf_uses_the_file_name(path, artist, title):
    result = parse(f"{path}\n".encode(), filename="old.m3u")

    assert result.format == "m3u"
    assert _pairs(result) == [(artist, title)]


def test_m3u_spotify_entry_without_names_is_a_link():
    result = parse_text("#EXTM3U\nhttps://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT\n")

    assert result.items == []
    assert [link.id for link in result.links] == ["4cOdK2wGLETKBW3PvgPWqT"]


@pytest.mark.parametrize(
    ("line", "fmt"),
    [
        ("Nena - 99 Luftballons", "text"),
        ("Artist,Title\nNena,99 Luftballons", "csv"),
        ("title;artist;album;isrc;addedDate;duration;url\n99 Luftballons;Nena;;;;;", "soundiiz"),
        ("#EXTM3U\n#EXTINF:232,Nena - 99 Luftballons\nnena.mp3", "m3u"),
        ('[{"artist": "Nena", "title": "99 Luftballons"}]', "json"),
        ("[3:52] Nena - 99 Luftballons", "text"),
    ],
)
def test_format_is_detected_from_content(line, fmt):
    result = parse_text(line)

    assert result.format == fmt
    assert _pairs(result) == [("Nena", "99 Luftballons")]


def test_ten_thousand_lines_parse_in_linear_time():
    lines = "\n".join(f"{index}. Artist {index} - Title {index} (3:{index % 60:02d})" for index in range(10_000))
    rows = "Artist,Title,Album\n" + "\n".join(f"Artist {index},Title {index},Album" for index in range(10_000))

    started = time.perf_counter()
    text_result = parse(lines.encode())
    csv_result = parse(rows.encode(), filename="big.csv")
    elapsed = time.perf_counter() - started

    assert (len(text_result.items), len(csv_result.items)) == (10_000, 10_000)
    assert elapsed < 2.0


def test_hostile_line_full_of_spaces_stays_fast():
    started = time.perf_counter()
    result = parse_text("a" + " " * 100_000 + "b by" + " -" * 20_000)

    assert time.perf_counter() - started < 2.0
    assert len(result.items) + len(result.rejected) == 1


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("filename", ["", "x.json", "x.csv", "x.m3u", "x.txt"])
def test_random_bytes_give_a_result_or_a_parse_error_never_another_exception(seed, filename):
    rng = random.Random(seed)
    alphabet = b'ab -,;\t\n\r"{}[]:#=\\/\xc3\xa9\xff\x00' if seed % 2 else bytes(range(256))
    data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))

    try:
        result = parse(data, filename=filename)
    except ParseError:
        return
    assert result.format in {
        "csv",
        "exportify",
        "exportify_net",
        "tunemymusic",
        "soundiiz",
        "json",
        "m3u",
        "text",
        "links",
    }
