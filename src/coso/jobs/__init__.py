"""Background jobs: periodic jobs with a run log, reminders sent once, and long exports run as jobs.

Apps declare their jobs in a ``jobs.py`` module (discovered at start-up) with
``coso.jobs.registry.periodic_job`` and ``coso.jobs.registry.export_kind``; this app runs them
through Huey (``huey.contrib.djhuey``), records every run, and shows them to administrators.
"""
