import pytest


@pytest.fixture
def catalogue(db):
    from coso.procedures.services import load_procedures

    load_procedures()
