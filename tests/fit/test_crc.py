"""The FIT file CRC against an independent bit-by-bit CRC-16/ARC, on lengths that take the
chunked path (and share its cached fold tables) as well as the byte-wise one."""
from __future__ import annotations

import random

import pytest

from pipeline.fit.framing import fit_crc


def crc16_arc_bitwise(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC from its definition (poly 0x8005 reflected = 0xA001, init 0, no final XOR; Cook's
    catalogue of parametrised CRC algorithms, check 0xBB3D), one bit at a time, no table."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_the_check_value_of_the_catalogue() -> None:
    assert fit_crc(b"123456789") == 0xBB3D == crc16_arc_bitwise(b"123456789")


@pytest.mark.parametrize("size", [65535, 65536, 70001, 99_999, 131_073])
@pytest.mark.parametrize("start", [0, 0x1D0F])
def test_long_data_has_the_crc_of_the_definition(size: int, start: int) -> None:
    data = random.Random(size).randbytes(size)
    assert fit_crc(data, start) == crc16_arc_bitwise(data, start)
    assert fit_crc(memoryview(data)[7:], start) == crc16_arc_bitwise(data[7:], start)
