"""The weather providers' registry: every module of pipeline/weather/providers is a provider under
its file's name, the config accepts exactly those names (and ``none``), each goes out only through
the room's one door (pipeline.weather.http), which the suite's offline guard holds to 127.0.0.1,
and the forkserver preloads the package, not a list of providers."""
from __future__ import annotations

import ast
import inspect
from datetime import date

import pytest

from pipeline.core.config import parse_config, weather_provider_names
from pipeline.core.errors import ConfigError
from pipeline.usecases.preload import READER_MODULES
from pipeline.weather.models import Place, WeatherRequest
from pipeline.weather.providers import NO_PROVIDER, PROVIDERS, module_name_of

NETWORK_MODULES = {"httpx", "urllib", "http", "socket", "requests", "aiohttp"}


def test_the_config_accepts_exactly_the_registered_providers() -> None:
    assert "open-meteo" in PROVIDERS
    assert set(weather_provider_names()) == set(PROVIDERS) | {NO_PROVIDER}
    for name in weather_provider_names():
        assert parse_config({"weather": {"provider": name}}).weather.provider == name
    with pytest.raises(ConfigError, match="weather.provider must be one of 'open-meteo' or 'none', got 'darksky'"):
        parse_config({"weather": {"provider": "darksky"}})


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_every_provider_has_what_the_service_uses(name: str) -> None:
    module = PROVIDERS[name]
    assert module.__name__.rsplit(".", 1)[-1] == module_name_of(name)
    assert isinstance(module.WORDS, str) and module.WORDS
    assert isinstance(module.MAX_PLACES_PER_REQUEST, int) and module.MAX_PLACES_PER_REQUEST >= 1
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in module.DATASET_WORDS.items())
    places = [Place(515, -1), Place(486, 23)]
    request = module.build_request(places, date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 30))
    assert isinstance(request, WeatherRequest) and request.places == tuple(places)
    assert request.dataset in module.DATASET_WORDS
    assert set(inspect.signature(module.fetch).parameters) == {"request", "timeout_s"}


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_every_provider_goes_out_only_through_the_rooms_door(name: str) -> None:
    tree = ast.parse(inspect.getsource(PROVIDERS[name]))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & NETWORK_MODULES, f"{name} imports {imported & NETWORK_MODULES}: use pipeline.weather.http"


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_the_offline_guard_keeps_every_provider_off_the_internet(name: str) -> None:
    """The suite's autouse guard (tests/conftest.py) refuses any host but 127.0.0.1 for every
    registered provider, without naming any of them."""
    module = PROVIDERS[name]
    request = module.build_request([Place(515, -1)], date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 30))
    with pytest.raises(AssertionError, match="a test tried to reach"):
        module.fetch(request, 1.0)


def test_the_forkserver_preloads_the_providers_package_not_each_provider() -> None:
    assert "pipeline.weather.providers" in READER_MODULES
    assert not [m for m in READER_MODULES if m.startswith("pipeline.weather.providers.")]
