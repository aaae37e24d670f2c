from __future__ import annotations

import random
import re
from pathlib import PurePosixPath

import pytest

from media_enrich.paths import (
    DEFAULT_TEMPLATE,
    PathFields,
    TemplateError,
    album_from_remote_path,
    guess_album_from_folder,
    render_path,
    sanitize_component,
    validate_template,
)

CYRILLIC_300_BYTES = "Я" * 150


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("坂本龍一", "坂本龍一"),
        ("P!nk", "P!nk"),
        ("Mr. Brightside", "Mr. Brightside"),
        ("Sigur Rós", "Sigur Rós"),
        ("Panic! at the Disco", "Panic! at the Disco"),
        ("AC/DC", "AC_DC"),
        ("Back\\Slash", "Back_Slash"),
        ("Live: Tokyo 1985", "Live - Tokyo 1985"),
        ("12:34", "12-34"),
        ("Where Is My Mind?", "Where Is My Mind"),
        ('Say "Hello"', "Say 'Hello'"),
        ("<Unknown Album>", "(Unknown Album)"),
        ("Star*", "Star_"),
        ("This | That", "This - That"),
        ("Tab\there\nnewline", "Tab here newline"),
        ("nul\x00byte\x07bell\x7f", "nulbytebell"),
        ("Trailing dots...", "Trailing dots"),
        ("  padded  ", "padded"),
        ("Ends with dot. . ", "Ends with dot"),
        ("...And Justice for All", "And Justice for All"),
        ("double   space", "double space"),
        ("", "_"),
        ("   ", "_"),
        (".", "_"),
        ("..", "_"),
        ("?", "_"),
        ("CON", "CON_"),
        ("con", "con_"),
        ("Aux.txt", "Aux_.txt"),
        ("COM1", "COM1_"),
        ("LPT9", "LPT9_"),
        ("nul.", "nul_"),
        ("Con Air", "Con Air"),
        ("CONCERT", "CONCERT"),
        ("COM0", "COM0"),
        ("Cafe\u0301", "Café"),
    ],
)
def test_sanitize_component_table(text, expected):
    assert sanitize_component(text) == expected


def test_sanitize_component_nfc_normalises():
    assert sanitize_component("Sigur Ro\u0301s") == "Sigur R\u00f3s"


def test_sanitize_component_caps_bytes_without_cutting_a_character():
    result = sanitize_component(CYRILLIC_300_BYTES + "Ж")

    assert result == "Я" * 100
    assert len(result.encode("utf-8")) == 200


def test_sanitize_component_cap_on_odd_byte_boundary_drops_partial_character():
    assert sanitize_component("a" + "Я" * 150, max_bytes=200) == "a" + "Я" * 99


def test_sanitize_component_cap_then_strips_trailing_dot():
    assert sanitize_component("a" * 199 + ". tail", max_bytes=200) == "a" * 199


def _fields(**overrides) -> PathFields:
    base = {
        "artist": "Radiohead",
        "album": "OK Computer",
        "title": "Paranoid Android",
        "track_number": 2,
        "track_total": 12,
        "ext": "flac",
    }
    return PathFields(**(base | overrides))


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "Radiohead/OK Computer/02 - Paranoid Android.flac"),
        ({"ext": ".FLAC"}, "Radiohead/OK Computer/02 - Paranoid Android.flac"),
        ({"ext": "mp3"}, "Radiohead/OK Computer/02 - Paranoid Android.mp3"),
        ({"track_number": None}, "Radiohead/OK Computer/Paranoid Android.flac"),
        ({"track_number": 0}, "Radiohead/OK Computer/Paranoid Android.flac"),
        ({"track_number": 7, "track_total": 120}, "Radiohead/OK Computer/007 - Paranoid Android.flac"),
        ({"track_number": 7, "track_total": None}, "Radiohead/OK Computer/07 - Paranoid Android.flac"),
        ({"disc_number": 2, "disc_total": 2}, "Radiohead/OK Computer/2-02 - Paranoid Android.flac"),
        ({"disc_number": 1, "disc_total": 1}, "Radiohead/OK Computer/02 - Paranoid Android.flac"),
        ({"disc_number": 2, "disc_total": None}, "Radiohead/OK Computer/02 - Paranoid Android.flac"),
        (
            {"disc_number": 2, "disc_total": 3, "track_number": None},
            "Radiohead/OK Computer/2-Paranoid Android.flac",
        ),
        ({"album_artist": "Various", "artist": "X"}, "Various/OK Computer/02 - Paranoid Android.flac"),
        ({"compilation": True, "album_artist": "X"}, "Various Artists/OK Computer/02 - Paranoid Android.flac"),
        ({"album": ""}, "Radiohead/(Unknown Album)/02 - Paranoid Android.flac"),
        ({"artist": ""}, "(Unknown Artist)/OK Computer/02 - Paranoid Android.flac"),
        (
            {"artist": "AC/DC", "album": "Back in Black", "title": "Hells Bells"},
            "AC_DC/Back in Black/02 - Hells Bells.flac",
        ),
        (
            {"artist": "坂本龍一", "album": "音楽図鑑", "title": "Tibetan Dance"},
            "坂本龍一/音楽図鑑/02 - Tibetan Dance.flac",
        ),
        ({"artist": "The Killers", "title": "Mr. Brightside"}, "The Killers/OK Computer/02 - Mr. Brightside.flac"),
        ({"title": "CON"}, "Radiohead/OK Computer/02 - CON_.flac"),
        ({"track_number": None, "title": "CON"}, "Radiohead/OK Computer/CON_.flac"),
        ({"album": "Album..."}, "Radiohead/Album/02 - Paranoid Android.flac"),
        ({"album": ".."}, "Radiohead/_/02 - Paranoid Android.flac"),
        ({"title": "../../etc/passwd"}, "Radiohead/OK Computer/02 - _.._etc_passwd.flac"),
        ({"ext": ""}, "Radiohead/OK Computer/02 - Paranoid Android"),
        ({"ext": "fl/ac"}, "Radiohead/OK Computer/02 - Paranoid Android.flac"),
    ],
)
def test_render_path_default_template(overrides, expected):
    assert render_path(DEFAULT_TEMPLATE, _fields(**overrides)) == PurePosixPath(expected)


