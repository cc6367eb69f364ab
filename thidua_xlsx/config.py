"""The configuration of a campaign: campaign.toml, units.csv, its folders and output paths (the bottom layer:
it imports no step of the round)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from pathlib import Path

from thidua_xlsx import presets
from thidua_xlsx.catalogue import Catalogue, parse_catalogue
from thidua_xlsx.errors import CampaignError, OverwriteError
from thidua_xlsx.text import clean, fold
from thidua_xlsx.votes import VoteRule, parse_votes

# Vietnam has one time zone and no daylight saving time.
VN_TZ = timezone(timedelta(hours=7), "ICT")
UNIT_COLUMNS = ("code", "name", "email", "aliases")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
STAGES = ("dang-ky", "de-nghi")
RULE_DEFAULTS = {"tt_ldtt_min_ldtt_share": 0.5, "tt_ldxs_min_ldtt_share": 0.7, "cstdcs_max_share_of_ldtt": 0.15}


@dataclass(frozen=True)
class Unit:
    """One unit that receives a form and sends a return."""

    code: str
    name: str
    email: str = ""
    aliases: tuple[str, ...] = ()

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Folded name, code and aliases: what a header or file name is matched against."""
        return tuple(dict.fromkeys(k for k in (fold(self.name), fold(self.code), *map(fold, self.aliases)) if k))


@dataclass
class CampaignConfig:
    """A campaign's settings and units, loaded from its folder; the steps of the round take it as their input."""

    root: Path
    id: str
    preset: str
    year: int
    issuer: str
    parent: str
    office: str
    place: str
    unit_label: str
    signer: str
    title: str
    movement: str
    start: date
    deadline: date
    council_size: int
    council_list_limit: int
    password: str
    rules: dict[str, float]
    mail: dict[str, object]
    catalogue: Catalogue
    units: list[Unit] = field(default_factory=list)
    history_url: str = ""
    votes: dict[str, VoteRule] = field(default_factory=dict)
    stage: str = "dang-ky"  # dang-ky: registrations at the start of the year; de-nghi: the year-end proposals
    registrations: Path | None = None  # a proposal round: the folder of the year's registration campaign
    require_registration: bool = False  # a proposal for what was not registered is an error (else a warning)
    document_names: dict[str, str] = field(default_factory=dict)  # [papers]: bodies and signers as documents name them

    @property
    def proposal(self) -> bool:
        """A year-end proposal round (đề nghị khen thưởng), checked against the year's registrations."""
        return self.stage == "de-nghi"

    # --- folders -------------------------------------------------------------------------------------------
    @property
    def workbooks_dir(self) -> Path:
        """Where the generated forms go."""
        return self.root / "workbooks"

    @property
    def returns_dir(self) -> Path:
        """Where every collected file is kept, with its log."""
        return self.root / "returns"

    @property
    def reports_dir(self) -> Path:
        """Where the CSVs and the council workbook are written."""
        return self.root / "reports"

    @property
    def report_paths(self) -> dict[str, Path]:
        """The output files of `thidua report`, by name."""
        out = self.reports_dir
        return {"registrations": out / "registrations.csv", "findings": out / "findings.csv",
                "council": out / f"tong-hop-{self.year}.xlsx"}

    @property
    def deadline_end(self) -> datetime:
        """The last moment a return is on time: the end of the deadline day, Vietnam time."""
        return datetime.combine(self.deadline, time(23, 59, 59), VN_TZ)

    def unit(self, code: str) -> Unit:
        """The unit with this code, or a CampaignError naming it."""
        for unit in self.units:
            if unit.code == code:
                return unit
        raise CampaignError(f"Không có đơn vị mã '{code}' trong units.csv.")

    # --- creating and loading ------------------------------------------------------------------------------
    @classmethod
    def init(cls, root: Path | str, preset: str = "so-cong-thuong", year: int | None = None,
             force: bool = False, stage: str = "dang-ky", registrations: Path | str | None = None
             ) -> "CampaignConfig":
        """Create a campaign folder from a preset (a proposal round linked to its registration campaign with
        stage="de-nghi"); refuse to overwrite an existing campaign unless force."""
        root = Path(root)
        year = year or date.today().year
        toml_text = presets.campaign_toml(preset, year, root.name or f"{preset}-{year}")
        if stage != "dang-ky":
            toml_text = _as_proposal(toml_text, stage, year, registrations)
        units_text = presets.units_csv(preset)
        existing = [p for p in (root / "campaign.toml", root / "units.csv") if p.exists()]
        if existing and not force:
            raise OverwriteError(f"Thư mục '{root}' đã có {existing[0].name}; dùng --force để ghi đè.")
        root.mkdir(parents=True, exist_ok=True)
        (root / "campaign.toml").write_text(toml_text, encoding="utf-8")
        (root / "units.csv").write_text(units_text, encoding="utf-8")
        for sub in ("workbooks", "returns", "reports"):
            (root / sub).mkdir(exist_ok=True)
        return cls.load(root)

    @classmethod
    def load(cls, root: Path | str) -> "CampaignConfig":
        """Load and validate campaign.toml and units.csv; errors name the key or row, in Vietnamese."""
        root = Path(root)
        path = root / "campaign.toml"
        if not path.is_file():
            raise CampaignError(f"Không tìm thấy {path}. Tạo chiến dịch bằng: thidua init {root}")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise CampaignError(f"{path}: tệp phải được lưu với mã UTF-8.") from None
        except tomllib.TOMLDecodeError as exc:
            raise CampaignError(f"{path}: sai cú pháp TOML ({exc}).") from None
        head = data.get("campaign")
        if not isinstance(head, dict):
            raise CampaignError(f"{path}: thiếu bảng [campaign].")
        campaign = cls(
            root=root,
            id=_text(head, "id"),
            preset=str(head.get("preset", "")),
            year=_year(head),
            issuer=_text(head, "issuer"),
            parent=str(head.get("parent", "")),
            office=str(head.get("office", "Văn phòng")),
            place=str(head.get("place", "")),
            unit_label=str(head.get("unit_label", "PHÒNG/ĐƠN VỊ")),
            signer=str(head.get("signer", "THỦ TRƯỞNG ĐƠN VỊ")),
            title=_text(head, "title"),
            movement=str(head.get("movement", "")),
            start=_date(head, "start", date(_year(head), 1, 1)),
            deadline=_date(head, "deadline"),
            council_size=_positive_int(head, "council_size", 11),
            council_list_limit=_positive_int(head, "council_list_limit", 1000),
            password=str(data.get("form", {}).get("password", "")),
            rules=_rules(data.get("rules", {})),
            mail=dict(data.get("mail", {})),
            catalogue=(catalogue := parse_catalogue(data)),
            history_url=str(data.get("history", {}).get("url", "")),
            votes=parse_votes(data.get("votes", {}), catalogue.codes),
            **_stage(root, head, _year(head)),
            document_names=_papers(data.get("papers", {})),
        )
        if any("password" in k.lower() for k in campaign.mail):
            raise CampaignError("campaign.toml: không ghi mật khẩu thư vào [mail]; dùng biến môi trường.")
        campaign.units = load_units(root / "units.csv")
        return campaign


