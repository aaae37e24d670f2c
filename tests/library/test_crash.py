"""A worker killed in the middle of a transfer loses nothing and queues nothing twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from emulators.slskd import Scenario
from library.models import Download, DownloadAttempt
from library.services import transfers, wants
from tests.helpers import REPO_ROOT, child_env, run_manage, run_python
from tests.library.acquisition import API_KEY, connect, drive, fast_timers, flac, peer

FILE = "@@crash\\Music\\Joy Division\\Closer\\01 - Atrocity Exhibition.flac"
READ_STATE = """
import django, json; django.setup()
from library.models import Download
d = Download.objects.get()
print(json.dumps({"status": d.status, "attempts": [[a.outcome, str(a.transfer_id)] for a in d.attempts.all()],
                  "path": d.local_path}))
"""


def _state(env: dict[str, str]) -> dict:
    result = run_python(READ_STATE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _celery(env: dict[str, str], log, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "harmony", *args, "-l", "INFO"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _worker(env: dict[str, str], log) -> subprocess.Popen[bytes]:
    return _celery(env, log, "worker", "--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle")


@pytest.mark.django_db
def test_worker_killed_mid_transfer_and_restarted_finishes_once(settings, emulator, tmp_path):
    data = tmp_path / "hub"
    slskd = connect(settings, emulator, Scenario(peers=[peer("crash", flac(FILE, 240), behaviour="slow")]),
                    time_scale=0.05)  # fmt: skip
    env = child_env(
        data, SLSKD_URL=slskd.url, SLSKD_API_KEY=API_KEY, HARMONY_DOWNLOADS_DIR=str(slskd.downloads),
        HARMONY_LOG_LEVEL="INFO", HARMONY_FINISHING="false",
    )  # fmt: skip
    assert run_manage("migrate", "-v", "0", env=env).returncode == 0
    want = run_python(
        "import django; django.setup()\nfrom library.services import wants\n"
        "wants.want_track(artist='Joy Division', title='Atrocity Exhibition', duration_s=240.0)",
        env,
    )
    assert want.returncode == 0, want.stderr

    beat_log = (tmp_path / "beat.log").open("wb")
    beat = _celery(env, beat_log, "beat")  # beat runs on its own, as in production; only the worker dies
    with (tmp_path / "worker1.log").open("wb") as log:
        first = _worker(env, log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(t.state == "InProgress" for t in slskd.emulator.transfers):
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert any(t.state == "InProgress" for t in slskd.emulator.transfers), (tmp_path / "worker1.log").read_text()
    assert _state(env)["status"] in (Download.Status.QUEUED, Download.Status.DOWNLOADING)

    with (tmp_path / "worker2.log").open("wb") as log:
        second = _worker(env, log)
        deadline = time.monotonic() + 150
        state = _state(env)
        while time.monotonic() < deadline and state["status"] != Download.Status.COMPLETED:
            time.sleep(0.5)
            state = _state(env)
        second.terminate()
        second.wait(20)
    beat.terminate()
    beat.wait(20)
    beat_log.close()

    assert state["status"] == Download.Status.COMPLETED, (tmp_path / "worker2.log").read_text()[-2500:] + (
        tmp_path / "beat.log"
    ).read_text()[-1000:]
    assert len(slskd.emulator.transfers) == 1, "the file must be enqueued in slskd exactly once"
    assert [outcome for outcome, _ in state["attempts"]] == [DownloadAttempt.Outcome.SUCCEEDED]
    assert sorted(p.name for p in slskd.downloads.rglob("*.flac")) == ["01 - Atrocity Exhibition.flac"]


@pytest.mark.django_db(transaction=True)
def test_an_attempt_whose_transfer_id_was_lost_adopts_the_transfer_slskd_has(settings, emulator):
    fast_timers()
    scenario = Scenario(peers=[peer("crash", flac(FILE, 240), behaviour="slow")])
    slskd = connect(settings, emulator, scenario, time_scale=0.02)
    download = wants.want_track(artist="Joy Division", title="Atrocity Exhibition", duration_s=240.0).download
    (running,) = drive(download.pk, until=(Download.Status.QUEUED, Download.Status.DOWNLOADING))
    assert running.status in (Download.Status.QUEUED, Download.Status.DOWNLOADING)
    # The crash window: slskd accepted the file but the worker died before it wrote the transfer id down.
    DownloadAttempt.objects.filter(download=download).update(transfer_id=None)
    Download.objects.filter(pk=download.pk).update(status=Download.Status.QUEUED)

    (finished,) = drive(download.pk)

    assert finished.status == Download.Status.COMPLETED
    assert len(slskd.emulator.transfers) == 1
    assert list(finished.attempts.values_list("outcome", flat=True)) == [transfers.Outcome.SUCCEEDED]
