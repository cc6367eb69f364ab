"""thidua-xlsx: registration rounds for emulation titles and commendations, from forms to the council workbook."""

from thidua_xlsx.campaign import Campaign, Unit
from thidua_xlsx.errors import CampaignError, OverwriteError, ThiduaError

__all__ = ["Campaign", "Unit", "ThiduaError", "CampaignError", "OverwriteError"]
__version__ = "0.1.0"
