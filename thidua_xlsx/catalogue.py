"""The catalogue of a campaign: which sheets the form has and which titles and awards each sheet registers."""

from __future__ import annotations

from dataclasses import dataclass

from thidua_xlsx.errors import CampaignError
from thidua_xlsx.text import fold

COMPLETION_LEVELS: dict[str, str] = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
# Sheet B of the form asks only for the two levels that can carry a title.
TICKED_LEVELS = ("HTXSNV", "HTTNV")
ORDER_CLASSES = ("Nhất", "Nhì", "Ba")
KINDS = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân", "gia_dinh": "Gia đình"}
GROUPS = {"title": "ĐĂNG KÝ DANH HIỆU THI ĐUA", "award": "ĐĂNG KÝ HÌNH THỨC KHEN THƯỞNG"}
ITEM_KINDS = ("tick", "class")
COMPLETION_STYLES = ("text", "ticks", "none")


@dataclass(frozen=True)
class Item:
    """One title or award column of one sheet: a tick, or a class (Huân chương hạng Nhất/Nhì/Ba)."""

    code: str
    label: str
    sheet: str
    group: str
    kind: str = "tick"


@dataclass(frozen=True)
class SheetSpec:
    """One table of the form (A/ Tập thể, B/ Cá nhân, C/ Gia đình)."""

    key: str
    kind: str
    name: str
    title: str
    name_heading: str
    completion: str
    rows: int
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Sheets and items of a campaign, in form order."""

    sheets: tuple[SheetSpec, ...]
    items: tuple[Item, ...]
    headings: tuple[tuple[str, str], ...] = ()  # taught by the clerk: folded heading -> item code or column
    marks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # taught: folded cell text -> item codes, "tick" or "blank"

    def items_of(self, sheet_key: str) -> tuple[Item, ...]:
        """Items of one sheet, titles before awards as on the form."""
        mine = [i for i in self.items if i.sheet == sheet_key]
        return tuple([i for i in mine if i.group == "title"] + [i for i in mine if i.group == "award"])

    @property
    def codes(self) -> tuple[str, ...]:
        """Item codes in first-seen order: the item columns of registrations.csv."""
        return tuple(dict.fromkeys(i.code for i in self.items))

    def sheet(self, kind: str) -> SheetSpec | None:
        """The sheet holding one kind of registrant, if the form has it."""
        return next((s for s in self.sheets if s.kind == kind), None)

    def item(self, code: str) -> Item | None:
        """The first item with this code, for its label."""
        return next((i for i in self.items if i.code == code), None)

    def label(self, code: str, kind: str) -> str:
        """The label of an item as the sheet of this kind shows it (falls back to any sheet, then the code)."""
        spec = self.sheet(kind)
        mine = next((i for i in self.items if i.code == code and spec and i.sheet == spec.key), None)
        found = mine or self.item(code)
        return found.label if found else code

    @property
    def has_types(self) -> bool:
        """Whether a sheet asks for the type of collective (a column of registrations.csv then)."""
        return any(s.types for s in self.sheets)


def _require(table: dict, key: str, where: str, kind: type | tuple[type, ...] = str) -> object:
    if key not in table:
        raise CampaignError(f"campaign.toml: thiếu khóa '{key}' trong {where}.")
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise CampaignError(f"campaign.toml: khóa '{key}' trong {where} không hợp lệ: {value!r}.")
    return value


def _choice(value: object, allowed: tuple[str, ...] | dict, key: str, where: str) -> str:
    if value not in allowed:
        names = ", ".join(allowed)
        raise CampaignError(f"campaign.toml: khóa '{key}' trong {where} là {value!r}, phải là một trong: {names}.")
    return str(value)


def parse_catalogue(data: dict, default_rows: dict[str, int] | None = None) -> Catalogue:
    """Build and validate the catalogue from the [[sheets]] and [[items]] tables of campaign.toml."""
    raw_sheets = data.get("sheets")
    if not isinstance(raw_sheets, list) or not raw_sheets:
        raise CampaignError("campaign.toml: thiếu bảng [[sheets]] (các biểu A/ Tập thể, B/ Cá nhân).")
    sheets = []
    for n, raw in enumerate(raw_sheets, 1):
        where = f"[[sheets]] thứ {n}"
        name = str(_require(raw, "name", where))
        if len(name) > 31:
            raise CampaignError(f"campaign.toml: tên sheet '{name}' trong {where} dài {len(name)} ký tự, tối đa 31.")
        if any(ch in name for ch in "[]:*?/\\"):
            raise CampaignError(f"campaign.toml: tên sheet '{name}' trong {where} có ký tự không được dùng ([]:*?/\\).")
        rows = raw.get("rows", (default_rows or {}).get(str(raw.get("key")), 10))
        if not isinstance(rows, int) or not 1 <= rows <= 2000:
            raise CampaignError(f"campaign.toml: khóa 'rows' trong {where} phải là số dòng từ 1 đến 2000, "
                                f"đang là {rows!r}.")
        types = raw.get("types", [])
        if not isinstance(types, list) or not all(isinstance(t, str) and t.strip() for t in types):
            raise CampaignError(f"campaign.toml: khóa 'types' trong {where} phải là danh sách tên loại tập thể.")
        sheets.append(SheetSpec(
            key=str(_require(raw, "key", where)),
            kind=_choice(raw.get("kind"), KINDS, "kind", where),
            name=name,
            title=str(_require(raw, "title", where)),
            name_heading=str(_require(raw, "name_heading", where)),
            completion=_choice(raw.get("completion", "none"), COMPLETION_STYLES, "completion", where),
            rows=rows,
            types=tuple(types),
        ))
    keys = [s.key for s in sheets]
    _unique_sheets(sheets)
    items = []
    for n, raw in enumerate(data.get("items", []), 1):
        where = f"[[items]] thứ {n}"
        code = str(_require(raw, "code", where))
        if not code.replace("_", "").isalnum() or not code.isupper():
            raise CampaignError(f"campaign.toml: mã '{code}' trong {where} chỉ gồm chữ in hoa, số và dấu gạch dưới.")
        items.append(Item(
            code=code,
            label=str(_require(raw, "label", where)),
            sheet=_choice(raw.get("sheet"), tuple(keys), "sheet", where),
            group=_choice(raw.get("group"), GROUPS, "group", where),
            kind=_choice(raw.get("kind", "tick"), ITEM_KINDS, "kind", where),
        ))
    seen: set[tuple[str, str]] = set()
    for item in items:
        if (item.sheet, item.code) in seen:
            raise CampaignError(f"campaign.toml: mã '{item.code}' xuất hiện hai lần trong sheet {item.sheet}.")
        seen.add((item.sheet, item.code))
    reserved = set(COMPLETION_LEVELS) | {"TT", "NAME", "NOTE"}
    clash = next((i.code for i in items if i.code in reserved), None)
    if clash:
        raise CampaignError(f"campaign.toml: mã '{clash}' trùng với một cột dành riêng, hãy đặt mã khác.")
    codes = {i.code for i in items}
    return Catalogue(sheets=tuple(sheets), items=tuple(items), headings=_taught_headings(data, codes),
                     marks=_taught_marks(data, codes))


def _unique_sheets(sheets: list[SheetSpec]) -> None:
    for field in ("key", "kind", "name"):
        values = [getattr(s, field) for s in sheets]
        dup = next((v for v in values if values.count(v) > 1), None)
        if dup is not None:
            raise CampaignError(f"campaign.toml: khóa '{field}' = {dup!r} bị lặp trong [[sheets]].")


HEADING_TARGETS = ("honorific", "birth_year", "gender", "position", "sub_unit", "staff_id", "headcount",
                   "completion", "items", "note", "ignore")
MARK_WORDS = ("tick", "blank")


def _teaching_table(data: dict, table: str) -> dict:
    raw = data.get(table, {})
    if not isinstance(raw, dict):
        raise CampaignError(f"campaign.toml: [{table}] phải là một bảng các dòng \"chữ trong tệp\" = \"mã\".")
    return raw


def _taught_headings(data: dict, codes: set[str]) -> tuple[tuple[str, str], ...]:
    """[headings]: a heading seen in a return -> an item code, a completion level or a descriptive column."""
    allowed = (*sorted(codes), *COMPLETION_LEVELS, *HEADING_TARGETS)
    taught = []
    for heading, target in _teaching_table(data, "headings").items():
        if not fold(heading) or target not in allowed:
            raise CampaignError(f"campaign.toml: khóa {heading!r} trong [headings] là {target!r}, phải là một "
                                f"trong: {', '.join(allowed)}.")
        taught.append((fold(heading), str(target)))
    return tuple(taught)


def _mark_target(target: str, codes: set[str]) -> bool:
    """"tick", "blank", a level, an item code, or a class item with its class ("HC_LD=Ba")."""
    code, _, cls = target.partition("=")
    return target in (*MARK_WORDS, *COMPLETION_LEVELS) or (code in codes and cls in ("", *ORDER_CLASSES))


def _taught_marks(data: dict, codes: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """[marks]: a cell text -> "tick", "blank", a completion level, or the item codes it stands for (a class as
    "HC_LD=Ba")."""
    taught = []
    for text, target in _teaching_table(data, "marks").items():
        targets = [target] if isinstance(target, str) else target
        ok = isinstance(targets, list) and targets and all(isinstance(t, str) for t in targets) and fold(text)
        bad = [t for t in targets if not _mark_target(t, codes)] if ok else targets
        if not ok or bad or (len(targets) > 1 and set(targets) & set(MARK_WORDS)):
            raise CampaignError(f"campaign.toml: khóa {text!r} trong [marks] là {target!r}, phải là \"tick\", "
                                f"\"blank\", một mức hoàn thành ({', '.join(COMPLETION_LEVELS)}) hoặc (danh sách) mã "
                                f"mục trong: {', '.join(sorted(codes))}.")
        taught.append((fold(text), tuple(targets)))
    return tuple(taught)
