"""The tightened fitparse data-message step (:class:`pipeline.fit.messages._FastDecoder`) gives, on
every shared FIT file, exactly what fitparse's own data-message code gives (:class:`_Decoder`,
which only changes how an odd-size unknown field is *defined*): the same messages, fields, values,
raw values and units, in the same order, and the same error or warning where decoding stops."""
from __future__ import annotations

import gzip
import warnings
from pathlib import Path
from typing import Any

import pytest
from shared_paths import CASES, SAMPLES

from pipeline.fit.messages import DECODE_ERRORS, _Decoder, _FastDecoder

FILES = sorted(p for folder in (SAMPLES, CASES) for p in folder.iterdir() if p.name.endswith((".fit", ".fit.gz")))


def _messages(decoder_class: type, data: bytes) -> tuple[list[Any], str | None, list[str]]:
    out: list[Any] = []
    stop = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            decoder = decoder_class(data, check_crc=False, check_developer_data=False)
            for message in decoder.get_messages():
                out.append((message.mesg_num, [
                    (fd.field_def.def_num if fd.field_def is not None else None,
                     fd.field.name if fd.field is not None else None,
                     fd.parent_field.name if fd.parent_field is not None else None,
                     fd.value, fd.raw_value, fd.units) for fd in message.fields]))
        except DECODE_ERRORS as exc:
            stop = f"{type(exc).__name__}: {exc}"
    return out, stop, sorted({str(w.message) for w in caught})


def test_every_shared_file_is_there() -> None:
    assert len(FILES) >= 55  # 52 samples (one gzipped) and the fit-cases


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_messages_as_fitparse(path: Path) -> None:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    expected = _messages(_Decoder, data)
    got = _messages(_FastDecoder, data)
    assert got[1] == expected[1]
    assert got[2] == expected[2]
    assert len(got[0]) == len(expected[0])
    for ours, theirs in zip(got[0], expected[0]):
        assert ours == theirs
