"""Moving results in and out of the history store: a past year's results imported, this year's council verdicts
recorded (read back from the council workbook), a person's years looked up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thidua_xlsx import council_layout as layout
from thidua_xlsx.catalogue import COMPLETION_LEVELS, KINDS
from thidua_xlsx.history_store import HistoryError, HistoryStore
from thidua_xlsx.text import fold, name_key
from thidua_xlsx.verdicts import candidate_rows

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

PASSED = {"dat", "dong y", "thong qua", "x", "co", "duoc", "1", "dat yeu cau", "duoc de nghi"}
NOT_PASSED = {"khong dat", "khong", "khong dong y", "khong thong qua", "0", "loai"}


def read_results(campaign: "CampaignConfig", path) -> pd.DataFrame:
    """A year's final results in the registrations.csv shape (UTF-8 CSV or xlsx), validated."""

    path = Path(path)
    if not path.is_file():
        raise HistoryError(f"Không tìm thấy tệp {path}.")
    try:
        if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
            frame = pd.read_excel(path, engine="calamine", dtype=str).fillna("")
        else:
            frame = pd.read_csv(path, dtype=str, encoding="utf-8", keep_default_na=False)
    except UnicodeDecodeError:
        raise HistoryError(f"{path.name}: tệp CSV phải được lưu với mã UTF-8.") from None
    except Exception as exc:  # pandas and calamine raise many types for a file that is not a table
        raise HistoryError(f"{path.name}: không đọc được ({exc.__class__.__name__}).") from None
    missing = [c for c in ("unit_code", "kind", "name", "completion") if c not in frame.columns]
    if missing:
        raise HistoryError(f"{path.name}: thiếu cột {', '.join(missing)} (cần dạng của registrations.csv).")
    problems = []
    for n, rec in enumerate(frame.to_dict("records"), 2):
        if rec["kind"] not in KINDS:
            problems.append(f"dòng {n}: kind '{rec['kind']}' không hợp lệ ({', '.join(KINDS)})")
        if rec["completion"] not in ("", *COMPLETION_LEVELS):
            problems.append(f"dòng {n}: completion '{rec['completion']}' không hợp lệ")
        if not str(rec["name"]).strip():
            problems.append(f"dòng {n}: thiếu tên")
        for code in campaign.catalogue.codes:
            value = str(rec.get(code, "0") or "0")
            if value not in ("0", "1", "Nhất", "Nhì", "Ba"):
                problems.append(f"dòng {n}: cột {code} ghi '{value}' (chỉ 0, 1 hoặc Nhất/Nhì/Ba)")
    if problems:
        more = f" (và {len(problems) - 5} lỗi khác)" if len(problems) > 5 else ""
        raise HistoryError(f"{path.name}: " + "; ".join(problems[:5]) + more + ".")
    return frame


def import_results(campaign: "CampaignConfig", path, year: int) -> tuple[int, int]:
    """Import a year's results; returns (rows imported, rows of that year replaced)."""

    frame = read_results(campaign, path)
    store = HistoryStore.for_campaign(campaign)
    replaced = store.import_year(campaign.issuer, year, frame, list(campaign.catalogue.codes), str(path))
    return len(frame), replaced


def council_results(campaign: "CampaignConfig") -> tuple[pd.DataFrame, list[str]]:
    """The registrations with only what the council passed ("Kết quả" of the council workbook); and the
    results that could not be understood."""

    paths = campaign.report_paths
    for key in ("registrations", "council"):
        if not paths[key].is_file():
            raise HistoryError(f"Chưa có {paths[key]}; chạy thidua report trước khi ghi kết quả.")
    frame = pd.read_csv(paths["registrations"], dtype=str, keep_default_na=False)
    codes = [c for c in campaign.catalogue.codes if c in frame.columns]
    where = {(r.source_file, r.source_sheet, str(r.source_row)): i for i, r in enumerate(frame.itertuples())}
    passed: dict[int, dict[str, str]] = {}
    unclear = []
    listed: set[tuple] = set()  # (source, section code): decided one by one, never by a unit's whole list
    blocks: list[tuple[str, str]] = []  # (unit code, section code) of the unit lists passed as a whole
    for sheet, _, row, result in candidate_rows(campaign):
        source, section = str(row[layout.SOURCE]), str(row[layout.SECTION])
        whole_unit = source.startswith(layout.UNIT_SOURCE)
        key = tuple(source.split("\t"))
        if not whole_unit:
            listed.add((key, section))
        verdict = fold(result)
        if not result.strip() or verdict in NOT_PASSED:
            continue
        if verdict not in PASSED:
            unclear.append(f"{sheet}: {row[layout.NAME]} ({row[layout.UNIT]}) ghi \"{result}\"")
        elif whole_unit:
            blocks.append((source[len(layout.UNIT_SOURCE):], section))
        elif key in where:
            code, _, value = section.partition("=")
            passed.setdefault(where[key], {})[code] = value or "1"
    for unit_code, section in blocks:
        code, _, value = section.partition("=")
        if code not in frame.columns:
            continue
        chosen = frame[code].eq(value) if value else ~frame[code].isin(("", "0"))
        for i in frame.index[frame["unit_code"].eq(unit_code) & chosen]:
            key = (frame.at[i, "source_file"], frame.at[i, "source_sheet"], frame.at[i, "source_row"])
            if (key, section) not in listed:
                passed.setdefault(i, {})[code] = value or "1"
    result = frame.copy()
    for code in codes:
        result[code] = "0"
    for i, granted in passed.items():
        for code, value in granted.items():
            result.at[i, code] = value
    return result, unclear


def record_results(campaign: "CampaignConfig", all_registered: bool = False) -> tuple[int, int, list[str]]:
    """Store this campaign's results: what the council passed, or every registration; returns (rows,
    replaced, unclear verdicts)."""

    if all_registered:
        path = campaign.report_paths["registrations"]
        if not path.is_file():
            raise HistoryError(f"Chưa có {path}; chạy thidua report trước.")
        frame, unclear, source = read_results(campaign, path), [], str(path)
    else:
        frame, unclear = council_results(campaign)
        source = str(campaign.report_paths["council"])
    frame = frame[frame["unit_code"].ne("")]
    store = HistoryStore.for_campaign(campaign)
    replaced = store.import_year(campaign.issuer, campaign.year, frame, list(campaign.catalogue.codes), source)
    return len(frame), replaced, unclear


def person_years(campaign: "CampaignConfig", name: str) -> pd.DataFrame:
    """Every stored year of the people with this name (any unit), oldest first."""

    store = HistoryStore.for_campaign(campaign, create=False)
    if store is None:
        return pd.DataFrame(columns=["year", "unit_code", "kind", "name", "completion", "honours"])
    rows = store.people(campaign.issuer, {name_key(name)})
    return rows.sort_values(["unit_code", "year"]).drop(columns=["name_key"]) if not rows.empty else rows
