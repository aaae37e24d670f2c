"""Correctness and speed of `matching.scoring.rank`, run on demand: `python benchmarks/scoring_bench.py`.

(a) replays the labelled table tests/data/policy_cases.json and lists any case it gets wrong;
(b) ranks a generated pool shaped like one popular search (200 peers x ~50 files sharing album folders, mostly
other tracks, some versions, a few copies of the wanted track) on one core and prints candidates per second.
The process-wide folder caches are cleared before every timed run, so each run pays for its folders.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching import normalize  # noqa: E402 - the path is set just above
from matching.scoring import (  # noqa: E402
    Candidate,
    PeerRecord,
    Policy,
    Ranking,
    Wanted,
    candidates_from_responses,
    rank,
)

CASES_PATH = ROOT / "tests" / "data" / "policy_cases.json"
REQUIRED_PER_SECOND = 50_000


def run_case(case: dict[str, Any]) -> Ranking:
    wanted = case["wanted"]
    policy = case.get("policy", {})
    return rank(
        Wanted(**{**wanted, "artists": tuple(wanted.get("artists", ()))}),
        candidates_from_responses(case["responses"]),
        policy=Policy(
            **{
                **policy,
                **({"ladder": tuple(policy["ladder"])} if "ladder" in policy else {}),
                **({"banned_users": frozenset(policy["banned_users"])} if "banned_users" in policy else {}),
            }
        ),
        peers={name: PeerRecord(**record) for name, record in case.get("peers", {}).items()},
    )


def case_errors(case: dict[str, Any]) -> list[str]:
    ranking = run_case(case)
    errors = []
    pick = ranking.pick
    got_pick = pick and {"username": pick.candidate.username, "filename": pick.candidate.filename}
    if got_pick != case["expect_pick"]:
        errors.append(f"pick {got_pick} != expected {case['expect_pick']}")
    got: dict[str, list[str]] = {}
    for r in ranking.rejected:
        got.setdefault(f"{r.candidate.username}|{r.candidate.filename}", []).extend(r.reasons)
    expected = {key: sorted(reasons) for key, reasons in case["expect_rejected"].items()}
    if {key: sorted(reasons) for key, reasons in got.items()} != expected:
        errors.append(f"rejected {got} != expected {case['expect_rejected']}")
    order = [f"{s.candidate.username}|{s.candidate.filename}" for s in ranking.ranked]
    if "expect_ranked" in case and order[: len(case["expect_ranked"])] != case["expect_ranked"]:
        errors.append(f"ranked {order} != expected {case['expect_ranked']}")
    return errors


WANTED = Wanted(artist="Joy Division", title="Love Will Tear Us Apart", album="Substance", duration_s=204)
# One line per album: "Album (year): track | track | ...".
_ALBUM_TABLE = """
Substance (1988): Warsaw | Leaders of Men | Digital | Autosuggestion | Transmission | She's Lost Control
Substance (1988): Incubation | Dead Souls | Atmosphere | Love Will Tear Us Apart | No Love Lost | Failures
Substance (1988): Glass | From Safety to Where...? | Novelty | These Days | Komakino
Unknown Pleasures (1979): Disorder | Day of the Lords | Candidate | Insight | New Dawn Fades
Unknown Pleasures (1979): She's Lost Control | Shadowplay | Wilderness | Interzone | I Remember Nothing
Closer (1980): Atrocity Exhibition | Isolation | Passover | Colony | A Means to an End | Heart and Soul
Closer (1980): Twenty Four Hours | The Eternal | Decades
Still (1981): Exercise One | Ice Age | The Sound of Music | Glass | The Only Mistake | Walked in Line
Still (1981): The Kill | Something Must Break | Dead Souls | Sister Ray | Ceremony | Shadowplay
Still (1981): A Means to an End | Passover | New Dawn Fades | Twenty Four Hours | Transmission | Disorder
Still (1981): Isolation | Decades
Still (1981): Digital | Love Will Tear Us Apart
"""
ALBUMS: dict[tuple[str, int], list[str]] = {}
for _line in _ALBUM_TABLE.strip().splitlines():
    _album, _, _tracks = _line.partition(": ")
    _name, _, _year = _album.rpartition(" (")
    ALBUMS.setdefault((_name, int(_year.rstrip(")"))), []).extend(_tracks.split(" | "))
ALBUM_FOLDERS = [
    "{root}\\Joy Division\\{year} - {album} [{fmt}]",
    "{root}\\Music\\Joy Division\\{album} ({year})",
    "{root}\\Joy Division - {album} ({year}) [{fmt}]",
    "{root}\\Joy Division\\{album} (Vinyl Rip 24-96)",
    "{root}\\Joy Division\\{album} ({year} Remaster) {{{fmt}}}",
]
# Where a track search ("joy division love will tear us apart") finds the wanted title: the right recording in
# albums, compilations and singles, and the wrong ones in live, karaoke, cover and remix folders.
TRACK_FOLDERS = [
    ("{root}\\Joy Division\\Substance ({year}) [{fmt}]", "right"),
    ("{root}\\Joy Division\\Love Will Tear Us Apart (single, 1980)", "single"),
    ("{root}\\Various Artists\\Post-Punk Classics ({year})", "compilation"),
    ("{root}\\Joy Division\\Heart and Soul (Box Set)\\CD{disc}", "right"),
    ("{root}\\Joy Division\\Live\\1980-05-02 Birmingham", "wrong"),
    ("{root}\\Karaoke Hits\\Vol. {disc}", "wrong"),
    ("{root}\\Joy Division\\Love Will Tear Us Apart (Remixes)", "wrong"),
    ("{root}\\Covers\\Paul Young\\No Parlez", "wrong"),
]
NAMES = [
    "{n:02d} - {title}",
    "{n:02d}. {title}",
    "{n} {title}",
    "Joy Division - {title}",
    "{n:02d} - Joy Division - {title}",
    "A{n}. {title}",
    "1-{n:02d} {title}",
    "{title}",
]
EXTRA = ["", "", " (2010 Remaster)", " [Live]", " (Radio Edit)", " (Paul Young cover)", " (Karaoke Version)"]


def audio_file(rng: random.Random, path: str, fmt: str, length: int) -> dict[str, Any]:
    if fmt == "FLAC":
        return {
            "filename": f"{path}.flac",
            "size": int(rng.uniform(700, 1100) * 125 * length),
            "length": length,
            "sampleRate": 44100,
            "bitDepth": 16,
            "extension": "flac",
            "code": 1,
            "isLocked": False,
        }
    bit_rate, vbr = {"MP3 320": (320, False), "V0": (rng.randint(225, 260), True), "128": (128, False)}[fmt]
    size = bit_rate * 125 * length + rng.randint(5_000, 80_000)
    if rng.random() < 0.03:
        size //= 3  # truncated
    return {
        "filename": f"{path}.mp3",
        "size": size,
        "length": length,
        "bitRate": bit_rate,
        "isVariableBitRate": vbr,
        "extension": rng.choice(["mp3", ""]),
        "code": 1,
        "isLocked": False,
    }


def _album_files(rng: random.Random, root: str, naming: str) -> list[dict[str, Any]]:
    (album, year), titles = rng.choice(list(ALBUMS.items()))
    fmt = rng.choice(["FLAC", "MP3 320", "V0", "128"])
    folder = rng.choice(ALBUM_FOLDERS).format(root=root, year=year, album=album, fmt=fmt)
    files = []
    for n, title in enumerate(titles, start=1):
        length = 204 if title == "Love Will Tear Us Apart" else rng.randint(150, 400)
        files.append(audio_file(rng, f"{folder}\\{naming.format(n=n, title=title)}", fmt, length))
    return [*files, {"filename": f"{folder}\\cover.jpg", "size": 120_000, "extension": "jpg", "code": 1}]


def _track_files(rng: random.Random, root: str, naming: str) -> list[dict[str, Any]]:
    template, kind = rng.choice(TRACK_FOLDERS)
    fmt = rng.choice(["FLAC", "MP3 320", "MP3 320", "V0", "128"])
    folder = template.format(root=root, year=rng.choice([1988, 2004, 2015]), fmt=fmt, disc=rng.randint(1, 4))
    files = []
    for n in range(1, rng.randint(2, 5)):
        title = "Love Will Tear Us Apart" + (rng.choice(EXTRA) if kind == "wrong" else rng.choice(EXTRA[:3]))
        stem = naming.format(n=n, title=title)
        if kind == "compilation":
            stem = f"{n:02d} - Joy Division - {title}"
        length = rng.randint(180, 300) if kind == "wrong" else 204 + rng.choice([0, 0, 0, 1, -1, 2, 9, 30])
        files.append(audio_file(rng, f"{folder}\\{stem}", fmt, length))
    return files


def generate_responses(
    seed: int = 1, peers: int = 200, files_per_peer: int = 50, *, unique_names: bool = False
) -> list[dict[str, Any]]:
    """Half the peers answer like an album search (whole folders), half like a track search (many copies).

    `unique_names` gives (nearly) every file its own name (disc-track prefix, remaster year in brackets): it
    defeats the per-call memo of file names and sends every name through the slow bracket/segment analysis.
    """
    rng = random.Random(seed)
    responses = []
    for p in range(peers):
        soulseekqt_root = "@@" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=5))
        drive_root = f"D:\\MP3\\{rng.choice(['Rock', 'Indie', 'Post-Punk'])}"
        root = rng.choice([soulseekqt_root, "Music", "Shared", drive_root, "downloads\\complete"])
        naming = rng.choice(NAMES)
        make = _album_files if p % 2 else _track_files
        files: list[dict[str, Any]] = []
        while len(files) < files_per_peer:
            files.extend(make(rng, root, naming))
        if unique_names:
            for f in files:
                folder, _, name = f["filename"].rpartition("\\")
                stem, _, ext = name.rpartition(".")
                tag = f"({rng.randint(1950, 2049)} Remaster)"
                f["filename"] = f"{folder}\\{rng.randint(1, 9)}-{rng.randint(1, 99):02d} {stem} {tag}.{ext}"
        responses.append(
            {
                "username": f"peer{p:03d}_{rng.randint(0, 9999)}",
                "files": files[:files_per_peer],
                "lockedFiles": [],
                "hasFreeUploadSlot": rng.random() < 0.6,
                "queueLength": rng.choice([0, 0, 1, 4, 12, 150]),
                "uploadSpeed": rng.choice([0, 30_000, 400_000, 2_500_000]),
                "token": 1,
                "fileCount": files_per_peer,
                "lockedFileCount": 0,
            }
        )
    return responses


def clear_caches() -> None:
    normalize.component.cache_clear()
    normalize.directory_components.cache_clear()


def time_rank(candidates: list[Candidate], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        clear_caches()
        start = time.perf_counter()
        rank(WANTED, candidates)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--peers", type=int, default=200)
    parser.add_argument("--files-per-peer", type=int, default=50)
    args = parser.parse_args()

    cases = json.loads(CASES_PATH.read_text(encoding="utf-8"))
    wrong = {case["name"]: errors for case in cases if (errors := case_errors(case))}
    print(f"policy_cases_right: {len(cases) - len(wrong)}/{len(cases)}")
    for name, errors in wrong.items():
        print(f"policy_case_wrong: {name}: {'; '.join(errors)}")

    responses = generate_responses(peers=args.peers, files_per_peer=args.files_per_peer)
    start = time.perf_counter()
    candidates = candidates_from_responses(responses)
    parse_seconds = time.perf_counter() - start
    ranking = rank(WANTED, candidates)
    seconds = time_rank(candidates, args.runs)
    best, median = min(seconds), statistics.median(seconds)
    unique = candidates_from_responses(
        generate_responses(peers=args.peers, files_per_peer=args.files_per_peer, unique_names=True)
    )
    unique_seconds = statistics.median(time_rank(unique, args.runs))
    print(f"pool_candidates: {len(candidates)}")
    print(f"pool_ranked: {len(ranking.ranked)}")
    print(f"pool_rejected: {len(ranking.rejected)}")
    print(f"pool_distinct_folders: {len({c.filename.rpartition(chr(92))[0] for c in candidates})}")
    print(f"responses_parsed_per_second: {len(candidates) / parse_seconds:.0f}")
    print(f"rank_seconds_best: {best:.4f}")
    print(f"rank_seconds_median: {median:.4f}")
    print(f"candidates_per_second_best: {len(candidates) / best:.0f}")
    print(f"candidates_per_second: {len(candidates) / median:.0f}")
    print(f"candidates_per_second_required: {REQUIRED_PER_SECOND}")
    print(f"unique_names_distinct_file_names: {len({c.filename.rpartition(chr(92))[2] for c in unique})}")
    print(f"unique_names_candidates_per_second: {len(unique) / unique_seconds:.0f}")
    return 0 if not wrong and len(candidates) / median >= REQUIRED_PER_SECOND else 1


if __name__ == "__main__":
    raise SystemExit(main())
