"""Print (or apply) the privileges of the PostgreSQL role the web processes connect as."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from coso.core.audit_guard import app_role_sql


class Command(BaseCommand):
    help = ("Privileges for the application role (no owner rights; SELECT/INSERT only on the audit log). "
            "Prints the SQL; with --apply, runs it as the current DATABASE_URL role (the owner). See docs/database-roles.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role the web processes connect as, e.g. coso_app")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--apply", action="store_true", help="run the statements instead of printing them")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        statements = app_role_sql(options["role"], schema=options["schema"])
        if not options["apply"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        self.stdout.write(self.style.SUCCESS(f"Privileges of {options['role']} set ({len(statements)} statements)."))
