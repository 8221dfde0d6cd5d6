"""Discovered by coso.indices at start-up (``autodiscover_modules("indices_inputs")``): the planning app's inputs to the
workforce pillar of the commune-strength index (see ``coso.planning.strength``)."""

from coso.planning.strength import register

register()
