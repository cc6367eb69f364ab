"""The README stays true: the findings table comes from the catalogue, every command is documented."""

from __future__ import annotations

from pathlib import Path

from thidua_xlsx.cli import cli
from thidua_xlsx.findings import catalogue_markdown

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_findings_table_is_generated_from_the_catalogue():
    start = README.index("<!-- findings:start -->\n") + len("<!-- findings:start -->\n")
    end = README.index("<!-- findings:end -->")
    assert README[start:end].strip() == catalogue_markdown()


def test_every_command_is_in_the_reference():
    for name, command in cli.commands.items():
        for sub in getattr(command, "commands", {None: None}):
            assert f"### `thidua {name}{' ' + sub if sub else ''}" in README, (name, sub)


def test_readme_opens_with_the_two_commands():
    assert README.index("scripts/demo") < README.index("## Python API")
    assert "scripts/test" in README[: README.index("## Python API")]


def test_code_passes_the_linter():
    import subprocess
    import sys

    ruff = str(Path(sys.executable).parent / "ruff")  # the one the test extra installs beside this Python
    root = Path(__file__).parent.parent
    result = subprocess.run([ruff, "check", "thidua_xlsx", "tests", "benchmarks"], cwd=root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout
