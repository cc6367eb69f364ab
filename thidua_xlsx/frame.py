"""The registrations frame: the current returns' rows as one DataFrame with the columns of registrations.csv."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

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
    joining each return's column lists."""
    import pandas as pd

    codes = campaign.catalogue.codes
    class_codes = {i.code for i in campaign.catalogue.items if i.kind == "class"}
    parts = [rows for _, _, rows in current]

    def joined(name: str) -> list:
        return [v for rows in parts for v in getattr(rows, name)]

    def repeated(values: list[str]) -> list[str]:
        return [v for v, rows in zip(values, parts) for _ in range(len(rows))]

    data: dict[str, object] = {
        "unit_code": repeated([unit for unit, _, _ in current]),
        "kind": joined("kind"), "name": joined("name"), "completion": joined("completion")}
    for code in codes:
        values = [v for rows in parts for v in rows.items.get(code, [0] * len(rows))]
        data[code] = [str(v) for v in values] if code in class_codes else pd.array(values, dtype="int64")
    data.update({"note": joined("note"), "source_file": repeated([file for _, file, _ in current]),
                 "source_sheet": joined("sheet"), "source_row": pd.array(joined("row"), dtype="int64")})
    if campaign.catalogue.has_types:
        data["collective_type"] = joined("type")
    data.update({name: joined(name) for name in DESCRIPTIVE_COLUMNS})
    frame = pd.DataFrame(data, columns=registration_columns(campaign))
    text = [c for c in frame.columns if c not in codes and c != "source_row"] + sorted(class_codes)
    frame[text] = frame[text].astype(str)  # also gives an empty frame text columns
    # Columns of few distinct values as categoricals: at 10,000 returns (1.5 million rows) each saves its array of
    # pointers (12 MB), and comparisons run on small integer codes.
    few = [c for c in ("unit_code", "kind", "completion", "source_file", "source_sheet", "collective_type")
           if c in frame] + sorted(class_codes)
    frame[few] = frame[few].astype("category")
    return frame