def _as_proposal(text: str, stage: str, year: int, registrations: Path | str | None) -> str:
    """A preset's campaign.toml made a year-end proposal round: its title, a year-end deadline, and the link to
    the registration campaign."""
    if stage not in STAGES:
        raise CampaignError(f"Giai đoạn '{stage}' không hợp lệ ({', '.join(STAGES)}).")
    if not registrations:
        raise CampaignError("Đợt đề nghị khen thưởng cần --registrations: thư mục chiến dịch đăng ký của năm.")
    folder = Path(registrations).resolve()
    if not (folder / "campaign.toml").is_file():
        raise CampaignError(f"Không tìm thấy chiến dịch đăng ký tại {folder} (thiếu campaign.toml).")
    text = re.sub(r'(?m)^title = ".*"$', f'title = "ĐỀ NGHỊ KHEN THƯỞNG NĂM {year}"', text, count=1)
    text = re.sub(r"(?m)^start = .*$", f"start = {year}-11-01", text, count=1)
    text = re.sub(r"(?m)^deadline = .*$", f"deadline = {year}-12-15", text, count=1)
    link = (f'stage = "{stage}"\n# Chiến dịch đăng ký đầu năm: đề nghị được đối chiếu với đăng ký.\n'
            f"registrations = {json.dumps(str(folder), ensure_ascii=False)}\n"
            "# Đề nghị danh hiệu chưa đăng ký: lỗi đến năm 2023 (NĐ 91/2017), từ 2024 là cảnh báo; đặt true để giữ\n"
            "# quy định của địa phương (đăng ký là điều kiện xét tặng).\n"
            f"require_registration = {'true' if year <= 2023 else 'false'}\n")
    return re.sub(r"(?m)^(year = .*\n)", lambda m: m.group(1) + link, text, count=1)


def _stage(root: Path, head: dict, year: int) -> dict[str, object]:
    """stage, registrations and require_registration of [campaign], validated."""
    stage = head.get("stage", "dang-ky")
    if stage not in STAGES:
        raise CampaignError(f"campaign.toml: khóa [campaign].stage phải là {' hoặc '.join(map(repr, STAGES))}, "
                            f"đang là {stage!r}.")
    required = head.get("require_registration", year <= 2023)
    if not isinstance(required, bool):
        raise CampaignError(f"campaign.toml: khóa [campaign].require_registration phải là true hoặc false, "
                            f"đang là {required!r}.")
    if stage == "dang-ky":
        return {"stage": stage, "registrations": None, "require_registration": required}
    value = head.get("registrations")
    if not isinstance(value, str) or not value.strip():
        raise CampaignError("campaign.toml: khóa [campaign].registrations (thư mục chiến dịch đăng ký) bị thiếu.")
    folder = (root / value).resolve()
    if not (folder / "campaign.toml").is_file():
        raise CampaignError(f"campaign.toml: khóa [campaign].registrations: không tìm thấy chiến dịch đăng ký tại "
                            f"{folder}.")
    return {"stage": stage, "registrations": folder, "require_registration": required}


