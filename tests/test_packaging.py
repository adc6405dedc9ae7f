"""The built-in templates ship with the package: a wheel installed outside the
checkout renders briefs without the checkout's templates/ folder."""

import shutil
import subprocess
import sys
import zipfile

from conftest import REPO


def test_installed_wheel_carries_the_templates(tmp_path, make_workspace):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    for folder in ("briefgen", "templates"):
        shutil.copytree(REPO / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(src)], check=True, capture_output=True)
    (wheel,) = wheels.glob("briefgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("one-pager.html", "fact-sheet.html", "_base.html", "briefgen.css"):
        assert f"briefgen/templates/{template}" in names
    for style_file in ("legal.csl", "citations.lua"):  # briefgen's own citation style and pandoc writer
        assert f"briefgen/compose/styles/{style_file}" in names

    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    root = make_workspace()
    code = (
        "import sys; from briefgen.commands.cli import main; from briefgen import paths; "
        "print(paths.BUILTIN_TEMPLATES, file=sys.stderr); main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--root", str(root), "build", "--format", "html"],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == str(target / "briefgen" / "templates")
    assert "<h1>Brief one</h1>" in (root / "output" / "brief-one.html").read_text()

    # the citation styles work from the installed package too
    proc = subprocess.run(
        [sys.executable, "-c", code, "--root", str(root), "build", "--format", "html", "--style", "legal",
         "--out", str(tmp_path / "legal")],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert "An Act (1996)." in (tmp_path / "legal" / "brief-one.html").read_text()
