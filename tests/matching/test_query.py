"""Query texts and identity keys (pure)."""

from __future__ import annotations

import pytest

from matching.query import album_key, album_query, clean_title, identity_key, track_queries

BLOCKED = ["the beatles", "pink floyd"]


@pytest.mark.parametrize(
    ("artist", "title", "album", "expected"),
    [
        ("Daft Punk", "One More Time", "Discovery", ["daft punk one more time", "one more time"]),
        ("Daft Punk", "Aerodynamic", "Discovery", ["daft punk aerodynamic", "aerodynamic discovery", "aerodynamic"]),
        ("The Beatles", "Let It Be - Remastered 2009", "", ["*eatles let it be", "let it be"]),
        ("Pink Floyd", "Time", "", ["*ink *loyd time"]),
        ("Outkast", "Hey Ya!", "", ["outkast hey ya", "hey ya"]),
        ("Jay-Z", "Izzo (H.O.V.A.)", "", ["jay izzo"]),
        ("Mark Ronson", "Uptown Funk (feat. Bruno Mars)", "", ["mark ronson uptown funk", "uptown funk"]),
        ("Björk", "Jóga", "Homogenic", ["björk jóga", "jóga homogenic"]),
        (
            "Depeche Mode",
            "Enjoy the Silence (Single Version)",
            "",
            ["depeche mode enjoy the silence single version", "enjoy the silence single version"],
        ),
    ],
)
def test_track_queries(artist, title, album, expected):
    assert track_queries(artist, title, album, blocked_artists=BLOCKED) == expected


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Paint It Black - 2011 Remaster", "Paint It Black"),
        ("Heroes (Remastered 2017)", "Heroes"),
        ("Bad Guy (with Justin Bieber)", "Bad Guy"),
        ("Love Will Tear Us Apart", "Love Will Tear Us Apart"),
        ("Enjoy the Silence (Single Version)", "Enjoy the Silence (Single Version)"),
        ("Live Forever (Remastered)", "Live Forever"),
    ],
)
def test_clean_title_drops_credits_and_remaster_notes_only(title, clean):
    assert clean_title(title) == clean


def test_identity_keeps_every_word_and_ignores_case_and_punctuation():
    assert identity_key("Outkast", "Hey Ya!") == identity_key("OutKast", "hey ya")
    assert identity_key("Artist", "Part 1") != identity_key("Artist", "Part 2")
    assert identity_key("A", "Song (feat. B)") == identity_key("A", "Song")
    assert identity_key("A", "Song (Live)") != identity_key("A", "Song")


def test_album_query_and_key():
    assert album_query("The Beatles", "Abbey Road", blocked_artists=BLOCKED) == "*eatles abbey road"
    assert album_key("Radiohead", "OK Computer") == album_key("radiohead", "OK computer!")
    assert album_key("Radiohead", "  ") == ""
