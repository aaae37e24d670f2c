from __future__ import annotations

import pytest

from media_enrich.lrc import (
    LrcError,
    LyricLine,
    LyricsCandidate,
    choose_lyrics,
    clean_title,
    format_lrc,
    parse_synced,
)

L = LyricLine


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[00:17.12] Salt on the window", [L(17120, "Salt on the window")]),
        ("[00:17.12]Salt", [L(17120, "Salt")]),
        ("[00:17.12]  two spaces", [L(17120, "two spaces")]),
        ("[01:05]Whole seconds", [L(65000, "Whole seconds")]),
        ("[01:05.5]Tenths", [L(65500, "Tenths")]),
        ("[01:05.123]Millis", [L(65123, "Millis")]),
        ("[01:05,12]Comma", [L(65120, "Comma")]),
        ("[1:02:03.45]Hours", [L(3723450, "Hours")]),
        ("[120:00.00]Long", [L(7200000, "Long")]),
        ("[00:41.20][01:55.80]Chorus line", [L(41200, "Chorus line"), L(115800, "Chorus line")]),
        ("[00:10.00]", [L(10000, "")]),
        ("[00:10.00]<00:10.00>Word <00:10.50>by word", [L(10000, "Word by word")]),
        ("\ufeff[00:01.00]BOM", [L(1000, "BOM")]),
        ("[00:02.00]B\r\n[00:01.00]A\r\n", [L(1000, "A"), L(2000, "B")]),
        ("[00:01.00]first\n[00:01.00]same time", [L(1000, "first"), L(1000, "same time")]),
        (
            "[ti:Glass Harbour]\n[ar:Northline]\n[length:03:34]\n[by:someone]\nplain line\n[00:05.00]Go",
            [L(5000, "Go")],
        ),
        ("[offset:+500]\n[00:05.00]Earlier", [L(4500, "Earlier")]),
        ("[00:05.00]Later\n[offset:-250]", [L(5250, "Later")]),
        ("[offset:+9000]\n[00:05.00]Clamped", [L(0, "Clamped")]),
        ("[offset:abc]\n[00:05.00]Bad offset ignored", [L(5000, "Bad offset ignored")]),
        ("[00:75.00]bad seconds\n[00:01.00]ok", [L(1000, "ok")]),
    ],
)
def test_parse_synced_table(text, expected):
    assert parse_synced(text) == expected


@pytest.mark.parametrize("text", ["", "Just plain lyrics\nNo timing", "[ti:Title]\n[ar:Artist]", "[00:99.00]x"])
def test_parse_synced_without_timed_line_raises(text):
    with pytest.raises(LrcError, match="no timed line"):
        parse_synced(text)


def test_lrc_error_is_a_value_error():
    assert issubclass(LrcError, ValueError)


def test_format_lrc_writes_header_and_centiseconds():
    lines = [L(0, "Intro"), L(17125, "Salt on the window"), L(20480, ""), L(65004, "Tail")]

    text = format_lrc(lines, title="Glass Harbour", artist="Northline", album="Tidal Lines", length_s=214.4)

    assert text == (
        "[ti:Glass Harbour]\n[ar:Northline]\n[al:Tidal Lines]\n[length:03:34]\n[by:Harmony]\n"
        "[00:00.00]Intro\n[00:17.13]Salt on the window\n[00:20.48]\n[01:05.00]Tail\n"
    )


@pytest.mark.parametrize(
    ("at_ms", "stamp"),
    [
        (0, "00:00.00"),
        (5, "00:00.01"),
        (4, "00:00.00"),
        (59995, "01:00.00"),
        (600000, "10:00.00"),
        (6000000, "100:00.00"),
    ],
)
def test_format_lrc_stamp_table(at_ms, stamp):
    assert format_lrc([L(at_ms, "x")], title="", artist="").splitlines()[-1] == f"[{stamp}]x"


def test_format_lrc_omits_unknown_header_values_and_sorts():
    text = format_lrc([L(2000, "b"), L(1000, "a")], title="T", artist="A", album="", length_s=0)

    assert text == "[ti:T]\n[ar:A]\n[by:Harmony]\n[00:01.00]a\n[00:02.00]b\n"


def test_format_lrc_keeps_each_line_on_one_line():
    text = format_lrc([L(1000, "two\nlines")], title="a\nb", artist="A", length_s=None)

    assert text == "[ti:a b]\n[ar:A]\n[by:Harmony]\n[00:01.00]two lines\n"


def test_format_lrc_round_trips_through_parse_synced():
    original = "[00:17.12] Salt on the window\n[00:20.48] Lights on the pier\n[00:41.20][01:55.80]Chorus\n[02:00.00]"

    lines = parse_synced(format_lrc(parse_synced(original), title="T", artist="A", length_s=214))

    assert lines == parse_synced(original)


def test_format_lrc_is_bom_free_utf8():
    text = format_lrc([L(0, "坂本龍一")], title="Sigur Rós", artist="P!nk")

    assert text.encode("utf-8").startswith(b"[ti:Sigur R\xc3\xb3s]")


SYNCED = "[00:10.00] one\n[03:20.00] last"
LATE_SYNCED = "[00:10.00] one\n[04:10.00] after our end"


