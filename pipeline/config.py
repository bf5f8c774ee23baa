"""The YAML configuration as pydantic models: loading, path resolution and one-line errors.

Lookup order for the file: an explicit ``--config PATH``, then ``$SWEATLINE_CONFIG``, then
``config/sweatline.yaml`` (relative to the working directory). Relative paths inside the file
resolve against the folder the file is in. Impossible values are refused with a
:class:`~pipeline.errors.ConfigError` whose message names the key and the allowed range.
"""
from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import ConfigError
from pipeline.inputs import AGE_YEARS, AIR_TEMPERATURE_C, BODY_MASS_KG, HEIGHT_CM, RELATIVE_HUMIDITY_PCT

DEFAULT_CONFIG_PATH = Path("config/sweatline.yaml")
CONFIG_ENV_VAR = "SWEATLINE_CONFIG"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NightlyConfig(_Section):
    """When the scheduled run fires: a 5-field cron expression in an IANA time zone."""

    cron: str = "0 3 * * *"
    timezone: str = "Europe/London"

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("must be a 5-field cron expression such as '0 3 * * *'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as 'Europe/London' or 'UTC'") from None
        return value


class ClimateConfig(_Section):
    """Weather assumed when a file has no usable temperature (and no override is given)."""

    temperature_c: float = Field(20.0, **AIR_TEMPERATURE_C)
    humidity_pct: float = Field(50.0, **RELATIVE_HUMIDITY_PCT)


class AdviceConfig(_Section):
    """Knobs of the drinking plan."""

    long_session_min: float = Field(60.0, ge=0, le=1440)
    bottle_ml: float = Field(750.0, ge=100, le=3000)


class AthleteConfig(_Section):
    """The athlete. A field left out (None) is filled from the FIT file's user profile."""

    name: str = "me"
    body_mass_kg: float | None = Field(None, **BODY_MASS_KG)
    height_cm: float | None = Field(None, **HEIGHT_CM)
    sex: Literal["male", "female"] | None = None
    age: float | None = Field(None, **AGE_YEARS)
    hr_rest_bpm: float | None = Field(None, ge=25, le=120)
    hr_max_bpm: float | None = Field(None, ge=100, le=230)
    ftp_w: float | None = Field(None, ge=30, le=600)


class WeatherConfig(_Section):
    """Where the weather along the route comes from (:mod:`pipeline.weather`).

    ``provider``: ``open-meteo`` asks Open-Meteo (no key) for the hourly weather at the activity's
    positions rounded to :data:`pipeline.weather.PLACE_DEGREES` and its UTC dates; ``none`` asks
    nobody. Left out of the config it is ``none``: positions leave the machine only when the user
    turns the provider on (the shipped ``config/sweatline.yaml`` does, as SPEC shows it).
    ``timeout_s`` bounds one exchange with the server (its retry included); ``cache`` keeps the
    answers in the catalog so a rebuild asks nothing again; ``base_url`` points at a self-hosted
    Open-Meteo (or a test server) serving ``/v1/archive`` and ``/v1/forecast``.
    """

    provider: Literal["open-meteo", "none"] = "none"
    timeout_s: float = Field(5.0, gt=0, le=120)
    cache: bool = True
    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value is not None else None


class ModelConfig(_Section):
    """Physiology model constants that a user may tune (SCIENCE §1)."""

    gross_efficiency: float = Field(0.21, ge=0.10, le=0.35)


class ServeConfig(_Section):
    """``sweatline serve``: the port of the local Prefect server it starts (127.0.0.1), the same
    across restarts so the trigger commands it prints keep working."""

    port: int = Field(4200, ge=1024, le=65535)


class Config(_Section):
    """The whole configuration. ``inbox`` and ``data_dir`` are absolute after loading."""

    inbox: Path = Path("data/inbox")
    data_dir: Path = Path("data")
    nightly: NightlyConfig = NightlyConfig()
    climate: ClimateConfig = ClimateConfig()
    advice: AdviceConfig = AdviceConfig()
    athlete: AthleteConfig = AthleteConfig()
    model: ModelConfig = ModelConfig()
    weather: WeatherConfig = WeatherConfig()
    serve: ServeConfig = ServeConfig()
    source: Path | None = Field(None, exclude=True)  # the file this was loaded from

    def resolved(self, base_dir: Path) -> "Config":
        """A copy with relative ``inbox``/``data_dir`` resolved against ``base_dir``."""
        return self.model_copy(update={
            "inbox": (base_dir / self.inbox).resolve(),
            "data_dir": (base_dir / self.data_dir).resolve(),
        })


def _describe(error: dict[str, Any]) -> str:
    """One pydantic error as ``key: what is allowed, got VALUE``."""
    key = ".".join(str(p) for p in error["loc"])
    ctx = error.get("ctx") or {}
    got = error.get("input")
    kind = error["type"]
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        field = _field_for(error["loc"])
        lo = field.get("ge", field.get("gt"))
        hi = field.get("le", field.get("lt"))
        return f"{key} must be between {lo} and {hi}, got {got!r}"
    if kind == "extra_forbidden":
        return f"{key} is not a known key"
    if kind == "literal_error":
        return f"{key} must be one of {ctx.get('expected')}, got {got!r}"
    if kind == "value_error":
        return f"{key} {error['msg'].removeprefix('Value error, ')}, got {got!r}"
    return f"{key}: {error['msg']}, got {got!r}"


def _field_for(loc: tuple[Any, ...]) -> dict[str, Any]:
    """The numeric bounds declared on the field at ``loc`` (walks the nested models)."""
    model: type[BaseModel] = Config
    info = None
    for part in loc:
        info = model.model_fields.get(str(part))
        if info is None:
            return {}
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    bounds: dict[str, Any] = {}
    for meta in getattr(info, "metadata", []):
        for name in ("ge", "gt", "le", "lt"):
            if getattr(meta, name, None) is not None:
                bounds[name] = getattr(meta, name)
    return bounds


def parse_config(data: dict[str, Any] | None, source: str = "config", base_dir: Path | None = None) -> Config:
    """Validate a mapping (as read from YAML) into a :class:`Config`; one-line error if impossible."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, "must be a YAML mapping of keys (inbox, data_dir, athlete, ...)")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(source, _describe(first) + more) from None
    return config.resolved(base_dir or Path.cwd())


def user_config_path() -> Path:
    """``$XDG_CONFIG_HOME/sweatline/sweatline.yaml`` (``~/.config/sweatline/sweatline.yaml`` by default)."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"  # XDG: relative values are ignored
    return base / "sweatline" / "sweatline.yaml"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Which file to read: ``--config``, else ``$SWEATLINE_CONFIG``, else ``./config/sweatline.yaml``
    when it exists, else the user's ``$XDG_CONFIG_HOME/sweatline/sweatline.yaml`` when it exists,
    else ``config/sweatline.yaml`` (whose absence is then the error)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV_VAR)
    if env:
        return Path(env)
    if DEFAULT_CONFIG_PATH.is_file():
        return DEFAULT_CONFIG_PATH
    user = user_config_path()
    return user if user.is_file() else DEFAULT_CONFIG_PATH


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Read, validate and resolve the configuration file."""
    path = config_path(explicit)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "config file not found (give --config PATH or set SWEATLINE_CONFIG)") from None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read config file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "not a text file (the config is UTF-8 YAML)") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(str(path), f"not valid YAML{where}") from None
    config = parse_config(data, source=str(path), base_dir=path.resolve().parent)
    return config.model_copy(update={"source": path.resolve()})
