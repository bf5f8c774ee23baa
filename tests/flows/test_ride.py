"""``sweatline ride`` on one file: the front door (index and digest) updated at once, and a zip's
refused members named."""
from __future__ import annotations

from pathlib import Path

from cli_support import run_cli
from ride_files import ride_file
from shared_paths import SAMPLES


def test_a_ride_is_on_the_front_door_at_once_not_after_the_next_nightly(tmp_path: Path, config_file) -> None:
    config = config_file()
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    assert run_cli("ride", str(path), config=config).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*-cycling-*"))
    index = (tmp_path / "data" / "reports" / "index.md").read_text()
    assert f"{folder.name}/report.html" in index  # its relative link, with no nightly run yet
    assert (tmp_path / "data" / "reports" / "digest.md").is_file()


def test_ride_on_a_zip_names_the_members_it_set_aside(tmp_path: Path, config_file) -> None:
    # The nightly lists a zip's refused members; `ride` answered the good one and said nothing of the rest.
    import zipfile

    good = SAMPLES / "tomtom-runner3-cycling-17min.fit"
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(good, "rides/tomtom.fit")
        z.writestr("../evil.fit", b"x" * 100)  # a path-traversal name: refused before anything is read
        z.writestr("broken.fit", good.read_bytes()[:500])  # cut inside its first records
    out = run_cli("ride", str(archive), config=config_file())
    assert out.returncode == 0, out.stderr
    assert "odd.zip:rides/tomtom.fit" in out.stdout
    warned = [line for line in out.stderr.splitlines() if line.startswith(f"{archive}: warning: ")]
    assert any("../evil.fit" in line and "refused" in line for line in warned), out.stderr
    assert any("broken.fit" in line and "truncated" in line for line in warned), out.stderr


def test_a_body_mass_in_pounds_typed_as_kilograms_is_questioned_in_the_report(tmp_path: Path, config_file) -> None:
    # The Edge 530's user profile holds 71.0 kg (read independently with fitparse: user_profile.weight);
    # 156.5 kg is 71 kg written in pounds (71 / 0.45359237 = 156.5).
    config = config_file()
    config.write_text(config.read_text().replace("body_mass_kg: 70", "body_mass_kg: 156.5"))
    out = run_cli("ride", str(SAMPLES / "garmin-edge530-cycling-18min-indoor-hrv.fit"), "--json", config=config)
    assert out.returncode == 0, out.stderr
    assert ("body mass 156.5 kg in the config differs from the watch's profile (71 kg) by more than a body "
            "changes in a year: used as in the config, but check it (pounds typed as kilograms?)") in out.stdout