def cand(id_, *, duration=214.0, synced=SYNCED, plain="one\nlast", album="Tidal Lines", instrumental=False):
    return LyricsCandidate(
        id=id_,
        track="Glass Harbour",
        artist="Northline",
        album=album,
        duration_s=duration,
        instrumental=instrumental,
        plain=plain,
        synced=synced,
    )


@pytest.mark.parametrize(
    ("candidates", "duration_s", "album", "expected_id"),
    [
        ([], 214.0, "", None),
        ([cand(1)], 214.0, "", 1),
        ([cand(1, plain=None, synced=None)], 214.0, "", None),
        ([cand(1, plain="  ", synced="")], 214.0, "", None),
        ([cand(1, synced=None), cand(2)], 214.0, "", 2),
        ([cand(1, duration=216.0), cand(2, duration=213.0)], 214.0, "", 2),
        ([cand(1, duration=225.0)], 214.0, "", None),
        ([cand(1, duration=224.7)], 214.0, "", 1),
        ([cand(1, duration=223.0)], 200.0, "", None),
        ([cand(1, duration=209.0)], 200.0, "", 1),
        ([cand(1, duration=11.0, synced="[00:01.00]a")], 10.0, "", 1),
        ([cand(1, duration=None), cand(2, duration=215.5)], 214.0, "", 2),
        ([cand(1, duration=None)], 214.0, "", 1),
        ([cand(1, duration=300.0)], None, "", 1),
        ([cand(1, album="Other"), cand(2, album="tidal lines")], 214.0, "Tidal Lines", 2),
        ([cand(1, album="Other"), cand(2, album="Tídal  Lînes")], 214.0, "tidal lines", 2),
        ([cand(1, album="Other"), cand(2, album="Tidal Lines")], 214.0, "", 1),
        ([cand(1, duration=214.0, synced=None), cand(2, duration=215.9)], 214.0, "", 2),
        ([cand(1, synced="not lrc", plain=None), cand(2, synced=None)], 214.0, "", 2),
    ],
)
def test_choose_lyrics_table(candidates, duration_s, album, expected_id):
    chosen = choose_lyrics(candidates, duration_s=duration_s, album=album)

    assert (chosen.id if chosen else None) == expected_id


def test_choose_lyrics_late_synced_competes_as_plain():
    chosen = choose_lyrics([cand(1, synced=LATE_SYNCED)], duration_s=214.0)

    assert chosen == cand(1, synced=None)


def test_choose_lyrics_late_synced_without_plain_is_dropped():
    assert choose_lyrics([cand(1, synced=LATE_SYNCED, plain=None)], duration_s=214.0) is None


def test_choose_lyrics_late_synced_loses_to_valid_synced():
    chosen = choose_lyrics([cand(1, synced=LATE_SYNCED), cand(2, duration=215.0)], duration_s=214.0)

    assert chosen == cand(2, duration=215.0)


def test_choose_lyrics_unparseable_synced_falls_back_to_plain():
    chosen = choose_lyrics([cand(1, synced="no timestamps here")], duration_s=214.0)

    assert chosen == cand(1, synced=None)


def _instrumental(id_, duration=214.0):
    return cand(id_, duration=duration, synced=None, plain=None, instrumental=True)


@pytest.mark.parametrize(
    ("candidates", "duration_s", "expected_id"),
    [
        ([_instrumental(1)], 214.0, 1),
        ([_instrumental(1, 216.5), _instrumental(2, 214.5)], 214.0, 2),
        ([_instrumental(1), cand(2, duration=215.0)], 214.0, 2),
        ([_instrumental(1), cand(2, duration=230.0)], 214.0, 1),
        ([_instrumental(1, 230.0)], 214.0, None),
        ([_instrumental(1, None)], 214.0, None),
        ([_instrumental(1)], None, None),
    ],
)
def test_choose_lyrics_instrumental_table(candidates, duration_s, expected_id):
    chosen = choose_lyrics(candidates, duration_s=duration_s)

    assert (chosen.id if chosen else None) == expected_id


def test_choose_lyrics_instrumental_flag_with_text_counts_as_lyrics():
    candidate = cand(1, instrumental=True)

    assert choose_lyrics([candidate], duration_s=None) == candidate


@pytest.mark.parametrize(
    ("title", "wanted", "expected"),
    [
        ("Glass Harbour (feat. Someone)", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour [feat. Someone]", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour (Feat. A & B)", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour (featuring Someone)", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour ft. Someone", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour feat. Someone - Remastered 2011", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour ft. Someone (Live)", "Glass Harbour (Live)", "Glass Harbour (Live)"),
        ("Glass Harbour - Remastered 2011", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour - 2011 Remaster", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour - Remastered", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour (2011 Remaster)", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour [Remastered 2009]", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour (Live)", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour (Live at Wembley)", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour - Live", "Glass Harbour", "Glass Harbour"),
        ("Glass Harbour (Live)", "Glass Harbour (Live)", "Glass Harbour (Live)"),
        ("Glass Harbour - Live", "Glass Harbour - Live at the BBC", "Glass Harbour - Live"),
        ("Live and Let Die", "Live and Let Die", "Live and Let Die"),
        ("Deliver Us", "Deliver Us", "Deliver Us"),
        ("Left Behind", "Left Behind", "Left Behind"),
        ("(feat. Someone)", "x", "(feat. Someone)"),
    ],
)
def test_clean_title_table(title, wanted, expected):
    assert clean_title(title, wanted=wanted) == expected
