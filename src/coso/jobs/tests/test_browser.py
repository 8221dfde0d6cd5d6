"""In the browser: the export page polls its progress (htmx, no inline script) and offers the file when ready."""

from __future__ import annotations

import pytest

from coso.jobs.models import ExportJob
from coso.jobs.services import export_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_page_updates_itself_then_offers_the_file(desktop_page, users, blogin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page = desktop_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    blogin(page, "onestop")
    job = ExportJob.objects.create(kind="dossiers.register", title="Sổ theo dõi hồ sơ (Mẫu 06)", requested_by=users["onestop"],
                                   params={"format": "pdf", "start": "2026-01-01", "end": "2026-03-31"}, province_code="79", commune_code="26734")
    page.goto(page.base + f"/jobs/exports/{job.pk}/")
    assert page.locator("#export-progress progress").get_attribute("value") == "0"
    assert "Đang chờ" in page.inner_text("#export-progress")
    export_run(job.pk)  # the worker finishes the job; the open page notices by itself
    page.wait_for_selector("#export-download")
    with page.expect_download() as dl:
        page.click("#export-download")
    with open(dl.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert not [e for e in errors if "Content Security Policy" in e]
