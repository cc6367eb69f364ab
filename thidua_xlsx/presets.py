"""Bundled presets: a campaign.toml template and a units.csv for each issuing body of the seeds."""

from __future__ import annotations

from importlib import resources

from thidua_xlsx.errors import CampaignError

PRESETS: dict[str, str] = {
    "so-cong-thuong": "Sở Công Thương Quảng Ngãi: danh hiệu thi đua và khen thưởng hằng năm (mẫu KH 278/KH-SCT)",
    "so-nnptnt": "Sở NN&PTNT Thái Bình: phong trào \"Vì người nghèo - Không để ai bị bỏ lại phía sau\"",
    "ubnd-thi-xa": "UBND thị xã Đức Phổ: \"chung sức xây dựng nông thôn mới\", tập thể, cá nhân và gia đình",
}


def _read(name: str, suffix: str) -> str:
    if name not in PRESETS:
        raise CampaignError(f"Không có mẫu '{name}'. Các mẫu có sẵn: {', '.join(PRESETS)}.")
    return resources.files("thidua_xlsx").joinpath("preset_files").joinpath(name + suffix).read_text(encoding="utf-8")


def campaign_toml(name: str, year: int, campaign_id: str) -> str:
    """The preset's campaign.toml text for one year."""
    if not 1990 <= year <= 2100:
        raise CampaignError(f"Năm {year} không hợp lệ (từ 1990 đến 2100).")
    return _read(name, ".toml").replace("@YEAR@", str(year)).replace("@ID@", campaign_id)


def units_csv(name: str) -> str:
    """The preset's units.csv text: the units the seed documents address."""
    return _read(name, ".units.csv")
