"""The README's commands are the ones CI runs (no drift), and they point at real things."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def block_after(marker: str) -> list[str]:
    m = re.search(rf"<!--\s*{marker}\s*-->\s*\n```[a-z]*\n(.*?)\n```", README, re.S)
    assert m, f"README.md has no `<!-- {marker} -->` block"
    return [ln.strip() for ln in m.group(1).splitlines() if ln.strip()]


def test_install_command_is_what_ci_runs() -> None:
    assert block_after("install-command") == ["./install.sh"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^\s*bash \./install\.sh\s*$", ci, re.M)
    assert (REPO / "install.sh").stat().st_mode & 0o111


def test_build_command_builds_the_main_example() -> None:
    cmd = block_after("build-command")
    assert cmd == ["screenplay build examples/the_empty_room.film"]
    assert (REPO / "examples" / "the_empty_room.film").is_file()
    # The example's dialogue hole is locked, so the README build never loads a model.
    assert (REPO / "examples" / "the_empty_room.film.lock").is_file()


def test_ci_reads_the_test_command_from_the_readme() -> None:
    (cmd,) = block_after("test-command")
    assert cmd == "python -m pytest -q"
    # Run .ci/run's own extraction on the README and compare.
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    awk = re.search(r"extracted=\$\(awk '(.*?)' README\.md\)", script, re.S)
    assert awk, ".ci/run no longer extracts the test command with awk"
    out = subprocess.run(
        ["awk", awk.group(1), "README.md"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == cmd


def test_readme_images_exist() -> None:
    for rel in re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+)\)", README):
        assert (REPO / rel).is_file(), rel
