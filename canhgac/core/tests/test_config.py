from pathlib import Path

import pytest

from canhgac import config

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_configuration_table_is_generated_from_the_declarations() -> None:
    assert config.markdown_table() in README.read_text(encoding="utf-8")


def test_every_declared_setting_is_documented() -> None:
    for setting in config.SETTINGS:
        assert setting.name.startswith("CANHGAC_")
        assert len(setting.description) > 10


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("yes", True), ("1", True), ("on", True), ("no", False), ("0", False), ("", False)],
)
def test_boolean_settings_read_common_words(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("CANHGAC_DEBUG", raw)
    assert config.value("CANHGAC_DEBUG") is expected


def test_a_malformed_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANHGAC_MAX_UPLOAD_MB", "lots")
    with pytest.raises(ValueError, match="CANHGAC_MAX_UPLOAD_MB"):
        config.value("CANHGAC_MAX_UPLOAD_MB")


def test_lists_are_split_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANHGAC_ALLOWED_HOSTS", "soc.example.gov.vn, 10.0.0.5 ,")
    assert config.value("CANHGAC_ALLOWED_HOSTS") == ["soc.example.gov.vn", "10.0.0.5"]
