"""Dossiers (hồ sơ thủ tục hành chính): intake, processing, clock, apologies, ratings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coso.core.models import ChangeSignallingQuerySet, TenantModel
from coso.dossiers.constants import Channel, RatingChannel, Satisfaction, Status, Timeliness


class DossierCounter(models.Model):
    """Per-(agency, day) sequence behind the national code; the row is locked while a code is taken."""

    agency_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="dossier_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last}"


class DossierRowQuerySet(ChangeSignallingQuerySet):
    """Rows of a dossier (attachments, rating): bulk writes are announced with the dossier's id, and the flags the
    dossier keeps of its rows (:data:`ROW_FLAGS`) are set again from the rows after a bulk write that may change them
    (``bulk_create``, ``update`` of the kind, level or dossier, ``delete``)."""

    record_field = "dossier_id"
    flag_fields = frozenset({"kind", "level", "dossier", "dossier_id"})

    def _dossier_ids(self) -> set[int]:
        return set(self.order_by().values_list("dossier_id", flat=True))

    def update(self, **kwargs: Any) -> int:
        if not self.flag_fields & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            ids = self._dossier_ids()
            n = super().update(**kwargs)
            moved_to = kwargs.get("dossier_id", kwargs.get("dossier"))
            sync_row_flags([*ids, getattr(moved_to, "pk", moved_to)])
        return n

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            ids = self._dossier_ids()
            out = super().delete()
            sync_row_flags(ids)
        return out

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            sync_row_flags([getattr(o, "dossier_id", None) for o in created])
        return created


class DossierRow(models.Model):
    """A row of a dossier (attachment, rating) whose saves and deletions set the dossier's :data:`ROW_FLAGS` again
    (and on the dossier instance the row holds, so that a later ``save()`` of it keeps them)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self._sync_dossier()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=kwargs.get("using")):
            out = super().delete(*args, **kwargs)
            self._sync_dossier()
        return out

    def _sync_dossier(self) -> None:
        dossier_id = getattr(self, "dossier_id", None)
        sync_row_flags([dossier_id])
        dossier = self._state.fields_cache.get("dossier")  # the instance the row was given or has read, if any
        if dossier is not None and dossier_id is not None:
            flags = Dossier._base_manager.filter(pk=dossier_id).values(*ROW_FLAGS).first() or {}
            for name, value in flags.items():
                setattr(dossier, name, value)


