"""Cross-cutting models: the append-only audit log, the folded-text search index, tenant base."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TenantModel(models.Model):
    """Every tenant row carries its province and commune codes (partitioning / sharding key)."""

    province_code = models.CharField(_("mã tỉnh"), max_length=8, db_index=True, blank=True, default="")
    commune_code = models.CharField(_("mã xã"), max_length=8, db_index=True, blank=True, default="")

    class Meta:
        abstract = True


class ChangeSignallingQuerySet(models.QuerySet):
    """A queryset whose bulk writes are announced (``coso.core.signals.records_changed_in_bulk``) and stamped.

    ``update()`` sets ``updated_at`` (when the model has one and the caller did not) so that jobs looking
    for records changed since their last run see the rows, and, when anyone listens, sends the ids of the
    records touched *before* changing them, in the same transaction. (``bulk_create()`` is not announced: it
    stamps ``updated_at`` itself, and new rows have no earlier state to undo.)
    ``record_field``: the field holding the record's id (``"pk"``, or ``"dossier_id"`` for a dossier's rows).
    """

    record_field = "pk"

    def _announce(self, pks: list[Any]) -> None:
        from coso.core.signals import records_changed_in_bulk

        if pks:
            records_changed_in_bulk.send(sender=self.model, pks=pks, using=self.db)

    def update(self, **kwargs: Any) -> int:
        from coso.core.signals import records_changed_in_bulk

        if "updated_at" not in kwargs and any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
            kwargs["updated_at"] = timezone.now()
        if not records_changed_in_bulk.has_listeners(self.model):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            self._announce(sorted(set(self.order_by().values_list(self.record_field, flat=True))))
            return super().update(**kwargs)


class AuditLog(models.Model):
    """Append-only: who did what, when, in which unit, with before/after values.

    On PostgreSQL and SQLite a trigger rejects UPDATE and DELETE (migration 0002).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xoá")
        VIEW = "view", _("Xem dữ liệu cá nhân")
        ACTION = "action", _("Thao tác nghiệp vụ")
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_name = models.CharField(_("người thực hiện"), max_length=200, blank=True, default="")
    province_code = models.CharField(max_length=8, blank=True, default="", db_index=True)
    commune_code = models.CharField(max_length=8, blank=True, default="", db_index=True)
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    verb = models.CharField(_("nghiệp vụ"), max_length=80, blank=True, default="")
    object_type = models.CharField(_("loại đối tượng"), max_length=80, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, default="")
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True, default="")
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"


class SearchEntry(models.Model):
    """Folded word index for accent-insensitive search: one row per (object, word).

    A query word matches by prefix with a range condition on (kind, token), which both
    SQLite and PostgreSQL answer from the index instead of scanning the table, in object order.
    A search of one word reads it; a search of several reads the full-text index
    (SearchDocument), which every writer of these entries keeps beside them.
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    token = models.CharField(max_length=64)
    province_code = models.CharField(max_length=8, blank=True, default="")
    commune_code = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["kind", "token", "object_id"], name="search_kind_token_idx"),
            # the same within a unit: a province's entries of a word, and a commune's among them
            # read in the index (a search by an officer, or a public list filtered by unit)
            models.Index(fields=["kind", "province_code", "token", "commune_code", "object_id"], name="search_unit_token_idx"),
            # removal by object, and the probe "has this object a word in [w, upper)?" of a
            # common word's walk of a list, answered from the index alone
            models.Index(fields=["kind", "object_id", "token"], name="search_kind_object_token_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id}:{self.token}"


class SearchDocument(models.Model):
    """Full-text index for searches of several words: one row per indexed object, its words in one text.

    ``id``: the object's key in the index (``coso.core.search.document_key``: a number of the kind in the high bits,
    the object's id in the low ones), so that the index answers with object ids without reading this table.
    ``terms``: the unit tokens ("_p…" province, "_c…" commune, which a user's query can never produce: folded words
    have only [0-9a-z]) then the object's folded words (coso.core.search.search_words; a marked word, "_i…" for a
    citizen id, see coso.core.search.Marked, among them), space-separated.
    SQLite indexes ``terms`` in an FTS5 table kept by triggers (core_searchdocument_fts, with prefix indexes so that a
    query word matches by prefix without merging every matching word's list; a kind is a range of its keys);
    PostgreSQL in a GIN index of the terms each after the kind's number (coso.core.search.POSTGRES_VECTOR), prefix
    matches by ``:*``. Created by migration 0009.
    """

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    terms = models.TextField()

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id}"


class SearchWordCount(models.Model):
    """How many index entries (SearchEntry) each word of a kind has: statistics that choose how a
    search runs (which word leads, whether the list is walked), never what it finds.

    Added to by ``search_index_bulk`` and recounted by ``search_stats_refresh`` (the nightly
    job "search_stats", and after a bulk load that writes entries itself); the entries that
    ``search_index_set`` and ``search_index_remove`` write in between are not counted, as
    a database's own statistics lag behind its rows. A query word no count covers is counted
    in the index instead.
    """

    kind = models.CharField(max_length=40)
    token = models.CharField(max_length=64)
    entries = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "token"], name="search_word_count_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.token} ×{self.entries}"


class DemoMarker(models.Model):
    """Which demo builders have run (so `make run` a second time starts in seconds)."""

    module = models.CharField(max_length=100)
    scale = models.CharField(max_length=20)
    province_code = models.CharField(max_length=8)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module", "scale", "province_code"], name="demo_marker_unique")]

    def __str__(self) -> str:
        return f"{self.module} ({self.scale}, {self.province_code})"
