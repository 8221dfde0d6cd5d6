"""A web process settles after start-up: every view imported, the start-up objects out of the garbage collector's walks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def test_the_wsgi_entry_point_imports_every_view_and_freezes_the_started_process(tmp_path):
    """Importing ``coso.wsgi`` (what each gunicorn worker does) leaves the views imported and the objects of the started
    process in the collector's permanent generation; a full collection then walks none of them. Run in a process of its
    own, so that this test process is left as it was."""
    code = (
        "import gc, sys; import coso.wsgi; frozen = gc.get_freeze_count(); "
        "print(frozen, 'coso.dossiers.views' in sys.modules, 'coso.indices.views' in sys.modules, "
        "len(gc.get_objects(generation=2)) < frozen // 10)"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "COSO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "coso.conf.base",
           "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert int(out[0]) > 50_000
    assert out[1:] == ["True", "True", "True"]
