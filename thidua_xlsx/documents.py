"""Word documents from templates: a campaign's templates/ folder overrides the bundled ones file by file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from thidua_xlsx.errors import CampaignError, OverwriteError

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

BUNDLED = Path(__file__).resolve().parent / "templates"
ACRONYMS = {"UBND", "HĐND", "PTNT", "MTTQ", "TP", "TX", "KHCN", "LĐTBXH", "TN&MT", "GD&ĐT", "TT&TT", "VH,TT&DL"}
SMALL_WORDS = {"VÀ", "CỦA"}


def regime(year: int) -> str:
    """The legal basis in force for a campaign year."""
    if year <= 2023:
        return "Luật Thi đua, khen thưởng năm 2003, sửa đổi 2013; Nghị định 91/2017/NĐ-CP"
    if year == 2024:
        return "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP"
    return "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 152/2025/NĐ-CP"


def template_path(campaign: "CampaignConfig", name: str) -> Path:
    """The campaign's own templates/<name> if a clerk put one there, else the bundled template."""
    own = campaign.root / "templates" / name
    return own if own.is_file() else BUNDLED / name


def common_context(campaign: "CampaignConfig") -> dict[str, object]:
    """What every document says about the issuing body and the year ([papers] of campaign.toml names them as
    running text wants; without it the capitals of [campaign] are softened)."""
    own = campaign.document_names
    issuer_name = own.get("issuer_name") or _soften(campaign.issuer)
    return {"issuer": campaign.issuer, "issuer_name": issuer_name, "parent": campaign.parent,
            "above": own.get("parent_name") or campaign.parent or "cấp trên", "place": campaign.place or "……",
            "year": campaign.year, "council_size": campaign.council_size,
            "decider": own.get("decider") or f"Thủ trưởng {issuer_name}",
            "signer_title": own.get("signer_title") or "THỦ TRƯỞNG CƠ QUAN", "regime": regime(campaign.year)}


def _soften(name: str) -> str:
    """An issuer written in capitals, in title case for running text; acronyms (UBND, PTNT…) kept."""
    if not name.isupper():
        return name
    return " ".join(w if w in ACRONYMS else w.lower() if w in SMALL_WORDS else w.capitalize()
                    for w in name.split())


def render(campaign: "CampaignConfig", name: str, context: dict[str, object], target: Path,
           force: bool = False) -> Path:
    """Fill a template and save it as target (never over an existing file unless force)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    if target.exists() and not force:
        raise OverwriteError(f"Đã có {target}; dùng --force để ghi lại.")
    source = template_path(campaign, name)
    try:
        doc = DocxTemplate(str(source))
        doc.render({**common_context(campaign), **context}, autoescape=True)
    except TemplateError as exc:
        raise CampaignError(f"Mẫu {source} có lỗi cú pháp ({exc}); sửa lại hoặc xóa để dùng mẫu đi kèm.") from None
    except Exception as exc:  # a file that is not a Word document (docx/zip errors have many types)
        raise CampaignError(f"Không đọc được mẫu {source} ({exc.__class__.__name__}).") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(target)
    return target
