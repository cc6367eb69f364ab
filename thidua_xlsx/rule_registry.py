"""The registry of rules: each rule is a small function over the registrations frame that declares the finding
codes it can emit; rule modules register themselves here and `checks` runs them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

import pandas as pd

from thidua_xlsx.findings import Finding

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

RuleFn = Callable[["CampaignConfig", pd.DataFrame], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its name, the codes it may emit, and the check."""

    name: str
    codes: tuple[str, ...]
    check: RuleFn


RULES: list[Rule] = []


def rule(*codes: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule and the finding codes it can emit."""
    def register(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(fn.__name__, codes, fn))
        return fn
    return register


def ticked(frame: pd.DataFrame, code: str) -> pd.Series:
    """An item column as booleans (a class column is ticked when not "0"); all False when absent."""
    if code not in frame:
        return pd.Series(False, index=frame.index)
    col = frame[code]
    return col.ne(0) if pd.api.types.is_numeric_dtype(col) else col.ne("0")
