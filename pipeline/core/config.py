"""The YAML configuration as pydantic models: loading, path resolution and one-line errors.

Lookup order for the file: an explicit ``--config PATH``, then ``$SWEATLINE_CONFIG``, then
``config/sweatline.yaml`` (relative to the working directory). Relative paths inside the file
resolve against the folder the file is in. Impossible values are refused with a
:class:`~pipeline.core.errors.ConfigError` whose message names the key and the allowed range.
"""
from __future__ import annotations

import os
import stat
import typing
import unicodedata
import zoneinfo
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from pipeline.core.errors import ConfigError
from pipeline.core.inputs import AGE_YEARS, AIR_TEMPERATURE_C, BODY_MASS_KG, HEIGHT_CM, RELATIVE_HUMIDITY_PCT

DEFAULT_CONFIG_PATH = Path("config/sweatline.yaml")
CONFIG_ENV_VAR = "SWEATLINE_CONFIG"

MAX_CONFIG_BYTES = 1024 * 1024
"""A config file is a few hundred bytes; anything over 1 MiB is refused unread."""
MAX_NESTING = 20
"""YAML nesting deeper than this is refused (the config is three levels deep)."""
MAX_QUOTED = 60
"""A value quoted in an error message is cut to this many characters."""
MAX_LISTED = 20
"""At most this many problems are spelled out in the one-line error; the rest are counted."""


def _accepts(annotation: Any, kind: type) -> bool:
    """Whether a field's annotation is (or unions with) ``kind``."""
    if annotation is kind:
        return True
    return any(_accepts(arg, kind) for arg in typing.get_args(annotation))


def _strict_text(value: Any) -> Any:
    """A list item that must be text (a folder name): not a number, no control characters."""
    if not isinstance(value, (str, Path)):
        raise ValueError("must be a list of text")
    if isinstance(value, str) and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise ValueError("must not contain control characters or escaped surrogates")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_types(cls, value: Any, info: ValidationInfo) -> Any:
        """No silent conversions: YAML ``true`` is not the number 1, ``"20"`` is not a number,
        ``5`` is not a boolean; text holds no control characters (NUL, ESC, ...)."""
        field = cls.model_fields.get(info.field_name or "")
        annotation = field.annotation if field is not None else None
        if typing.get_origin(annotation) is list and isinstance(value, list):  # a list of folders: each checked as text
            return [_strict_text(item) for item in value]
        if _accepts(annotation, float) and not _accepts(annotation, str):
            if isinstance(value, bool) or (value is not None and not isinstance(value, (int, float))):
                raise ValueError("must be a number")
        if _accepts(annotation, int) and not _accepts(annotation, float) and not _accepts(annotation, str) \
                and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError("must be a whole number")
        if _accepts(annotation, bool) and not isinstance(value, bool):
            raise ValueError("must be true or false")
        if (_accepts(annotation, str) or _accepts(annotation, Path)) and value is not None \
                and not isinstance(value, (str, Path)):
            raise ValueError("must be text")
        if isinstance(value, str) and any(unicodedata.category(ch) == "Cc" for ch in value):
            raise ValueError("must not contain control characters")
        if isinstance(value, str) and any(unicodedata.category(ch) == "Cs" for ch in value):
            raise ValueError("must be valid Unicode (it holds an escaped surrogate such as \\udc80)")
        return value


_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)


def cron_problem(expression: str) -> str | None:
    """Why Prefect's ``Cron`` schedule would refuse ``expression`` (``hour 99 is outside 0-23``), or None.

    The grammar is the one Prefect validates deployments with: croniter's (Prefect vendors it and
    refuses its random ``R`` and hashed ``H`` fields), so ``L``, ``1#2``, ``?``, ``@daily`` and a
    sixth (seconds) field are accepted as the deployment accepts them. The plain 5-field form is
    checked here first without importing croniter (every command loads the config; croniter takes
    about 80 ms to import); only an expression outside it is handed to croniter. Our plain form is
    a subset of croniter's (a test checks each kind), and its reasons are the more precise ones
    where croniter refuses too.
    """
    plain = _plain_cron_problem(expression)
    if plain is None:
        return None
    from croniter import croniter

    if any(field.casefold() in ("r", "h") for field in expression.split()):
        return "random (R) and hashed (H) fields are not supported by Prefect's schedules"
    if croniter.is_valid(expression):
        return None
    if plain == "it needs 5 fields":
        return "it needs 5 fields (6 with seconds), or a nickname such as @daily"
    return plain