@pytest.mark.parametrize(
    ("template", "overrides", "expected"),
    [
        (
            "{artist}/{year} - {album}/{track} {title}",
            {"year": 1997},
            "Radiohead/1997 - OK Computer/02 Paranoid Android.flac",
        ),
        (
            "{artist}/{year} - {album}/{track} {title}",
            {"year": "1997"},
            "Radiohead/1997 - OK Computer/02 Paranoid Android.flac",
        ),
        ("{artist}/[{year} - ]{album}/{title}", {"year": None}, "Radiohead/OK Computer/Paranoid Android.flac"),
        ("{year}/{title}", {"year": None}, "Paranoid Android.flac"),
        (
            "{album}/[Disc {disc}/]{track} - {title}",
            {"disc_number": 2, "disc_total": 2},
            "OK Computer/Disc 2/02 - Paranoid Android.flac",
        ),
        ("{album}/[Disc {disc}/]{track} - {title}", {}, "OK Computer/02 - Paranoid Android.flac"),
        ("{album} ({ext})/{title}", {}, "OK Computer (flac)/Paranoid Android.flac"),
        ("{artist}: {album}/{title}", {}, "Radiohead - OK Computer/Paranoid Android.flac"),
    ],
)
def test_render_path_custom_templates(template, overrides, expected):
    assert render_path(template, _fields(**overrides)) == PurePosixPath(expected)


def test_render_path_caps_file_name_outside_extension():
    path = render_path(DEFAULT_TEMPLATE, _fields(title=CYRILLIC_300_BYTES, track_number=None))

    assert path.name == "Я" * 100 + ".flac"
    assert path.parent == PurePosixPath("Radiohead/OK Computer")


def test_render_path_caps_the_assembled_component():
    path = render_path(DEFAULT_TEMPLATE, _fields(title="x" * 199))

    assert path.name == "02 - " + "x" * 195 + ".flac"


