"""The package as a clerk installs it: a wheel built from the source tree runs the demo from any folder."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_wheel_installed_in_a_fresh_venv_runs_the_demo(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("thidua_xlsx-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    # The dependencies come from the test environment's site-packages, added as a plain path (its .pth files,
    # among them the editable install of this checkout, are not processed): the package itself is the wheel's.
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    where = subprocess.run([python, "-c", "import thidua_xlsx; print(thidua_xlsx.__file__)"], cwd=tmp_path,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    demo = subprocess.run([env_dir / "bin" / "thidua", "demo", "chu-trinh"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr
    reports = Path("chu-trinh", "so-cong-thuong-2022", "reports")
    assert sorted(p.name for p in (tmp_path / reports).iterdir()) == ["findings.csv", "registrations.csv",
                                                                       "tong-hop-2022.xlsx"]
    assert f"  Bảng tổng hợp Hội đồng       {reports / 'tong-hop-2022.xlsx'}\n" in demo.stdout
