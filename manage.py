#!/usr/bin/env python
"""Django's command-line utility for Coso."""

import os
import sys
from pathlib import Path

# Commands that only read the code (never serve requests, sign or hash anything) may run
# without SECRET_KEY; everything else refuses to start without one when DEBUG is off.
KEYLESS_COMMANDS = {"makemigrations", "envdoc"}


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coso.conf.base")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = f"unused-placeholder-for-{sys.argv[1]}-" + "x" * 40
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
