"""Settings from the environment: each parser, the defaults, and the error that names the variable."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.app import create_app
from benchmark.config import (
    ConfigError,
    Settings,
    database_url,
    main,
    parse_bool,
    parse_choice,
    parse_int,
    parse_optional_str,
    parse_positive_float,
    parse_str,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Enough for Settings.from_environment without touching instance/secret_key.
BASE = {"SECRET_KEY": "test-secret"}


# parse_int


@pytest.mark.parametrize(("raw", "expected"), [("10", 10), (" 3 ", 3), ("+4", 4), ("0", 0)])
def test_parse_int_reads_whole_numbers(raw: str, expected: int) -> None:
    assert parse_int({"N": raw}, "N", 7) == expected


@pytest.mark.parametrize("environ", [{}, {"N": ""}, {"N": "   "}])
def test_parse_int_unset_or_empty_gives_the_default(environ: dict[str, str]) -> None:
    assert parse_int(environ, "N", 7, minimum=1) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "1e3", "5_000", "0x10", "--1"])
def test_parse_int_rejects_what_is_not_a_whole_number(raw: str) -> None:
    with pytest.raises(ConfigError, match=rf"^N must be a whole number, got '{raw}'$"):
        parse_int({"N": raw}, "N", 7)


def test_parse_int_checks_the_bounds() -> None:
    assert parse_int({"N": "1"}, "N", 7, minimum=1) == 1
    with pytest.raises(ConfigError, match=r"^N must be a whole number ≥ 1, got '0'$"):
        parse_int({"N": "0"}, "N", 7, minimum=1)
    with pytest.raises(ConfigError, match=r"^N must be a whole number ≤ 9, got '10'$"):
        parse_int({"N": "10"}, "N", 7, maximum=9)
    with pytest.raises(ConfigError, match=r"^N must be a whole number from 1 to 65535, got '70000'$"):
        parse_int({"N": "70000"}, "N", 7, minimum=1, maximum=65535)


# parse_bool


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "On", " true "])
def test_parse_bool_true(raw: str) -> None:
    assert parse_bool({"B": raw}, "B", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF"])
def test_parse_bool_false(raw: str) -> None:
    assert parse_bool({"B": raw}, "B", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_parse_bool_unset_or_empty_gives_the_default(default: bool) -> None:
    assert parse_bool({}, "B", default) is default
    assert parse_bool({"B": ""}, "B", default) is default


@pytest.mark.parametrize("raw", ["ture", "2", "enabled"])
def test_parse_bool_rejects_anything_else(raw: str) -> None:
    # Before typed settings, a typo such as "ture" silently meant false.
    with pytest.raises(ConfigError, match=rf"^B must be true or false \(or 1/0, yes/no, on/off\), got '{raw}'$"):
        parse_bool({"B": raw}, "B", True)


# parse_str, parse_optional_str


def test_parse_str() -> None:
    assert parse_str({"S": " redis://host:6379/0 "}, "S", "memory://") == "redis://host:6379/0"
    assert parse_str({"S": ""}, "S", "memory://") == "memory://"
    assert parse_str({}, "S", "memory://") == "memory://"


def test_parse_optional_str() -> None:
    assert parse_optional_str({"S": " mail.example.org "}, "S") == "mail.example.org"
    assert parse_optional_str({"S": " "}, "S") is None
    assert parse_optional_str({}, "S") is None


# parse_choice


def test_parse_choice() -> None:
    choices = ("real", "synthetic")
    assert parse_choice({}, "C", "real", choices) == "real"
    assert parse_choice({"C": "synthetic"}, "C", "real", choices) == "synthetic"
    assert parse_choice({"C": " Synthetic "}, "C", "real", choices) == "synthetic"
    with pytest.raises(ConfigError, match=r"^C must be one of real, synthetic, got 'fake'$"):
        parse_choice({"C": "fake"}, "C", "real", choices)


# database_url


def test_database_url() -> None:
    assert database_url({}).startswith("sqlite:///") and database_url({}).endswith("instance/benchmark.sqlite3")
    assert database_url({"DATABASE_URL": "postgres://u@h/db"}) == "postgresql+psycopg://u@h/db"
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql+psycopg://u@h/db"
    assert database_url({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}) == "sqlite:////tmp/x.sqlite3"


# Settings


def test_the_defaults_are_those_in_the_readme() -> None:
    settings = Settings.from_environment(BASE)
    assert settings.peer_min_group == 10 and settings.sector_min_cell == 10 and settings.workshop_min_group == 5
    assert settings.data_pool == "real" and settings.csrf_time_limit == 86400
    assert settings.mail_server is None and settings.mail_port == 587 and settings.mail_starttls is True
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(Settings):
        assert f"`{field.name.upper()}`" in readme, f"{field.name.upper()} is missing from the README's table"


def test_settings_read_every_variable() -> None:
    settings = Settings.from_environment(
        BASE
        | {
            "PEER_MIN_GROUP": "3",
            "DATA_POOL": "synthetic",
            "SESSION_COOKIE_SECURE": "true",
            "MAIL_SERVER": "mail.example.org",
            "MAIL_PASSWORD": " spaces kept ",
            "PREFERRED_URL_SCHEME": "https",
        }
    )
    assert settings.peer_min_group == 3 and settings.data_pool == "synthetic"
    assert settings.session_cookie_secure is True and settings.preferred_url_scheme == "https"
    assert settings.mail_server == "mail.example.org" and settings.mail_password == " spaces kept "
    config = settings.flask_config()
    assert config["PEER_MIN_GROUP"] == 3 and config["DATA_POOL"] == "synthetic"
    assert config["SESSION_COOKIE_SECURE"] is True and config["SECRET_KEY"] == "test-secret"


def test_settings_are_frozen() -> None:
    settings = Settings.from_environment(BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.peer_min_group = 1  # type: ignore[misc]  # the point of the test


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("PEER_MIN_GROUP", "ten", "PEER_MIN_GROUP must be a whole number ≥ 1, got 'ten'"),
        ("SECTOR_MIN_CELL", "0", "SECTOR_MIN_CELL must be a whole number ≥ 1, got '0'"),
        ("WORKSHOP_REFRESH_SECONDS", "0", "WORKSHOP_REFRESH_SECONDS must be a whole number ≥ 1, got '0'"),
        ("CSRF_TIME_LIMIT", "-5", "CSRF_TIME_LIMIT must be a whole number ≥ 1, got '-5'"),
        ("DATA_POOL", "both", "DATA_POOL must be one of real, synthetic, got 'both'"),
        ("RATELIMIT_ENABLED", "maybe", "RATELIMIT_ENABLED must be true or false"),
        ("MAIL_PORT", "smtp", "MAIL_PORT must be a whole number from 1 to 65535, got 'smtp'"),
        ("PREFERRED_URL_SCHEME", "ftp", "PREFERRED_URL_SCHEME must be one of http, https, got 'ftp'"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_value(name: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_environment(BASE | {name: raw})
    assert str(raised.value).startswith(message)


def test_create_app_stops_on_a_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEER_MIN_GROUP", "ten")
    with pytest.raises(ConfigError, match="PEER_MIN_GROUP must be a whole number ≥ 1, got 'ten'"):
        create_app({"SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_overrides_still_replace_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("PEER_MIN_GROUP", "12")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["PEER_MIN_GROUP"] == 12
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PEER_MIN_GROUP": 3})
    assert app.config["PEER_MIN_GROUP"] == 3


def test_the_config_check_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BASE) == 0
    assert main(BASE | {"DATA_POOL": "fake"}) == 1
    assert capsys.readouterr().err == "Configuration error: DATA_POOL must be one of real, synthetic, got 'fake'\n"


def test_gunicorn_entry_point_reports_the_error_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT,
        env={"SECRET_KEY": "test-secret", "WORKSHOP_MIN_GROUP": "five", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 4  # gunicorn's "App failed to load": the server stops
    assert result.stderr == "Configuration error: WORKSHOP_MIN_GROUP must be a whole number ≥ 1, got 'five'\n"


@pytest.mark.parametrize("raw", ["0", "-1", "nan", "inf", "two", "1,5"])
def test_disclosure_epsilon_must_be_a_positive_number(raw: str) -> None:
    with pytest.raises(ConfigError, match="DISCLOSURE_EPSILON must be a number greater than 0"):
        parse_positive_float({"DISCLOSURE_EPSILON": raw}, "DISCLOSURE_EPSILON", 2.0)


def test_disclosure_epsilon_reads_a_decimal() -> None:
    assert parse_positive_float({"DISCLOSURE_EPSILON": " 0.5 "}, "DISCLOSURE_EPSILON", 2.0) == 0.5
    assert parse_positive_float({}, "DISCLOSURE_EPSILON", 2.0) == 2.0
