"""A FREE export file becomes wanted tracks, and acquisition fetches them from the slskd emulator."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emulators.slskd import Scenario
from ingest.models import ImportJob
from library.models import Download
from tests.library.acquisition import connect, drive, fast_timers, flac, peer

pytestmark = pytest.mark.django_db(transaction=True)

FOLDER = "@@kqzvh\\Music\\Radiohead\\1997 - OK Computer [FLAC]\\"
EXPORTIFY = (
    '"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album URI","Album Name","Album Artist URI(s)",'
    '"Album Artist Name(s)","Album Release Date","Album Image URL","Disc Number","Track Number",'
    '"Track Duration (ms)","Track Preview URL","Explicit","Popularity","ISRC","Added By","Added At"\n'
    '"spotify:track:3SVAN3BRByDmHOhKyIDxfC","Paranoid Android","spotify:artist:4Z8W4fKeB5YxbusRsdQVPb",'
    '"Radiohead","spotify:album:6dVIqQ8qmQ5GBnJ9shOYGE","OK Computer","spotify:artist:4Z8W4fKeB5YxbusRsdQVPb",'
    '"Radiohead","1997-05-21","","1","2","383893","","false","70","GBAYE9700100","spotify:user:x",'
    '"2024-01-01T00:00:00Z"\n'
    '"spotify:track:63OQupATfueTdZMWTxW03A","Karma Police","spotify:artist:4Z8W4fKeB5YxbusRsdQVPb",'
    '"Radiohead","spotify:album:6dVIqQ8qmQ5GBnJ9shOYGE","OK Computer","spotify:artist:4Z8W4fKeB5YxbusRsdQVPb",'
    '"Radiohead","1997-05-21","","1","6","264066","","false","80","GBAYE9700105","spotify:user:x",'
    '"2024-01-01T00:00:00Z"\n'
)


def test_exportify_file_to_files_in_the_downloads_folder(settings, emulator, authed_client):
    fast_timers()
    files = [flac(FOLDER + "02 - Paranoid Android.flac", 384), flac(FOLDER + "06 - Karma Police.flac", 264)]
    slskd = connect(settings, emulator, Scenario(peers=[peer("vinyl_junkie_77", *files)]))
    upload = SimpleUploadedFile("ok_computer.csv", EXPORTIFY.encode(), content_type="text/csv")

    response = authed_client.post("/api/v1/imports/", {"file": upload}, format="multipart")

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["job"]["id"])
    assert (job.format, job.queued) == ("exportify", 2)
    ids = list(Download.objects.filter(import_items__job=job).values_list("pk", flat=True))
    downloads = drive(*ids)
    assert [d.status for d in downloads] == [Download.Status.COMPLETED] * 2
    assert sorted(d.track.isrc for d in downloads) == ["GBAYE9700100", "GBAYE9700105"]
    assert slskd.emulator.searches_created == 1, "one album search served both tracks"
    progress = authed_client.get(f"/api/v1/imports/{job.pk}/").json()["progress"]
    assert (progress["completed"], progress["failed"]) == (2, 0)
