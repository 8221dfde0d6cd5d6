"""Too many files in one submission showed "Tối đa 30 tệp." under the files field whatever the reader's language: the field
message is now translated (the error code and the top-level message are unchanged)."""

from __future__ import annotations

from django.utils import translation

import pytest

from coso.core.exceptions import ApplicationError
from coso.dossiers import services
from coso.dossiers.tests.conftest import pdf_upload


@pytest.mark.parametrize(("language", "message"), [("vi", "Tối đa 30 tệp trong một lần nộp."), ("en", "At most 30 files in one submission.")])
def test_too_many_files_is_said_in_the_reader_language(english_catalogue, language, message):
    files = [(f"Tờ khai {i}", pdf_upload()) for i in range(services.MAX_FILES + 1)]
    with translation.override(language), pytest.raises(ApplicationError) as e:
        services.prepare_files(files)
    assert e.value.code == "too-many-attachments"
    assert e.value.details["fields"] == {"files": [message]}
