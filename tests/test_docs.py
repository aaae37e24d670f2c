"""The README's configuration reference, `.env.example` and the code agree on the list of variables."""

from __future__ import annotations

import re

from tests.helpers import REPO_ROOT


def _env_example_names() -> list[str]:
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    return [line.split("=", 1)[0] for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line)]


def _readme_names() -> list[str]:
    return re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", (REPO_ROOT / "README.md").read_text(), flags=re.M)


def test_every_variable_has_a_comment_in_env_example():
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    uncommented = [
        line.split("=")[0]
        for index, line in enumerate(lines)
        if re.match(r"^[A-Z][A-Z0-9_]*=", line)
        and not lines[index - 1].startswith("#")
        and not re.match(r"^[A-Z][A-Z0-9_]*=", lines[index - 1])  # a pair sharing one comment
    ]
    assert uncommented == []


def test_readme_reference_matches_env_example():
    assert _readme_names() == _env_example_names()


def test_every_documented_variable_is_read_by_the_code():
    code = "\n".join(
        path.read_text() for package in ("harmony", "library") for path in (REPO_ROOT / package).rglob("*.py")
    )
    unread = [name for name in _env_example_names() if f'"{name}"' not in code]
    assert unread == []


def test_readme_gives_exactly_the_two_quick_start_commands():
    readme = (REPO_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]

    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, flags=re.S)

    assert commands == ["python3 scripts/dev.py up", "python3 scripts/dev.py test"]
