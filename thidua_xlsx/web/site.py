"""The campaigns the page serves, found under one folder, and the last consolidation of each kept while nothing it
read has changed (the status and findings pages of a thousand units answer from it)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from thidua_xlsx.campaign import Campaign
from thidua_xlsx.web.jobs import Jobs

if TYPE_CHECKING:
    from thidua_xlsx.consolidate import Consolidation
    from thidua_xlsx.status import UnitStatus

T = TypeVar("T")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class Site:
    """The served folder: its campaigns by folder name, cached consolidations, and the running actions."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.jobs = Jobs()
        self._cache: dict[Path, tuple[tuple, "Consolidation"]] = {}
        self._loaded: dict[Path, tuple[tuple, Campaign]] = {}
        self._memo: dict[tuple[Path, str], tuple["Consolidation", object]] = {}
        self._lock = threading.Lock()

    @property
    def single(self) -> bool:
        """True when the served folder is itself a campaign (no "Tạo chiến dịch" then)."""
        return (self.directory / "campaign.toml").is_file()

    def roots(self) -> dict[str, Path]:
        """Campaign folders by the name used in URLs; a URL never names a path, only one of these keys."""
        return {p.name: p for p in Campaign.find(self.directory)}

    def root(self, slug: str) -> Path | None:
        """The folder of a campaign name, or None."""
        return self.roots().get(slug)

    def load(self, slug: str) -> Campaign | None:
        """The campaign of a name (CampaignError if its files are invalid), or None when there is no such name;
        loaded again only when campaign.toml or units.csv changed."""
        root = self.root(slug)
        if root is None:
            return None
        stamp = (_stamp(root / "campaign.toml"), _stamp(root / "units.csv"))
        with self._lock:
            cached = self._loaded.get(root)
        if cached and cached[0] == stamp:
            return cached[1]
        campaign = Campaign.load(root)
        with self._lock:
            self._loaded[root] = (stamp, campaign)
        return campaign

    def _fingerprint(self, campaign: Campaign) -> tuple:
        from thidua_xlsx.config import history_url
        from thidua_xlsx.returns import LOG_NAME

        files = [campaign.root / "campaign.toml", campaign.root / "units.csv", campaign.returns_dir / LOG_NAME]
        url = history_url(campaign)
        if url.startswith("sqlite:///"):
            files.append(Path(url[len("sqlite:///"):]))
        return tuple(_stamp(p) for p in files)

    def consolidation(self, campaign: Campaign, progress=None) -> "Consolidation":  # noqa: ANN001 - a callback
        """The campaign's consolidation, reused while its inputs are unchanged."""
        key = campaign.root.resolve()
        stamp = self._fingerprint(campaign)
        with self._lock:
            cached = self._cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        result = campaign.consolidate(progress=progress)
        with self._lock:
            self._cache[key] = (stamp, result)
        return result

    def statuses(self, campaign: Campaign) -> list["UnitStatus"]:
        """Campaign.statuses of the cached consolidation, computed once per consolidation."""
        return self.memo(campaign, "statuses", lambda result: campaign.statuses(result))

    def memo(self, campaign: Campaign, name: str, make: Callable[["Consolidation"], T]) -> T:
        """Something derived from the campaign's consolidation alone (its statuses, the rendered status table),
        made once per consolidation."""
        result = self.consolidation(campaign)
        key = (campaign.root.resolve(), name)
        with self._lock:
            cached = self._memo.get(key)
        if cached and cached[0] is result:
            return cached[1]
        value = make(result)
        with self._lock:
            self._memo[key] = (result, value)
        return value

    def forget(self, root: Path) -> None:
        """Drop a cached consolidation (after an action that may change what it read)."""
        with self._lock:
            self._cache.pop(Path(root).resolve(), None)
