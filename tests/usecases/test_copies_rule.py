"""The copies policy's recording rule (pipeline.usecases.copies.recording_of): the device recording a
``fit-serial`` identity key names, written as pipeline.fit.identity documents the key
(``fit-serial:<manufacturer>:<serial>:<time_created>:<timer seconds>:<content digest>``)."""
from __future__ import annotations

import pytest

from pipeline.usecases.copies import recording_of


def test_two_copies_of_one_recording_name_the_same_recording_whatever_their_length_and_content() -> None:
    whole = "fit-serial:garmin:3951231234:1089763200:3600:9f2c"
    truncated = "fit-serial:garmin:3951231234:1089763200:1214:07aa"
    assert recording_of(whole) == recording_of(truncated) == "fit-serial:garmin:3951231234:1089763200:"


def test_another_device_or_creation_time_is_another_recording() -> None:
    assert recording_of("fit-serial:garmin:3951231234:1089763200:3600:9f2c") != recording_of(
        "fit-serial:garmin:3951231234:1089763201:3600:9f2c")
    assert recording_of("fit-serial:garmin:1:1089763200:3600:9f2c") != recording_of(
        "fit-serial:wahoo:1:1089763200:3600:9f2c")


@pytest.mark.parametrize("key", [None, "", "fit-content:5e3b1c"])
def test_a_key_without_a_device_serial_names_no_recording(key: str | None) -> None:
    assert recording_of(key) is None