@pytest.mark.parametrize(
    "template", [DEFAULT_TEMPLATE, "{title}", "{artist}/{album} ({year})/[{disc}-][{track} ]{title}"]
)
def test_validate_template_accepts(template):
    validate_template(template)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{albumartist}/{albun}/{title}", "unknown field {albun}"),
        ("{artist}/[{track} - {title}", "'[' without ']'"),
        ("{artist}/{track} - ]{title}", "']' without '['"),
        ("{artist}/[[{track}] ]{title}", "cannot be nested"),
        ("{artist}/{album/{title}", "stray '{'"),
        ("{artist}/album}/{title}", "stray '}'"),
        ("/music/{artist}/{title}", "relative"),
        ("C:/music/{title}", "relative"),
        ("{artist}/../{title}", "'..'"),
        ("../{title}", "'..'"),
        ("{artist}/./{title}", "'.'"),
        ("{artist}//{title}", "empty folder name"),
        ("{artist}/{title}/", "empty folder name"),
        ("{artist}/{album}", "must contain {title}"),
        ("{title}/{track}", "file name"),
        ("{artist}\\{title}", "not \\"),
        ("", "empty"),
        ("{artist}/[ - ]{title}", "holds no {field}"),
    ],
)
def test_validate_template_rejects(template, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        validate_template(template)


def test_template_error_is_a_value_error():
    assert issubclass(TemplateError, ValueError)


def test_render_path_rejects_invalid_template():
    with pytest.raises(TemplateError):
        render_path("{nope}/{title}", _fields())


_HOSTILE = "aZ09 ./\\:*?\"<>|\x00\x01\x1f\x7f\t\n…éЯ坂\u0301\u200b-_()[]{}!'" + "CONPRNAUXNUL"


def test_render_path_property_never_yields_unsafe_components():
    rng = random.Random(20261125)
    for _ in range(2000):
        values = ["".join(rng.choice(_HOSTILE) for _ in range(rng.randint(0, 40))) for _ in range(4)]
        if rng.random() < 0.05:
            values[rng.randrange(4)] = rng.choice(["..", ".", "CON", "nul.txt", " . ", "Я" * rng.randint(90, 200)])
        fields = PathFields(
            artist=values[0],
            album_artist=values[1],
            album=values[2],
            title=values[3],
            track_number=rng.choice([None, 0, 1, 7, 42, 123]),
            track_total=rng.choice([None, 10, 150]),
            disc_number=rng.choice([None, 1, 2]),
            disc_total=rng.choice([None, 1, 2]),
            year=rng.choice([None, 1997]),
            compilation=rng.random() < 0.1,
            ext=rng.choice(["flac", "MP3", "", "m4a"]),
        )

        path = render_path(DEFAULT_TEMPLATE, fields)

        assert not path.is_absolute()
        for index, part in enumerate(path.parts):
            stem = part.rsplit(".", 1)[0] if index == len(path.parts) - 1 and fields.ext else part
            assert part not in ("", ".", "..")
            assert "/" not in part
            assert "\x00" not in part
            assert part == part.strip(" ")
            assert not part.endswith(".")
            assert len(stem.encode("utf-8")) <= 200
        assert len(path.parts) == 3


@pytest.mark.parametrize(
    ("folder", "artist", "expected"),
    [
        ("1997 - OK Computer [FLAC]", "", "OK Computer"),
        ("Radiohead - OK Computer (1997) [320]", "Radiohead", "OK Computer"),
        ("Radiohead - OK Computer (1997) [320]", "", "Radiohead - OK Computer"),
        ("radiohéad - OK Computer", "Radiohead", "OK Computer"),
        ("OK Computer (Remastered) {2009}", "", "OK Computer"),
        ("OK Computer (2017 Remaster) [24-96]", "", "OK Computer"),
        ("OK Computer (Deluxe Edition)", "", "OK Computer"),
        ("OK Computer - 1997", "", "OK Computer"),
        ("Radiohead - 1997 - OK Computer", "Radiohead", "OK Computer"),
        ("(What's the Story) Morning Glory?", "Oasis", "(What's the Story) Morning Glory?"),
        ("Live at Budokan (Live)", "", "Live at Budokan (Live)"),
        ("[Untitled]", "", "[Untitled]"),
        ("Sigur Rós - ( )", "Sigur Rós", "( )"),
        ("Radiohead", "Radiohead", ""),
        ("Music", "", ""),
        ("Downloads", "", ""),
        ("complete", "", ""),
        ("CD1", "", ""),
        ("CD 2", "", ""),
        ("Disc 2", "", ""),
        ("disk1", "", ""),
        ("FLAC", "", ""),
        ("mp3", "", ""),
        ("MP3 320", "", ""),
        ("FLAC 24-96", "", ""),
        ("@@abcde", "", ""),
        ("C:", "", ""),
        ("1997", "", ""),
        ("", "", ""),
        ("   ", "", ""),
        ("x" * 256, "", ""),
        ("a" + " " * 100_000 + "[x]", "", ""),
    ],
)
def test_guess_album_from_folder_table(folder, artist, expected):
    assert guess_album_from_folder(folder, artist=artist) == expected


@pytest.mark.parametrize(
    ("remote_path", "artist", "expected"),
    [
        ("@@abcde\\Music\\Radiohead\\OK Computer\\CD1\\01 - Airbag.flac", "Radiohead", "OK Computer"),
        ("@@abcde/Music/Radiohead/OK Computer (1997) [FLAC]/01 - Airbag.flac", "Radiohead", "OK Computer"),
        ("@@abcde\\Radiohead - OK Computer\\FLAC\\Disc 1\\01.flac", "Radiohead", "OK Computer"),
        ("@@abcde\\Music\\01 - Airbag.flac", "Radiohead", ""),
        ("@@abcde\\Radiohead\\01 - Airbag.flac", "Radiohead", ""),
        ("C:\\Users\\me\\Music\\CD2\\01.flac", "", ""),
        ("01 - Airbag.flac", "", ""),
        ("", "", ""),
        ("\\\\..\\..\\OK Computer\\01.flac", "", "OK Computer"),
        ("\\".join(["a" + " " * 50_000 + "[x]"] * 20) + "\\01.flac", "", ""),
    ],
)
def test_album_from_remote_path_table(remote_path, artist, expected):
    assert album_from_remote_path(remote_path, artist=artist) == expected
