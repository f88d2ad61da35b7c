"""Settings: defaults, the TOML file, CHAVA_* variables, precedence and clear errors."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from chava.config import Settings, _setting, setting_help
from chava.errors import ConfigError
from tests.serve_support import CHAVA


def write_toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    settings = Settings.load(root=tmp_path, environ={})
    assert settings == Settings(root=tmp_path)
    assert settings.port == 8080
    assert settings.host == "127.0.0.1"
    assert settings.languages == ("fr", "en")


def test_every_setting_has_a_default_and_a_help_line() -> None:
    help_lines = setting_help()
    assert list(help_lines) == [setting.name for setting in dataclasses.fields(Settings)]
    for setting in dataclasses.fields(Settings):
        assert setting.default is not dataclasses.MISSING, setting.name
        assert help_lines[setting.name].strip(), setting.name


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]


def test_a_mutable_default_is_refused() -> None:
    with pytest.raises(TypeError, match="immutable"):
        _setting(["fr"], "languages")


@pytest.mark.parametrize(
    "text", ['port = 9000\nlanguages = ["en"]\n', '[chava]\nport = 9000\nlanguages = ["en"]\n']
)
def test_toml_file_in_the_root_at_top_level_or_under_chava(tmp_path: Path, text: str) -> None:
    write_toml(tmp_path / "chava.toml", text)
    settings = Settings.load(root=tmp_path, environ={})
    assert (settings.port, settings.languages) == (9000, ("en",))


def test_chava_config_names_the_file(tmp_path: Path) -> None:
    config = write_toml(tmp_path / "elsewhere.toml", 'host = "0.0.0.0"\n')
    settings = Settings.load(root=tmp_path, environ={"CHAVA_CONFIG": str(config)})
    assert settings.host == "0.0.0.0"


def test_chava_root_locates_the_root_and_its_toml_file(tmp_path: Path) -> None:
    write_toml(tmp_path / "chava.toml", "port = 9001\n")
    settings = Settings.load(environ={"CHAVA_ROOT": str(tmp_path)})
    assert (settings.root, settings.port) == (tmp_path, 9001)


def test_precedence_default_then_file_then_environment_then_overrides(tmp_path: Path) -> None:
    write_toml(tmp_path / "chava.toml", 'port = 9000\nhost = "10.0.0.1"\nweb_workers = 3\n')
    environ = {"CHAVA_PORT": "9100", "CHAVA_HOST": "10.0.0.2"}
    settings = Settings.load(root=tmp_path, environ=environ, overrides={"host": "10.0.0.3"})
    assert (settings.web_workers, settings.port, settings.host) == (3, 9100, "10.0.0.3")
    assert settings.build_dir == Path("build")  # untouched: the default


def test_root_argument_beats_the_file(tmp_path: Path) -> None:
    write_toml(tmp_path / "chava.toml", 'root = "/somewhere/else"\n')
    assert Settings.load(root=tmp_path, environ={}).root == tmp_path


@pytest.mark.parametrize(
    ("variable", "raw", "field", "expected"),
    [
        ("CHAVA_PORT", "9200", "port", 9200),
        ("CHAVA_LANGUAGES", "en, fr ,", "languages", ("en", "fr")),
        ("CHAVA_BUILD_DIR", "/tmp/builds", "build_dir", Path("/tmp/builds")),
        ("CHAVA_SPARQL_TIMEOUT", "2.5", "sparql_timeout", 2.5),
        ("CHAVA_DATA_DEFAULT_GRAPH", "", "data_default_graph", None),
        ("CHAVA_DATA_DEFAULT_GRAPH", "urn:graph", "data_default_graph", "urn:graph"),
    ],
)
def test_environment_strings_are_converted_to_the_field_type(
    tmp_path: Path, variable: str, raw: str, field: str, expected: object
) -> None:
    settings = Settings.load(root=tmp_path, environ={variable: raw})
    assert getattr(settings, field) == expected


def test_build_path_is_resolved_against_root(tmp_path: Path) -> None:
    assert Settings(root=tmp_path).build_path == tmp_path / "build"
    assert Settings(root=tmp_path, build_dir=Path("/srv/b")).build_path == Path("/srv/b")


@pytest.mark.parametrize(
    ("toml", "environ", "message"),
    [
        ("", {"CHAVA_PORT": "eighty"}, "CHAVA_PORT: port: 'eighty' is not a valid int"),
        ("port = true\n", {}, "{toml}: port: True is not a valid int"),
        ("port = 80.5\n", {}, "{toml}: port: 80.5 is not a valid int"),
        ("languages = 3\n", {}, "{toml}: languages: expected a list, got 3"),
        ("colour = 'red'\n", {}, "{toml}: unknown setting 'colour'"),
        ("chava = 3\n", {}, "{toml}: [chava] must be a table"),
    ],
)
def test_bad_values_name_the_setting_and_where_it_came_from(
    tmp_path: Path, toml: str, environ: dict[str, str], message: str
) -> None:
    config = write_toml(tmp_path / "chava.toml", toml)
    with pytest.raises(ConfigError) as caught:
        Settings.load(root=tmp_path, environ=environ)
    assert str(caught.value) == message.format(toml=config)


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    config = write_toml(tmp_path / "chava.toml", "port = \n")
    with pytest.raises(ConfigError) as caught:
        Settings.load(root=tmp_path, environ={})
    assert str(caught.value).startswith(f"{config}: ")
    assert "line 1" in str(caught.value)


def test_unknown_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="settings: unknown setting 'colour'"):
        Settings.load(root=tmp_path, environ={}, overrides={"colour": "red"})


def test_missing_settings_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        Settings.load(root=tmp_path, environ={"CHAVA_CONFIG": str(missing)})
    assert str(caught.value) == f"{missing}: settings file not found"


def test_other_environment_variables_are_ignored(tmp_path: Path) -> None:
    settings = Settings.load(root=tmp_path, environ={"PORT": "1", "HOME": "/root"})
    assert settings.port == 8080


# --- checked when loaded: each bad value is one clear ConfigError (issue 15) ----------------

NUMERIC = [
    setting.name
    for setting in dataclasses.fields(Settings)
    if setting.type in ("int", "float", "int | None", "float | None")
]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("languages", "", "at least one language"),
        ("languages", "fr,fr", "twice"),
        ("languages", "fr,not a tag", "not a language tag"),
        ("sparql_timeout", "-5", "more than 0"),
        ("sparql_timeout", "0", "more than 0"),
        ("sparql_timeout", "nan", "not a number"),
        ("sparql_timeout", "inf", "not a number"),
        ("sparql_workers", "0", "at least 1"),
        ("port", "0", "at least 1"),
        ("port", "70000", "at most 65535"),
        ("web_workers", "0", "at least 1"),
        ("web_threads", "0", "at least 1"),
        ("web_body_timeout", "-1", "more than 0"),
        ("sparql_max_results", "0", "at least 1"),
        ("sparql_client_concurrency", "0", "at least 1"),
        ("sparql_rate_limit", "-1", "at least 0"),
        ("sparql_worker_memory_mb", "-1", "at least 0"),
        ("sparql_worker_isolation", "maybe", "not one of require, warn"),
        ("api_page_size", "0", "at least 1"),
        ("api_max_limit", "5", "above api_max_limit"),
        ("remote_read_timeout", "0", "more than 0"),
        ("harvest_page_size", "0", "at least 1"),
        ("host", " ", "interface"),
        ("data_base_iri", "", "must be http(s) and end with '/'"),
        ("data_base_iri", "id/", "must be http(s) and end with '/'"),
        ("data_base_iri", "https://city.example.org/no-slash", "end with '/'"),
        ("data_base_iri", "https:///", "names no host"),
        ("vocabulary_base_iri", "https://city.example.org/a b/", "character IRIs cannot"),
    ],
)
def test_a_bad_value_is_one_clear_error_naming_the_setting_and_its_source(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    variable = "CHAVA_" + name.upper()
    with pytest.raises(ConfigError) as raised:
        Settings.load(root=tmp_path, environ={variable: value})
    message = str(raised.value)
    assert "\n" not in message
    assert says in message
    if name != "api_max_limit":  # a combination: named by the setting it contradicts
        assert message.startswith(f"{variable}: {name}: ")


@pytest.mark.parametrize("name", NUMERIC)
def test_no_numeric_setting_takes_a_negative_value(tmp_path: Path, name: str) -> None:
    """Every number is checked (a setting added later without bounds still refuses -1)."""
    with pytest.raises(ConfigError, match=name):
        Settings.load(root=tmp_path, environ={"CHAVA_" + name.upper(): "-1"})


def test_settings_made_directly_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="languages"):
        Settings(languages=())
    with pytest.raises(ConfigError, match="sparql_timeout"):
        dataclasses.replace(Settings(), sparql_timeout=-5)


def test_the_bounds_allow_the_values_the_docs_name(tmp_path: Path) -> None:
    """0 where the docs say it means "none" (caches, rate, budget, memory limit)."""
    zeros = (
        "representation_cache_bytes",
        "sparql_cache_bytes",
        "sparql_rate_limit",
        "sparql_client_budget",
        "sparql_worker_memory_mb",
        "api_cache_items",
        "web_queue_length",
        "sparql_queue_length",
        "cache_max_age",
        "sparql_max_offset",
    )
    environ = {"CHAVA_" + name.upper(): "0" for name in zeros}
    settings = Settings.load(root=tmp_path, environ=environ)
    assert all(getattr(settings, name) == 0 for name in zeros)


def test_an_empty_data_base_iri_is_one_line_and_exit_2_not_a_traceback(tmp_path: Path) -> None:
    """Found building with CHAVA_DATA_BASE_IRI unset by a shell: the dumps' writer raised a bare
    ValueError ("Invalid prefix chava IRI 'id/'") mid-build; the setting is now refused first."""
    completed = subprocess.run(
        [str(CHAVA), "--root", str(tmp_path), "build"],
        env={**os.environ, "CHAVA_DATA_BASE_IRI": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "data_base_iri" in lines[0]
