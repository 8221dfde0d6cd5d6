from django.core.management.base import BaseCommand, CommandError

from coso.accounts.models import ApiToken, User
from coso.core.audit import audit_log
from coso.core.models import AuditLog


class Command(BaseCommand):
    help = "Issue an API bearer token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. the integration's name.")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"Tài khoản {user.username!r} đã bị khoá.")
        name = options["name"].strip()
        if not name:
            raise CommandError("Cần đặt tên cho mã truy cập.")
        token, raw = ApiToken.issue(user=user, name=name[:100])
        audit_log(actor=None, action=AuditLog.Action.CREATE, obj=token, object_repr=str(token), verb="api_token_issue",
                  after={"user": user.username, "name": token.name, "prefix": token.prefix}, province_code=user.province_code, commune_code=user.commune_code)
        self.stdout.write(raw)
        self.stderr.write(f"Mã truy cập “{token.name}” cho {user.username}: lưu lại ngay, mã sẽ không hiển thị lại. Dùng: Authorization: Bearer <mã>")