def _plain_cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a plain 5-field cron expression, or None: each field a
    comma-separated list of ``*``, ``N``, ``N-M`` (N <= M), optionally ``/STEP`` (STEP >= 1);
    months and weekdays may be spelled ``jan``..``dec``, ``sun``..``sat``."""
    parts = expression.split()
    if len(parts) != 5:
        return "it needs 5 fields"
    for text, (name, low, high, names) in zip(parts, _CRON_FIELDS):
        def number(token: str, name: str = name, low: int = low, high: int = high,
                   names: tuple[str, ...] = names) -> int:
            if token.lower() in names:
                return names.index(token.lower()) + (1 if name == "month" else 0)
            if not token.isascii() or not token.isdigit() or len(token) > 3:
                raise ValueError(f"{name} {token[:MAX_QUOTED]!r} is not a number")
            found = int(token)
            if not low <= found <= high:
                raise ValueError(f"{name} {found} is outside {low}-{high}")
            return found
        try:
            for item in text.split(","):
                span, slash, step = item.partition("/")
                if slash and (not step.isascii() or not step.isdigit() or not 1 <= int(step[:4]) <= high):
                    raise ValueError(f"{name} step {step[:MAX_QUOTED]!r} is not between 1 and {high}")
                if span == "*":
                    continue
                first, dash, last = span.partition("-")
                if dash and number(first) > number(last):
                    raise ValueError(f"{name} range {span!r} runs backwards")
                number(first)
        except ValueError as exc:
            return str(exc)
    return None


_NOT_ZONE_NAMES = frozenset({"right", "posix", "posixrules"})
"""First parts of a tz file name that are not IANA zone names (see ``NightlyConfig._known_zone``)."""


class NightlyConfig(_Section):
    """When the scheduled run fires: a cron expression in the grammar of Prefect's schedules, in an
    IANA time zone."""

    cron: str = "0 3 * * *"
    timezone: str = "Europe/London"

    @field_validator("cron")
    @classmethod
    def _prefect_cron(cls, value: str) -> str:
        problem = cron_problem(value)
        if problem:
            raise ValueError(f"must be a valid cron expression ({problem})")
        return " ".join(value.split())

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """An IANA zone name as Prefect's schedules accept it (``zoneinfo.available_timezones``):
        the copies a tz installation keeps beside the zones — ``right/...`` (clocks counting leap
        seconds), ``posix/...`` and the ``posixrules`` file (zic(8), "-L" and "-p" options) — load
        with ``zoneinfo`` but are no zone names, and ``sweatline serve`` failed on them."""
        if value.split("/", 1)[0] in _NOT_ZONE_NAMES:
            raise ValueError("must be an IANA time zone such as 'Europe/London' or 'UTC' (not a right/ or posix/ copy)")
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
    sweat_sodium_mmol_per_l: float | None = Field(None, ge=10, le=150, json_schema_extra={"unit": "mmol/L"})
    """Measured sweat sodium (lab or patch test), used instead of the population value (Baker et al.
    2016: 35.9 ± 10.4 mmol/L whole-body; 10–90 typical, Baker 2017)."""


WEATHER_PROVIDERS_DIR = Path(__file__).resolve().parents[1] / "weather" / "providers"
"""Where the weather providers live, one module each (:mod:`pipeline.weather.providers`)."""


def weather_provider_names() -> tuple[str, ...]:
    """The config's allowed ``weather.provider`` values: one per provider module (its file name with
    ``-`` for ``_``, which the registry holds its ``NAME`` to), then ``none``. Read from the folder,
    not imported: the kernel imports nothing of ours, and the config is read before any room is."""
    names = sorted(path.stem.replace("_", "-") for path in WEATHER_PROVIDERS_DIR.glob("*.py")
                   if not path.stem.startswith("_"))
    return (*names, "none")


class WeatherConfig(_Section):
    """Where the weather along the route comes from (:mod:`pipeline.weather`).

    ``provider``: one of :func:`weather_provider_names`; ``open-meteo`` asks Open-Meteo (no key) for the hourly weather at the activity's
    positions rounded to :data:`pipeline.weather.PLACE_DEGREES` and its UTC dates; ``none`` asks
    nobody. Left out of the config it is ``none``: positions leave the machine only when the user
    turns the provider on (the shipped ``config/sweatline.yaml`` does, as SPEC shows it).
    ``timeout_s`` bounds one exchange with the server (its retry included); ``cache`` keeps the
    answers in the catalog so a rebuild asks nothing again; ``base_url`` points at a self-hosted
    Open-Meteo (or a test server) serving ``/v1/archive`` and ``/v1/forecast``.
    """

    provider: str = "none"
    timeout_s: float = Field(5.0, gt=0, le=120)
    cache: bool = True
    base_url: str | None = None

    @field_validator("provider", mode="before")
    @classmethod
    def _registered(cls, value: Any) -> Any:
        names = weather_provider_names()
        if not isinstance(value, str) or value not in names:
            expected = " or ".join(", ".join(repr(n) for n in names).rsplit(", ", 1))
            raise PydanticCustomError("literal_error", "not a weather provider", {"expected": expected})
        return value

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


class LimitsConfig(_Section):
    """The guard on each file (:mod:`pipeline.runtime.guard`): its decoding, estimate and report
    run in a worker process that may take at most ``file_time_s`` seconds of wall time and
    ``file_memory_mb`` MiB of address space (``RLIMIT_AS``: what the process maps, which is more
    than it touches: the pipeline's libraries alone map about 450 MB); a file past either is
    rejected with one line and the night goes on. The defaults leave a 10-hour ride (about 4 s and
    300 MB here) far inside both."""

    file_time_s: float = Field(300.0, gt=0, le=86400)
    file_memory_mb: float = Field(2048.0, ge=256, le=1048576)


class DaskConfig(_Section):
    """Past one machine: ``address`` of an existing Dask scheduler
    (``tcp://host:8786``); the nightly then runs its ``process-file`` tasks (``process-files`` with
    the flow's ``batch`` parameter) on that cluster's workers through
    ``prefect_dask.DaskTaskRunner``. Absent: everything runs on this machine."""

    address: str | None = None

    @field_validator("address")
    @classmethod
    def _scheduler_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")):
            raise ValueError("must be a Dask scheduler address such as 'tcp://10.0.0.5:8786'")
        return value


_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"


class IntervalsIcuConfig(_Section):
    """The intervals.icu source (:mod:`pipeline.sources.intervals_icu`): its documented personal API
    (HTTP basic auth, user ``API_KEY``, the key as password), asked for the activities of the last
    ``days`` days and the original file of each one not fetched before.

    ``athlete_id``: yours (``i12345``) or ``"0"`` (the athlete of the key). The key itself is never
    in the YAML: ``api_key_env`` names the environment variable that holds it, and
    ``api_key_block`` (optional) a Prefect Secret block read when that variable is unset.
    ``timeout_s`` bounds each exchange; ``base_url`` points at another server (a test one)."""

    athlete_id: str = Field("0", min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    api_key_env: str = Field("INTERVALS_ICU_API_KEY", pattern=_ENV_NAME)
    api_key_block: str | None = Field(None, min_length=1, max_length=120, pattern=r"^[a-z0-9-]+$")
    days: int = Field(14, ge=1, le=3660)
    timeout_s: float = Field(30.0, gt=0, le=600)
    base_url: str = "https://intervals.icu"

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class SyncConfig(_Section):
    """Sources the nightly pulls activities from before it reads the inbox (``sweatline sync`` pulls
    alone); each optional, none by default: nothing leaves the machine unless one is set."""

    intervals_icu: IntervalsIcuConfig | None = None


class NotifyConfig(_Section):
    """A message after each nightly run (:mod:`pipeline.usecases.notify`, through apprise): ``url``
    is an apprise URL (``ntfys://ntfy.sh/topic``, ``json://host/path`` for a webhook,
    ``mailtos://...``) or ``url_env``, the environment variable holding one (a URL with a password
    stays out of the YAML). A failed night (the run broke, every new file failed, a source failed)
    always sends; ``summary: true`` sends every other night's summary too."""

    url: str | None = Field(None, min_length=3, max_length=2000)
    url_env: str | None = Field(None, pattern=_ENV_NAME)
    summary: bool = False

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError("must be an apprise URL such as 'ntfys://ntfy.sh/my-topic' or 'json://host/path'")
        return value


class Config(_Section):
    """The whole configuration. ``inbox`` and ``data_dir`` are absolute after loading.

    ``inbox`` in the YAML is one folder or a list of folders (a watch mounted as USB storage, a
    folder a phone app or Syncthing exports to): the first is :attr:`inbox`, the others
    :attr:`more_inboxes`, and :attr:`inboxes` gives them all. Every one is only read."""

    inbox: Path = Path("data/inbox")
    more_inboxes: list[Path] = Field(default_factory=list, exclude=True)  # the YAML's inbox list after its first
    data_dir: Path = Path("data")
    nightly: NightlyConfig = NightlyConfig()
    climate: ClimateConfig = ClimateConfig()
    advice: AdviceConfig = AdviceConfig()
    athlete: AthleteConfig = AthleteConfig()
    model: ModelConfig = ModelConfig()
    weather: WeatherConfig = WeatherConfig()
    serve: ServeConfig = ServeConfig()
    units: Literal["metric", "imperial"] = "metric"  # what a person reads (pipeline.core.units); the JSON stays SI
    limits: LimitsConfig = LimitsConfig()
    dask: DaskConfig = DaskConfig()
    sync: SyncConfig = SyncConfig()
    notify: NotifyConfig = NotifyConfig()
    source: Path | None = Field(None, exclude=True)  # the file this was loaded from

    @model_validator(mode="before")
    @classmethod
    def _inbox_list(cls, data: Any) -> Any:
        """``inbox: [a, b]`` -> ``inbox: a`` and ``more_inboxes: [b]``; an empty list, or a list of
        anything but folder names, is refused."""
        if not isinstance(data, dict) or not isinstance(data.get("inbox"), list):
            return data
        if "more_inboxes" in data:
            raise PydanticCustomError("inbox_list", "more_inboxes is not a key of the config: list the folders under inbox")
        folders = data["inbox"]
        if not folders or not all(isinstance(f, str) and f.strip() for f in folders):
            raise PydanticCustomError("inbox_list", "inbox must be a folder or a non-empty list of folder names")
        for folder in folders:
            if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in folder):
                raise PydanticCustomError("inbox_list", "inbox: a folder name holds control characters")
        return {**data, "inbox": folders[0], "more_inboxes": folders[1:]}

    @property
    def inboxes(self) -> list[Path]:
        """Every inbox folder, the configured order kept, each once."""
        return list(dict.fromkeys([Path(self.inbox), *map(Path, self.more_inboxes)]))

    def resolved(self, base_dir: Path) -> "Config":
        """A copy with ``~`` expanded in ``inbox``/``data_dir`` (as a shell would: ``~/x`` is in the
        home folder, not a folder named ``~``) and relative ones resolved against ``base_dir``.

        Raises :class:`ConfigError` when a path cannot be resolved (a symlink loop, a name longer
        than the file system allows)."""
        update: dict[str, Any] = {}
        for key in ("inbox", "data_dir"):
            path = getattr(self, key)
            try:
                update[key] = (base_dir / Path(path).expanduser()).resolve()
            except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (pathlib, Python < 3.13)
                raise ConfigError(key, f"{_quote(str(path))} cannot be used as a folder "
                                       f"({getattr(exc, 'strerror', None) or exc})") from None
        more = []
        for path in self.more_inboxes:
            try:
                more.append((base_dir / Path(path).expanduser()).resolve())
            except (OSError, RuntimeError) as exc:
                raise ConfigError("inbox", f"{_quote(str(path))} cannot be used as a folder "
                                           f"({getattr(exc, 'strerror', None) or exc})") from None
        update["more_inboxes"] = more
        return self.model_copy(update=update)


def _quote(value: Any) -> str:
    """``repr(value)``, cut to :data:`MAX_QUOTED` characters (a 5 MB value stays one short line)."""
    if isinstance(value, str) and len(value) > MAX_QUOTED:
        return repr(value[:MAX_QUOTED]) + f"... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "..."


def _key(loc: tuple[Any, ...]) -> str:
    """The dotted key, each part cut and escaped like a value if it is not a plain short name."""
    parts = []
    for part in loc:
        text = str(part)
        parts.append(text if text.isprintable() and len(text) <= MAX_QUOTED else _quote(part))
    return ".".join(parts)


_KIND_WORDS = {
    "dict_type": "must be a mapping of keys",
    "model_type": "must be a mapping of keys",
    "model_attributes_type": "must be a mapping of keys",
    "string_type": "must be text",
    "path_type": "must be a path (text)",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}


def _describe(error: ErrorDetails) -> str:
    """One pydantic error as ``key: what is allowed, got VALUE`` (the value cut short)."""
    key = _key(error["loc"])
    ctx = error.get("ctx") or {}
    got = _quote(error.get("input"))
    kind = error["type"]
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        field = _field_for(error["loc"])
        hi = field.get("le", field.get("lt"))
        if "gt" in field:  # an open lower bound: 0 itself is refused ("between 0 and 120, got 0" read as a contradiction)
            return f"{key} must be above {field['gt']} and at most {hi}, got {got}"
        return f"{key} must be between {field.get('ge')} and {hi}, got {got}"
    if kind == "extra_forbidden":
        return f"{key} is not a known key"
    if kind == "literal_error":
        return f"{key} must be one of {ctx.get('expected')}, got {got}"
    if kind == "value_error":
        return f"{key} {error['msg'].removeprefix('Value error, ')}, got {got}"
    if kind in _KIND_WORDS:
        return f"{key} {_KIND_WORDS[kind]}, got {got}"
    return f"{key}: {error['msg']}, got {got}"


def describe_all(exc: ValidationError) -> str:
    """Every problem of ``exc``, ``"; "``-separated on one line (past :data:`MAX_LISTED`, counted)."""
    errors = exc.errors()
    listed = [_describe(error) for error in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        listed.append(f"and {len(errors) - MAX_LISTED} more problems")
    return "; ".join(listed)


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
        raise ConfigError(source, describe_all(exc)) from None
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


class _Refused(yaml.YAMLError):
    """A YAML construct the config loader will not expand (alias, deep nesting)."""

    def __init__(self, reason: str, mark: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem_mark = mark


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (``*name``, hence ``<<: *name`` merges) and nesting
    deeper than :data:`MAX_NESTING`: a 451-byte "billion laughs" file must not take gigabytes, nor
    ``[[[[...]]]]`` the interpreter's stack."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused("uses a YAML alias (*name); aliases are not allowed in the config", event.start_mark)
        if self._depth >= MAX_NESTING:
            raise _Refused(f"nests deeper than {MAX_NESTING} levels", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(text: str, source: str) -> Any:
    """Parse config text with :class:`BoundedLoader`; any problem is a one-line :class:`ConfigError`."""
    try:
        return yaml.load(text, Loader=BoundedLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        what = f": {exc.reason}" if isinstance(exc, _Refused) else ""
        raise ConfigError(source, f"not valid YAML{where}{what}") from None
    except (ValueError, RecursionError, MemoryError):  # a 5000-digit integer, say
        raise ConfigError(source, "not a usable YAML config (a value is too long or too deeply nested)") from None


def _read_regular_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``, refused (``OSError``) unless it is a regular file.

    Opened without blocking (``O_NONBLOCK``) and checked with ``fstat`` on the open descriptor: a
    FIFO given as ``--config`` would otherwise wait forever for a writer, and a device never end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "not a regular file"
            raise OSError(f"it is {kind}, not a file" if kind != "not a regular file" else "not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            return handle.read(limit)
    finally:
        if fd >= 0:
            os.close(fd)


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Read, validate and resolve the configuration file (at most :data:`MAX_CONFIG_BYTES`)."""
    path = config_path(explicit)
    try:
        raw = _read_regular_file(path, MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        if explicit or os.environ.get(CONFIG_ENV_VAR):
            raise ConfigError(str(path), "config file not found") from None
        raise ConfigError(str(path), f"config file not found, nor {user_config_path()} (give --config PATH or set "
                                     f"{CONFIG_ENV_VAR})") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(str(path), f"cannot read config file: {getattr(exc, 'strerror', None) or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(str(path), f"config file is larger than {MAX_CONFIG_BYTES // 1024} KiB; is it the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(str(path), "not a text file (the config is UTF-8 YAML)") from None
    data = read_yaml(text, str(path))
    config = parse_config(data, source=str(path), base_dir=path.resolve().parent)
    return config.model_copy(update={"source": path.resolve()})
