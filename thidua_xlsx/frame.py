"""The registrations frame: the current returns' rows as one DataFrame with the columns of registrations.csv."""

from __future__ import annotations

from itertools import chain, repeat
from typing import TYPE_CHECKING, Iterator, Sequence

if TYPE_CHECKING:
    import pandas as pd

    from thidua_xlsx.config import CampaignConfig
    from thidua_xlsx.reader import Rows

BASE_COLUMNS = ("unit_code", "kind", "name", "completion")
TAIL_COLUMNS = ("note", "source_file", "source_sheet", "source_row")
# What returns say about each registrant besides the registration, empty where a return lacks it (DOMAIN.md 5).
DESCRIPTIVE_COLUMNS = ("honorific", "birth_year", "gender", "position", "sub_unit", "staff_id", "headcount")


def registration_columns(campaign: "CampaignConfig") -> list[str]:
    """The columns of registrations.csv (DOMAIN.md section 5): collective_type when the form has types, then the
    descriptive columns."""
    extra = ["collective_type"] if campaign.catalogue.has_types else []
    return [*BASE_COLUMNS, *campaign.catalogue.codes, *TAIL_COLUMNS, *extra, *DESCRIPTIVE_COLUMNS]


def build_frame(campaign: "CampaignConfig", current: Sequence[tuple[str, str, "Rows"]]) -> "pd.DataFrame":
    """The frame of (unit code, stored file name, rows) of each current return, built column by column by
    chaining each return's column lists (no per-value Python work but the text columns' type check)."""
    import numpy as np
    import pandas as pd

    codes = campaign.catalogue.codes
    class_codes = {i.code for i in campaign.catalogue.items if i.kind == "class"}
    parts = [rows for _, _, rows in current]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    total = int(lengths.sum())

    def joined(name: str) -> list:
        return list(chain.from_iterable(getattr(rows, name) for rows in parts))

    def repeated(values: list[str]) -> pd.Categorical:
        # One value per return: factorised over the returns, then repeated per row (never hashed per row).
        codes_of, categories = pd.factorize(pd.Index(values, dtype=object), sort=True)
        column = pd.Categorical.from_codes(np.repeat(codes_of, lengths), categories=categories.astype(str))
        return column.remove_unused_categories()  # a return without rows names no category


    data: dict[str, object] = {"unit_code": repeated([unit for unit, _, _ in current]),
                               "kind": joined("kind"), "name": joined("name"), "completion": joined("completion")}
    for code in codes:
        values = _item_values(parts, code)
        data[code] = [str(v) for v in values] if code in class_codes else np.fromiter(values, np.int64, count=total)
    data.update({"note": joined("note"), "source_file": repeated([file for _, file, _ in current]),
                 "source_sheet": joined("sheet"), "source_row": np.fromiter(
                     chain.from_iterable(rows.row for rows in parts), dtype=np.int64, count=total)})
    if campaign.catalogue.has_types:
        data["collective_type"] = joined("type")
    data.update({name: joined(name) for name in DESCRIPTIVE_COLUMNS})
    few = {c for c in ("kind", "completion", "source_sheet", "collective_type") if c in data} | class_codes
    for name, values in data.items():
        if isinstance(values, list):  # text: str dtype (checks every value is text), categorical when repeated
            data[name] = pd.Categorical(pd.array(values, dtype="str")) if name in few else pd.array(values, dtype="str")
    # Columns of few distinct values are categoricals: at 10,000 returns (1.5 million rows) each saves its array
    # of pointers (12 MB), and comparisons run on small integer codes.
    return pd.DataFrame(data, columns=registration_columns(campaign))


def _item_values(parts: list["Rows"], code: str) -> Iterator:
    """One item's values over every return (0 where a return lacks the item)."""
    return chain.from_iterable(rows.items.get(code) or repeat(0, len(rows)) for rows in parts)
