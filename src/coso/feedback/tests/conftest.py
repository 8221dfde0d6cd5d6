from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import ExifTags, Image

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)  # no holiday in March 2026


@pytest.fixture
def cats(db):
    from coso.feedback.models import FeedbackCategory
    from coso.feedback.services import load_defaults

    load_defaults()
    return {c.code: c for c in FeedbackCategory.objects.all()}


@pytest.fixture
def village(commune):
    from coso.units.models import Village

    return Village.objects.create(commune=commune, name="Khu phố 3", name_folded="khu pho 3", kind="khu_pho",
                                  province_code=commune.province_code, commune_code=commune.code)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_with_gps(size=(64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (10.0, 46.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 42.0, 10.0)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def has_gps(data: bytes) -> bool:
    img = Image.open(io.BytesIO(data))
    return bool(img.getexif().get_ifd(ExifTags.IFD.GPSInfo)) or b"Exif" in img.info.get("exif", b"")


@pytest.fixture
def submit(cats, commune):
    from coso.feedback.services import feedback_submit

    def do(actor=None, **kw):  # type: ignore[no-untyped-def]
        args = {"category": cats["MT"], "commune": commune, "text": "Rác thải ùn ứ nhiều ngày ở đầu hẻm, bốc mùi hôi.",
                "title": "Rác ùn ứ đầu hẻm", "contact_name": "Nguyễn Văn An", "contact_phone": "0909123456"}
        args.update(kw)
        return feedback_submit(actor=actor, **args)

    return do


def forward_to_commune(fb, actor, commune_code):  # type: ignore[no-untyped-def]
    """Forward ``fb`` to another commune the day after MONDAY; the copy that commune received."""
    import time_machine

    from coso.feedback import services as svc
    from coso.feedback.models import Feedback

    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        svc.feedback_forward(feedback=fb, actor=actor, target=Feedback.ForwardTarget.COMMUNE, target_commune=commune_code,
                             reason="Không thuộc địa bàn.")
    return fb.forwarded_copies.get()