class Dossier(TenantModel):
    # The unit codes, the owner and the assignee lead composite indexes (Meta.indexes), which answer a filter on
    # them alone as well: no single-column index of their own, each of which every insert and update of the
    # largest table would keep up to date (six of the table's twenty indexes before).
    province_code = models.CharField(_("mã tỉnh"), max_length=8, blank=True, default="")
    commune_code = models.CharField(_("mã xã"), max_length=8, blank=True, default="")
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    procedure_version = models.ForeignKey("procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục"))
    # Applicant
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=200)
    applicant_name_folded = models.CharField(max_length=200, default="", editable=False)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True, default="")
    applicant_citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True, default="")
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True, default="")
    zalo_opt_in = models.BooleanField(_("nhận thông báo qua Zalo"), default=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="own_dossiers", db_index=False)
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    note = models.TextField(_("ghi chú"), blank=True, default="")
    # Clock
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    start_date = models.DateField(_("ngày bắt đầu tính hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả kết quả"), null=True, blank=True)
    due_date = models.DateField(_("ngày hẹn trả"), null=True, blank=True, db_index=True)
    near_date = models.DateField(_("bắt đầu sắp đến hạn"), null=True, blank=True)
    original_due_date = models.DateField(_("ngày hẹn ban đầu"), null=True, blank=True)
    apology_due_date = models.DateField(_("ngày hẹn lại (sau xin lỗi)"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("số ngày làm việc tạm dừng"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    # Decree 118/2025: online dossiers answered within 8 working hours (Art. 17(2)); paper dossiers handed to the competent
    # body the same day or the next morning (Art. 18(2)); a dossier not supplemented in time is closed (Art. 19(5)).
    answer_due_at = models.DateTimeField(_("hạn tiếp nhận hoặc trả lại hồ sơ trực tuyến"), null=True, blank=True)
    forward_due_at = models.DateTimeField(_("hạn chuyển hồ sơ giấy cho cơ quan giải quyết"), null=True, blank=True)
    close_due_date = models.DateField(_("đóng hồ sơ nếu chưa bổ sung sau ngày"), null=True, blank=True)
    # Identifier of the body the code was issued for (Decree 118/2025 Art. 28: the competent body).
    agency_code = models.CharField(_("mã định danh cơ quan"), max_length=40, blank=True, default="")
    # Which level decides the dossier, fixed when it is received: the procedure's level, or the commune when the province
    # handed the procedure to its communes from a date on or before receipt (phân cấp, procedures.Decentralisation).
    deciding_level = models.CharField(_("cấp quyết định"), max_length=20, blank=True, default="",
                                      choices=[("commune", _("Cấp xã")), ("province", _("Cấp tỉnh"))])
    finished_at = models.DateTimeField(_("thời điểm kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    timeliness = models.CharField(_("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True, default="")
    processing_working_days = models.IntegerField(_("số ngày làm việc xử lý"), null=True, blank=True)
    # Workflow
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.RECEIVED)
    is_open = models.BooleanField(default=True)
    current_step = models.PositiveSmallIntegerField(_("bước hiện tại"), default=1)
    current_step_name = models.CharField(_("tên bước"), max_length=200, blank=True, default="")
    waiting_role = models.CharField(_("vai trò xử lý"), max_length=32, blank=True, default="")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_dossiers",
                                 db_index=False)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="received_dossiers")
    version = models.PositiveIntegerField(default=1)
    # What the dossier's own rows say, kept on the dossier so that the Decision 766 figures are counted without probing
    # the attachment and rating tables for every dossier (``selectors.index_fact_queries``). Written only by
    # :func:`sync_row_flags`, which every write of those rows calls (``DossierRow``, ``DossierRowQuerySet``).
    # (Defaults in the database too: rows inserted in bulk by raw SQL have no files and no rating.)
    has_input_files = models.BooleanField(_("có thành phần hồ sơ điện tử"), default=False, db_default=False, editable=False)
    has_result_file = models.BooleanField(_("có tệp kết quả điện tử"), default=False, db_default=False, editable=False)
    rating_level = models.CharField(_("mức độ hài lòng"), max_length=20, choices=Satisfaction.choices, blank=True, default="", db_default="",
                                    editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChangeSignallingQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            # Inbox: only open dossiers are indexed (a few per cent of the table), in due-date order.
            models.Index(fields=["commune_code", "due_date"], condition=Q(is_open=True), name="dossier_open_due_idx"),
            models.Index(fields=["province_code", "due_date"], condition=Q(is_open=True), name="dossier_open_prov_due_idx"),
            models.Index(fields=["commune_code", "received_at"], name="dossier_commune_recv_idx"),
            models.Index(fields=["province_code", "received_at"], name="dossier_prov_recv_idx"),
            models.Index(fields=["commune_code", "finished_at"], name="dossier_commune_fin_idx"),
            models.Index(fields=["assignee", "is_open"], name="dossier_assignee_idx"),
            models.Index(fields=["close_due_date"], condition=Q(status="supplement_requested"), name="dossier_close_due_idx"),
            models.Index(fields=["owner", "submitted_at"], name="dossier_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(supplement_count__gte=0), name="dossier_supplements_nonneg"),
            models.CheckConstraint(condition=Q(due_date__isnull=True) | Q(start_date__isnull=False), name="dossier_due_has_start"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def procedure(self):  # type: ignore[no-untyped-def]
        return self.procedure_version.procedure

    @property
    def is_paused(self) -> bool:
        return self.status == Status.SUPPLEMENT_REQUESTED

    @property
    def promised_date(self):  # type: ignore[no-untyped-def]
        """The date the citizen was last promised (apology date if any)."""
        return self.apology_due_date or self.due_date

    @property
    def phone_suffix(self) -> str:
        digits = "".join(ch for ch in self.applicant_phone if ch.isdigit())
        return digits[-4:]


class DossierStep(models.Model):
    """The steps copied from the procedure version at intake (the dossier keeps them)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=32)
    share_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    due_date = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def role_label(self) -> str:
        from coso.accounts.roles import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role


class DossierEvent(models.Model):
    """Every transition and action: who, when, from/to, why (the national index needs them all)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True, default="")
    actor_role = models.CharField(max_length=32, blank=True, default="")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True, default="")
    to_status = models.CharField(max_length=24, blank=True, default="")
    from_step = models.PositiveSmallIntegerField(null=True, blank=True)
    to_step = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["actor", "at"], name="dossier_event_actor_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        from coso.dossiers.constants import Action

        return str(Action(self.action).label) if self.action in Action.values else self.action

    @property
    def from_label(self) -> str:
        return str(Status(self.from_status).label) if self.from_status in Status.values else ""

    @property
    def to_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status in Status.values else ""


def _upload_to(instance: DossierAttachment, filename: str) -> str:
    return f"dossiers/{instance.dossier.commune_code or 'x'}/{instance.dossier_id}/{filename}"


class DossierAttachment(DossierRow):
    class Kind(models.TextChoices):
        INPUT = "input", _("Thành phần hồ sơ")
        SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
        RESULT = "result", _("Kết quả")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INPUT)
    # As long as the catalogue's document names (``procedures.services.DOCUMENT_NAME_MAX``): a quarter of the national
    # portal's component names are longer than 300 characters.
    document_name = models.CharField(_("tên giấy tờ"), max_length=500)
    file = models.FileField(upload_to=_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DossierRowQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.document_name


class DossierApology(TenantModel):
    """Mẫu 04: apology and new return date, issued before the due date."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    number = models.PositiveIntegerField(_("số phiếu"))
    old_due_date = models.DateField(_("ngày hẹn cũ"))
    new_due_date = models.DateField(_("ngày hẹn mới"))
    reason = models.TextField(_("lý do"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["dossier", "issued_at"]
        constraints = [models.CheckConstraint(condition=Q(new_due_date__gt=models.F("old_due_date")), name="apology_new_after_old")]

    def __str__(self) -> str:
        return f"{self.number:03d}/PXL"


class DossierRating(TenantModel, DossierRow):
    """Citizen satisfaction after the result is returned; ``officer_ids`` are the officers who handled it."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("mức độ hài lòng"), max_length=20, choices=Satisfaction.choices)
    criteria = models.JSONField(_("tiêu chí"), default=dict, blank=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=12, choices=RatingChannel.choices, default=RatingChannel.PORTAL)
    comment = models.TextField(_("ý kiến"), blank=True, default="")
    officer_ids = models.JSONField(default=list, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(db_index=True)

    objects = DossierRowQuerySet.as_manager()

    class Meta:
        ordering = ["-rated_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"


# The dossier's fields that say what its rows are (see ``Dossier.has_input_files``).
ROW_FLAGS = ("has_input_files", "has_result_file", "rating_level")


def row_flag_expressions() -> dict[str, Any]:
    """{flag: expression computing it from the dossier's rows}, for an update or an annotation of dossiers."""
    files = DossierAttachment._base_manager.filter(dossier=OuterRef("pk"))
    return {
        "has_input_files": Exists(files.filter(kind=DossierAttachment.Kind.INPUT)),
        "has_result_file": Exists(files.filter(kind=DossierAttachment.Kind.RESULT)),
        "rating_level": Coalesce(Subquery(DossierRating._base_manager.filter(dossier=OuterRef("pk")).values("level")[:1]), Value("")),
    }


def sync_row_flags(dossier_ids: Iterable[int | None]) -> None:
    """Set :data:`ROW_FLAGS` of the dossiers from their rows (and stamp ``updated_at``, so that jobs looking for dossiers
    changed since their last run see them). A plain update: the row write that calls it is announced already."""
    from coso.core.dbfunctions import IdsIn

    ids = sorted({i for i in dossier_ids if i is not None})
    if ids:
        Dossier._base_manager.filter(IdsIn("id", ids)).update(**row_flag_expressions(), updated_at=timezone.now())
