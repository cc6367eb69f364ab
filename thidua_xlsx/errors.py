"""The exceptions of thidua-xlsx: raised when a command cannot go on (findings are values, not exceptions)."""


class ThiduaError(Exception):
    """Base class; the message is Vietnamese and meant for the clerk."""


class CampaignError(ThiduaError):
    """campaign.toml or units.csv is missing or invalid."""


class OverwriteError(ThiduaError):
    """A command would overwrite an existing file or folder without --force."""


class WriteError(ThiduaError):
    """A file could not be written (full disk, read-only folder, ...): the message names the folder and the reason."""
