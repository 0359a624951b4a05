from pathlib import Path

import pytest

from addin_server import create_app
from docplan.errors import ConfigError


def test_config_defaults_then_test_config(workspace):
    assert not create_app({"WORKSPACE": str(workspace)}).testing
    app = create_app({"TESTING": True, "WORKSPACE": str(workspace), "MAX_CONTENT_LENGTH": 1000})
    assert app.testing and app.config["MAX_CONTENT_LENGTH"] == 1000


def test_environment_variables_configure_the_app(workspace, monkeypatch):
    monkeypatch.setenv("DOCPLAN_WORKSPACE", str(workspace))
    monkeypatch.setenv("DOCPLAN_PROCESS_TIMEOUT", "7")
    app = create_app()
    assert app.config["WORKSPACE"] == str(workspace) and app.config["PROCESS_TIMEOUT"] == 7


def test_without_workspace_the_sample_is_copied_not_used_in_place():
    app = create_app({"TESTING": True})
    assert app.config["SAMPLE"] is True
    assert Path(app.config["WORKSPACE"]).resolve() != (Path(__file__).parents[2] / "addin_server" / "sample")
    assert (Path(app.config["WORKSPACE"]) / "plans" / "osterdalen.yaml").is_file()


def test_sample_plan_is_the_example_dataset(example_path):
    sample = Path(__file__).parents[2] / "addin_server" / "sample" / "plans" / "osterdalen.yaml"
    assert sample.read_bytes() == example_path.read_bytes()


def test_a_workspace_without_plans_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="plans"):
        create_app({"WORKSPACE": str(tmp_path)})


def test_a_token_without_sha256_is_a_config_error(workspace):
    (workspace / "workspace.yaml").write_text("tokens:\n  - name: x\n    municipalities: ['3427']\n", "utf-8")
    with pytest.raises(ConfigError, match="sha256"):
        create_app({"WORKSPACE": str(workspace)})
