"""How the council decides each title or award: secret ballot, show of hands or no vote, and the threshold."""

from __future__ import annotations

from dataclasses import dataclass

from thidua_xlsx.errors import CampaignError

METHODS = {"kin": "Bỏ phiếu kín", "gio_tay": "Biểu quyết giơ tay", "khong": "Không biểu quyết"}
SECRET_BY_DEFAULT = ("CSTD_CS", "CSTD_TINH", "CSTD_TQ")
# NĐ 91/2017 Art 45(8): at least 90% of all members for CSTĐ cấp bộ/tỉnh and toàn quốc (current texts unconfirmed).
NINETY_PERCENT = ("CSTD_TINH", "CSTD_TQ")
NINETY_BASIS = "Nghị định 91/2017/NĐ-CP, Điều 45 khoản 8"
MAJORITY_BASIS = "ngưỡng mặc định, sửa được trong campaign.toml"
LEVELS = {"cap_nay": "quyết định tại cấp này", "cap_tren": "trình cấp trên quyết định"}
# Decided by the level above a department (DOMAIN.md 8): CSTĐ cấp tỉnh/toàn quốc, Bằng khen, Huân chương.
ABOVE_BY_DEFAULT = ("CSTD_TINH", "CSTD_TQ", "BK_", "HC_")


@dataclass(frozen=True)
class VoteRule:
    """One item's way of deciding: the method, the share of all members needed, and where that comes from."""

    method: str
    threshold: float
    strict: bool  # more than the threshold (quá nửa) rather than at least it
    basis: str
    level: str = "cap_nay"  # who decides after the council: this level, or the level above (a proposal)

    @property
    def secret(self) -> bool:
        """Voted by secret ballot: the item gets a section on the ballots."""
        return self.method == "kin"

    @property
    def voted(self) -> bool:
        """The council votes on it (the result is then a formula on the votes typed in)."""
        return self.method != "khong"

    def wording(self) -> str:
        """The rule as the workbook, the ballots and the minutes say it."""
        if not self.voted:
            return f"{METHODS[self.method]}: Hội đồng ghi kết quả"
        share = f"{self.threshold * 100:g}%"
        need = (f"trên {share} tổng số thành viên Hội đồng" if self.strict
                else f"từ {share} tổng số thành viên Hội đồng trở lên")
        return f"{METHODS[self.method]}; đạt khi {need} đồng ý ({self.basis})"

    def passes(self, votes: int, members: int) -> bool:
        """Whether this many votes in favour pass, out of all members."""
        share = votes / members if members else 0.0
        return share > self.threshold if self.strict else share >= self.threshold - 1e-12


def default_rule(code: str) -> VoteRule:
    """The default for an item code: secret for CSTĐ, 90% for CSTĐ cấp tỉnh and toàn quốc, else more than half."""
    method = "kin" if code in SECRET_BY_DEFAULT else "gio_tay"
    level = "cap_tren" if code.startswith(ABOVE_BY_DEFAULT) else "cap_nay"
    if code in NINETY_PERCENT:
        return VoteRule(method, 0.9, False, NINETY_BASIS, level)
    return VoteRule(method, 0.5, True, MAJORITY_BASIS, level)


def parse_votes(table: object, codes: tuple[str, ...]) -> dict[str, VoteRule]:
    """[votes] of campaign.toml: CODE = { vote = "kin"|"gio_tay"|"khong", threshold = 0.9, strict = false,
    basis = "…", level = "cap_nay"|"cap_tren" }; every item code gets its rule (defaults for those not named)."""
    if not isinstance(table, dict):
        raise CampaignError("campaign.toml: [votes] phải là một bảng (ví dụ CSTD_CS = { vote = \"kin\" }).")
    rules = {code: default_rule(code) for code in codes}
    for code, entry in table.items():
        key = f"[votes].{code}"
        if code not in rules:
            raise CampaignError(f"campaign.toml: khóa {key}: không có mục mã '{code}' trong [[items]].")
        if not isinstance(entry, dict):
            raise CampaignError(f"campaign.toml: khóa {key} phải là bảng, ví dụ {{ vote = \"kin\", threshold = 0.9 }}.")
        unknown = sorted(set(entry) - {"vote", "threshold", "strict", "basis", "level"})
        if unknown:
            raise CampaignError(f"campaign.toml: khóa {key}.{unknown[0]} không được hỗ trợ "
                                "(vote, threshold, strict, basis, level).")
        base = rules[code]
        method = entry.get("vote", base.method)
        if method not in METHODS:
            raise CampaignError(f"campaign.toml: khóa {key}.vote phải là \"kin\", \"gio_tay\" hoặc \"khong\", "
                                f"đang là {method!r}.")
        threshold = entry.get("threshold", base.threshold)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
            raise CampaignError(f"campaign.toml: khóa {key}.threshold phải là tỷ lệ trên tổng số thành viên, "
                                f"lớn hơn 0 và không quá 1, đang là {threshold!r}.")
        strict = entry.get("strict", base.strict if "threshold" not in entry else threshold <= 0.5)
        if not isinstance(strict, bool):
            raise CampaignError(f"campaign.toml: khóa {key}.strict phải là true hoặc false, đang là {strict!r}.")
        basis = entry.get("basis", base.basis if "threshold" not in entry else "quy định của Hội đồng")
        if not isinstance(basis, str):
            raise CampaignError(f"campaign.toml: khóa {key}.basis phải là chuỗi, đang là {basis!r}.")
        level = entry.get("level", base.level)
        if level not in LEVELS:
            raise CampaignError(f"campaign.toml: khóa {key}.level phải là \"cap_nay\" hoặc \"cap_tren\", "
                                f"đang là {level!r}.")
        rules[code] = VoteRule(method, float(threshold), strict, basis, level)
    return rules
