"""The round's API: a campaign and every step of the year on it. The CLI and the web page call this, and only this;
each method is a thin call into one step module (imported when used, so light commands stay light)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from thidua_xlsx.config import VN_TZ, CampaignConfig, Unit
from thidua_xlsx.errors import ThiduaError

if TYPE_CHECKING:
    import pandas as pd

    from thidua_xlsx.consolidate import Consolidation
    from thidua_xlsx.mail import SendResult
    from thidua_xlsx.papers import Papers
    from thidua_xlsx.returns import CollectResult
    from thidua_xlsx.status import UnitStatus

__all__ = ["Campaign", "Unit", "VN_TZ"]


class Campaign(CampaignConfig):
    """A campaign loaded from its folder; each step of the round is a method."""

    # --- forms ---------------------------------------------------------------------------------------------
    def generate(self, units: Iterable[str] | None = None, force: bool = False,
                 progress: Callable[[int], None] | None = None) -> list[Path]:
        """Write workbooks/<CODE>.xlsx for every unit (or the given codes); never overwrite unless force."""
        from thidua_xlsx.template import write_unit_workbooks

        chosen = [self.unit(code) for code in units] if units else list(self.units)
        return write_unit_workbooks(self, chosen, force=force, progress=progress)

    def send(self, units: Iterable[str] | None = None, dry_run: bool = False, password: str | None = None,
             progress: Callable[[int], None] | None = None) -> "SendResult":
        """Mail every unit (or the given codes) its form, once; dry_run writes the messages to outbox/."""
        from thidua_xlsx.mail import send_forms

        return send_forms(self, units, dry_run=dry_run, password=password, progress=progress)

    # --- returns -------------------------------------------------------------------------------------------
    def collect(self, paths: Iterable[Path | str], received_at: datetime | None = None) -> "CollectResult":
        """Copy returned files into returns/ (never overwriting) and log them; exact duplicates are skipped."""
        from thidua_xlsx.returns import collect

        return collect(self, [Path(p) for p in paths], received_at=received_at)

    def collect_mailbox(self, password: str | None = None) -> "CollectResult":
        """Fetch new messages from the campaign's IMAP mailbox and collect their spreadsheets."""
        from thidua_xlsx.mail import collect_imap

        return collect_imap(self, password=password)

    def messages_without_returns(self) -> list[dict[str, str]]:
        """Messages fetched from the mailbox that carried no spreadsheet (sender, subject, received at)."""
        from thidua_xlsx.mail import messages_without_returns

        return messages_without_returns(self)

    def consolidate(self, progress: Callable[[int, int], None] | None = None) -> "Consolidation":
        """Read every logged return into one registrations DataFrame and the findings report; the statuses it
        gives are saved for `thidua status` (summary.py)."""
        return self._consolidated(progress)[0]

    def _consolidated(self, progress: Callable[[int, int], None] | None = None
                      ) -> tuple["Consolidation", list["UnitStatus"]]:
        from thidua_xlsx import summary
        from thidua_xlsx.consolidate import consolidate
        from thidua_xlsx.status import unit_statuses

        key = summary.fingerprint(self)
        result = consolidate(self, progress=progress)
        statuses = unit_statuses(self, result)
        # Kept only when the next consolidation would give them again: nothing it read changed meanwhile, this
        # campaign is what its files say now (a web job may hold it for minutes), no reading failed by chance.
        if key is not None and result.settled and summary.fingerprint(self) == key and self._as_on_disk():
            summary.save(self, key, statuses)
        return result, statuses

    def _as_on_disk(self) -> bool:
        """Whether campaign.toml and units.csv still say what this campaign was loaded with."""
        try:
            return type(self).load(self.root) == self
        except ThiduaError:
            return False

    def statuses(self, consolidation: "Consolidation | None" = None) -> list["UnitStatus"]:
        """Each unit's state: received at, on time, late or missing, versions, rows, findings. Without a
        consolidation: the saved statuses while nothing they come from has changed, else a new consolidation's."""
        from thidua_xlsx.status import unit_statuses

        if consolidation is not None:
            return unit_statuses(self, consolidation)
        saved = self.saved_statuses()
        return saved if saved is not None else self._consolidated()[1]

    def saved_statuses(self) -> list["UnitStatus"] | None:
        """The statuses the last consolidation saved, if nothing they come from has changed since; else None."""
        from thidua_xlsx import summary

        key = summary.fingerprint(self)
        return None if key is None else summary.load(self, key)

    def remind(self, late: bool = False, dry_run: bool = False, password: str | None = None,
               progress: Callable[[int], None] | None = None) -> "SendResult":
        """Remind the units with no return (and the late ones with late=True); one reminder per unit and day."""
        from thidua_xlsx.mail import remind

        return remind(self, self.statuses(), late=late, dry_run=dry_run, password=password, progress=progress)

    def send_back(self, units: Iterable[str] | None = None, dry_run: bool = False, force: bool = False,
                  password: str | None = None, fix_by: "date | None" = None,
                  progress: Callable[[int], None] | None = None) -> "SendResult":
        """Send each unit whose current return has errors (or the units named) the list of what to fix, once a
        day unless force; the unit shows as "Chờ bổ sung" until a newer return arrives."""
        from thidua_xlsx.corrections import send_returns

        return send_returns(self, self.consolidate(), units, dry_run=dry_run, force=force, password=password,
                            fix_by=fix_by, progress=progress)

    # --- reports -------------------------------------------------------------------------------------------
    def report(self, consolidation: "Consolidation | None" = None, force: bool = False) -> dict[str, Path]:
        """Write the two CSVs and the council workbook; never replace them unless force."""
        from thidua_xlsx.report import write_reports

        return write_reports(self, consolidation or self.consolidate(), force=force)

    # --- history -------------------------------------------------------------------------------------------
    def import_history(self, path: Path | str, year: int) -> tuple[int, int]:
        """Import a past year's results into the history store; (rows imported, rows of that year replaced)."""
        from thidua_xlsx.history_io import import_results

        return import_results(self, path, year)

    def record_history(self, all_registered: bool = False) -> tuple[int, int, list[str]]:
        """Store this year's results as the council decided them; (rows, replaced, unclear verdicts)."""
        from thidua_xlsx.history_io import record_results

        return record_results(self, all_registered=all_registered)

    def ballots(self, copies: int | None = None, force: bool = False) -> tuple[Path, int]:
        """Write the ballots for the secret vote, one per council member; (path, items voted in secret)."""
        from thidua_xlsx.ballots import write_ballots

        return write_ballots(self, copies=copies, force=force)

    def papers(self, force: bool = False) -> "Papers":
        """Write the minutes, the decision lists and the proposal upward from the council's results."""
        from thidua_xlsx.papers import write_papers

        return write_papers(self, force=force)

    def person_history(self, name: str) -> "pd.DataFrame":
        """Every stored year of the people with this name (any unit), oldest first."""
        from thidua_xlsx.history_io import person_years

        return person_years(self, name)

    # --- for the web page: what it shows that the steps above do not return ---------------------------------
    @staticmethod
    def find(directory: Path | str) -> list[Path]:
        """The campaign folders a folder stands for: itself when it is one, else its direct subfolders that are."""
        directory = Path(directory)
        if (directory / "campaign.toml").is_file():
            return [directory]
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.iterdir() if (p / "campaign.toml").is_file())

    def replace_units(self, text: str) -> list[Unit]:
        """Replace units.csv with this text once it passes the validation of loading (the same messages)."""
        from thidua_xlsx.config import load_units
        from thidua_xlsx.errors import CampaignError

        tmp = self.root / ".units.csv.tmp"
        tmp.write_text(text, encoding="utf-8")
        try:
            units = load_units(tmp)
        except CampaignError as exc:
            tmp.unlink(missing_ok=True)
            raise CampaignError(str(exc).replace(tmp.name, "units.csv")) from None
        tmp.replace(self.root / "units.csv")
        self.units = units
        return units

    def council_votes(self) -> int:
        """How many vote or result cells the council workbook has filled in (0 without a workbook): a workbook
        with votes is never replaced without the clerk's confirmation."""
        from python_calamine import CalamineWorkbook

        from thidua_xlsx import council_layout as col

        path = self.report_paths["council"]
        if not path.is_file():
            return 0
        book = CalamineWorkbook.from_path(str(path))
        filled = 0
        for sheet in col.CANDIDATE_SHEETS:
            if sheet in book.sheet_names:
                rows = book.get_sheet_by_name(sheet).to_python()
                filled += sum(1 for row in rows if len(row) > col.SOURCE and row[col.SOURCE] not in
                              ("", col.SOURCE_HEADING) for c in (col.VOTES, col.RESULT) if str(row[c]).strip())
        return filled

    def find_people(self, text: str) -> "pd.DataFrame":
        """Stored years of the people whose name contains this text, accents and case aside (history lookup)."""
        import pandas as pd

        from thidua_xlsx.history_store import HistoryStore
        from thidua_xlsx.text import fold

        store = HistoryStore.for_campaign(self, create=False)
        frame = store.people(self.issuer) if store else pd.DataFrame(columns=["year", "unit_code", "name"])
        folded = fold(text)
        if frame.empty or not folded:
            return frame.iloc[0:0]
        found = frame[[folded in fold(n) for n in frame["name"]]]
        return found.drop(columns=["name_key"]).sort_values(["name", "unit_code", "year"])
