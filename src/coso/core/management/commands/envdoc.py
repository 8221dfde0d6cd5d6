from django.core.management.base import BaseCommand

from coso.conf.env import REGISTRY


class Command(BaseCommand):
    help = "Print every environment variable Coso reads, with its default and meaning (Markdown table)."

    def handle(self, *args, **options):
        self.stdout.write("| Variable | Default | Required in production | Meaning |\n|---|---|---|---|")
        for name in sorted(REGISTRY):
            v = REGISTRY[name]
            default = v.default if not isinstance(v.default, list) else ",".join(v.default)
            if name == "SECRET_KEY":
                default = "(dev key when DEBUG=1)"
            if name in ("DATABASE_URL", "COSO_VAR_DIR", "MEDIA_ROOT"):
                default = str(default).replace(str(REGISTRY.get("COSO_VAR_DIR").default if "COSO_VAR_DIR" in REGISTRY else ""), "var")
            self.stdout.write(f"| `{name}` | `{default}` | {'yes' if v.required_in_production else ''} | {v.help_text} |")