PAPERS_KEYS = ("issuer_name", "parent_name", "decider", "signer_title")


def _papers(table: object) -> dict[str, str]:
    """[papers]: issuer_name, parent_name, decider, signer_title as the documents write them (all optional)."""
    if not isinstance(table, dict):
        raise CampaignError("campaign.toml: [papers] phải là một bảng.")
    for key, value in table.items():
        if key not in PAPERS_KEYS:
            raise CampaignError(f"campaign.toml: khóa [papers].{key} không được hỗ trợ ({', '.join(PAPERS_KEYS)}).")
        if not isinstance(value, str) or not value.strip():
            raise CampaignError(f"campaign.toml: khóa [papers].{key} phải là chuỗi không rỗng, đang là {value!r}.")
    return dict(table)


def _text(table: dict, key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CampaignError(f"campaign.toml: khóa [campaign].{key} bị thiếu hoặc để trống.")
    return value


def _year(table: dict) -> int:
    value = table.get("year")
    if not isinstance(value, int) or not 1990 <= value <= 2100:
        raise CampaignError(f"campaign.toml: khóa [campaign].year phải là năm (ví dụ 2022), đang là {value!r}.")
    return value


def _date(table: dict, key: str, default: date | None = None) -> date:
    value = table.get(key, default)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CampaignError(f"campaign.toml: khóa [campaign].{key} phải là ngày dạng 2022-03-15, đang là {value!r}.")


def _positive_int(table: dict, key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or value < 1:
        raise CampaignError(f"campaign.toml: khóa [campaign].{key} phải là số nguyên dương, đang là {value!r}.")
    return value


def _rules(table: dict) -> dict[str, float]:
    rules = dict(RULE_DEFAULTS)
    for key, value in table.items():
        if key not in RULE_DEFAULTS:
            raise CampaignError(f"campaign.toml: khóa [rules].{key} không được hỗ trợ ({', '.join(RULE_DEFAULTS)}).")
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise CampaignError(f"campaign.toml: khóa [rules].{key} phải là tỷ lệ từ 0 đến 1, đang là {value!r}.")
        rules[key] = float(value)
    return rules


HISTORY_FILE = "lich-su.sqlite"  # the history store when neither the environment nor campaign.toml names one


def history_url(campaign: "CampaignConfig") -> str:
    """THIDUA_HISTORY_URL, else [history].url of campaign.toml, else lich-su.sqlite beside the campaign folder."""
    url = os.environ.get("THIDUA_HISTORY_URL") or campaign.history_url
    if url:
        return url
    return f"sqlite:///{(campaign.root.resolve().parent / HISTORY_FILE).as_posix()}"


def load_units(path: Path) -> list[Unit]:
    """Read and validate units.csv (code,name,email,aliases; aliases separated by ';')."""
    if not path.is_file():
        raise CampaignError(f"Không tìm thấy {path}.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CampaignError(f"{path}: tệp phải được lưu với mã UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [clean(h).lower() for h in reader.fieldnames or []]
    missing = [c for c in UNIT_COLUMNS if c not in header]
    if missing:
        raise CampaignError(f"{path.name}: thiếu cột {', '.join(missing)} (cần các cột: {','.join(UNIT_COLUMNS)}).")
    reader.fieldnames = header
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, 2):
        code, name, email = clean(row.get("code")), clean(row.get("name")), clean(row.get("email"))
        if not any((code, name, email)):
            continue
        if not _CODE.match(code):
            raise CampaignError(f"{path.name} dòng {line}: mã đơn vị {code!r} không hợp lệ "
                                "(chỉ chữ không dấu, số, '_', '-', '.').")
        if code in seen:
            raise CampaignError(f"{path.name} dòng {line}: mã đơn vị '{code}' trùng với dòng {seen[code]}.")
        if not name:
            raise CampaignError(f"{path.name} dòng {line}: đơn vị '{code}' thiếu tên.")
        if email and not _EMAIL.match(email):
            raise CampaignError(f"{path.name} dòng {line}: địa chỉ thư '{email}' của đơn vị '{code}' không hợp lệ.")
        seen[code] = line
        aliases = tuple(a for a in (clean(x) for x in (row.get("aliases") or "").split(";")) if a)
        units.append(Unit(code=code, name=name, email=email, aliases=aliases))
    if not units:
        raise CampaignError(f"{path.name}: chưa có đơn vị nào.")
    return units
