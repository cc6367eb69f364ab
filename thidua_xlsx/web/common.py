"""What every page of the web page shares: the templates, rendering with the CSRF token, the served folder, and
the campaign a URL names."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from thidua_xlsx.campaign import VN_TZ, Campaign
from thidua_xlsx.catalogue import COMPLETION_LEVELS, KINDS
from thidua_xlsx.errors import ThiduaError
from thidua_xlsx.findings import SEVERITY_VI
from thidua_xlsx.web import security
from thidua_xlsx.web.site import Site

HOW_VI = {"_meta": "mã ẩn trong biểu (_meta)", "tiêu đề": "dòng tên đơn vị ở đầu biểu",
          "dòng tập thể": "tên tập thể ở biểu A", "địa chỉ thư": "địa chỉ thư người gửi", "tên tệp": "tên tệp"}
templates = Jinja2Templates(env=Environment(loader=PackageLoader("thidua_xlsx.web", "templates"),
                                            autoescape=select_autoescape(default=True, default_for_string=True)))
templates.env.globals.update(SEVERITY_VI=SEVERITY_VI, KINDS=KINDS, COMPLETION_LEVELS=COMPLETION_LEVELS,
                             HOW_VI=HOW_VI)
STAGING_PREFIX = "thidua-web-"  # the temporary folder an upload waits in before collect copies it into returns/


def _source(text: str) -> str:
    """Where a return came from, as the clerk knows it: an upload through the page by its file name (collect logs
    the temporary path it was copied from)."""
    path = Path(text)
    if path.parent.parent.name.startswith(STAGING_PREFIX):
        return f"tải lên qua trang web ({path.name})"
    return text


templates.env.filters["source"] = _source
templates.env.filters["datetime"] = lambda ts: datetime.fromtimestamp(ts, VN_TZ).strftime("%H:%M %d/%m/%Y")


def render(request: Request, template: str, status: int = 200, **context: object) -> Response:
    """A page, with what every page needs (the CSRF token for its forms, the campaign's name for the menu)."""
    context.update(csrf=security.csrf_token(request), slug=request.path_params.get("slug"), page=template[:-5],
                   auth=bool(request.app.state.password))
    return templates.TemplateResponse(request, template, context, status_code=status)


def site(request: Request) -> Site:
    """The served folder."""
    return request.app.state.site


def campaign_of(request: Request) -> Campaign:
    """The campaign the URL names (404 for an unknown name)."""
    campaign = site(request).load(request.path_params["slug"])
    if campaign is None:
        raise HTTPException(404, "Không có chiến dịch này.")
    return campaign


def home_context(request: Request, form: dict[str, str]) -> dict:
    """What the campaigns page shows (form: the values of the create form to show again)."""
    from thidua_xlsx.presets import PRESETS
    from thidua_xlsx.status import LATE, MISSING, ON_TIME

    rows = []
    for slug in site(request).roots():
        try:
            campaign = site(request).load(slug)
            result = site(request).consolidation(campaign)
        except ThiduaError as exc:
            rows.append({"slug": slug, "error": str(exc)})
            continue
        states = [s.state for s in site(request).statuses(campaign)]
        rows.append({"slug": slug, "campaign": campaign, "returned": states.count(ON_TIME) + states.count(LATE),
                     "late": states.count(LATE), "missing": states.count(MISSING),
                     "errors": result.report.count("error")})
    return {"rows": rows, "presets": PRESETS, "single": site(request).single, "form": form,
            "year": date.today().year}
