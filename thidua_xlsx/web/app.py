"""The page's routes that show things: campaigns, "Tình hình nộp", findings, a unit, reports, history, downloads.
A thin layer: every figure comes from the round's API (Campaign and the consolidation it returns). The pages are
plain functions, which Starlette runs in its thread pool: a consolidation never blocks the progress pages."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from thidua_xlsx.campaign import Campaign
from thidua_xlsx.catalogue import COMPLETION_LEVELS
from thidua_xlsx.errors import CampaignError, ThiduaError
from thidua_xlsx.findings import SEVERITIES
from thidua_xlsx.web import actions, security
from thidua_xlsx.web.common import campaign_of, home_context, render, site, templates
from thidua_xlsx.web.site import Site

STATIC = Path(__file__).resolve().parent / "static"
PAGE_SIZE = 200


def home(request: Request) -> Response:
    """"Chiến dịch": the campaigns under the folder, with their counts, and the form that creates one."""
    return render(request, "home.html", **home_context(request, {}), error="")


def status_page(request: Request) -> Response:
    """"Tình hình nộp": the `thidua status` table and the actions of the round. The table is rendered once per
    consolidation (a thousand units take ~0.1 s of Jinja2)."""
    from markupsafe import Markup

    from thidua_xlsx.mail import mail_settings

    campaign = campaign_of(request)
    slug = request.path_params["slug"]
    statuses = site(request).statuses(campaign)
    table = site(request).memo(campaign, "status_table", lambda _: Markup(
        templates.get_template("status_table.html").render(statuses=statuses, slug=slug)))
    settings = mail_settings(campaign)
    return render(request, "status.html", campaign=campaign, statuses=statuses, table=table,
                  days_left=(campaign.deadline - date.today()).days, others=campaign.messages_without_returns(),
                  smtp_env=bool(settings.smtp_password), imap_env=bool(settings.imap_password),
                  smtp_user=settings["smtp_user"], imap_user=settings["imap_user"],
                  imap_host=settings["imap_host"])


def findings_page(request: Request) -> Response:
    """"Phát hiện": every finding, filtered by severity, unit and code from the URL query (a link can be shared)."""
    campaign = campaign_of(request)
    report = site(request).consolidation(campaign).report
    q = request.query_params
    severity, unit, code = q.get("muc", ""), q.get("don_vi", ""), q.get("ma", "")
    found = [f for f in report.sorted() if (not severity or f.severity == severity)
             and (not unit or f.unit_code == unit) and (not code or f.code == code)]
    page = max(1, int(q["trang"])) if q.get("trang", "").isdigit() else 1
    pages = max(1, -(-len(found) // PAGE_SIZE))
    return render(request, "findings.html", campaign=campaign, findings=found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE],
                  total=len(found), page=page, pages=pages, counts={s: report.count(s) for s in SEVERITIES},
                  codes=sorted({f.code for f in report.findings}), names={u.code: u.name for u in campaign.units},
                  severity=severity, unit=unit, code=code, query=dict(q))


def unit_page(request: Request) -> Response:
    """A unit: its versions (each downloadable), which is current and why, its rows and its findings."""
    campaign = campaign_of(request)
    try:
        unit = campaign.unit(request.path_params["code"])
    except CampaignError:
        raise HTTPException(404, "Không có đơn vị này.") from None
    result = site(request).consolidation(campaign)
    findings = [f for f in result.report.sorted() if f.unit_code == unit.code]
    versions = [(info, [f for f in findings if f.source_file == info.entry.file and f.source_row is None])
                for info in sorted(result.versions(unit.code), key=lambda i: i.entry.received_at, reverse=True)]
    frame = result.frame[result.frame["unit_code"].eq(unit.code)]
    codes = [c for c in campaign.catalogue.codes if c in frame.columns]
    rows = [{"kind": r["kind"], "name": r["name"], "completion": COMPLETION_LEVELS.get(r["completion"], ""),
             "honours": ", ".join(campaign.catalogue.label(c, r["kind"]) + ("" if str(r[c]) in ("1", "True") else
                                                                           f" hạng {r[c]}")
                                for c in codes if str(r[c]) not in ("0", "", "False")),
             "note": r["note"], "where": f"{r['source_sheet']}, dòng {r['source_row']}"}
            for r in frame.to_dict("records")]
    return render(request, "unit.html", campaign=campaign, unit=unit, versions=versions, rows=rows,
                  findings=findings)


def reports_page(request: Request) -> Response:
    """"Báo cáo": the report files with their dates, and the button that writes them."""
    campaign = campaign_of(request)
    files = [(key, path) for key, path in campaign.report_paths.items() if path.is_file()]
    return render(request, "reports.html", campaign=campaign, files=files, votes=campaign.council_votes())


def history_page(request: Request) -> Response:
    """"Lịch sử": a person looked up by name across years and units; import a year; record the council's results."""
    campaign = campaign_of(request)
    name = request.query_params.get("ten", "").strip()
    rows = []
    if name:
        for r in campaign.find_people(name).to_dict("records"):
            honours = [h.partition("=") for h in str(r["honours"]).split()]
            rows.append({**r, "completion": COMPLETION_LEVELS.get(r["completion"], r["completion"]),
                         "honours": ", ".join(campaign.catalogue.label(c, r["kind"]) + (f" hạng {v}" if v else "")
                                              for c, _, v in honours)})
    return render(request, "history.html", campaign=campaign, name=name, rows=rows, year=campaign.year - 1)


def units_page(request: Request) -> Response:
    """The units table to edit (and a units.csv to upload instead)."""
    campaign = campaign_of(request)
    return render(request, "units.html", campaign=campaign, units=campaign.units, blank=5, error="")


def job_page(request: Request) -> Response:
    """An action's progress (the page refreshes itself while it runs, without script) and then its result."""
    job = site(request).jobs.get(request.path_params["job"])
    if job is None or job.slug != request.path_params["slug"]:
        raise HTTPException(404, "Không có việc này.")
    return render(request, "job.html", campaign=campaign_of(request), job=job)


def _allowed_files(request: Request, campaign: Campaign, area: str) -> tuple[Path, set[str]]:
    """The folder of a download area and the only names that may be fetched from it."""
    if area == "bieu":
        return campaign.workbooks_dir, {f"{u.code}.xlsx" for u in campaign.units}
    if area == "bao-cao":
        return campaign.reports_dir, {p.name for p in campaign.report_paths.values()}
    if area == "tep-thu":
        return campaign.returns_dir, {r.entry.file for r in site(request).consolidation(campaign).returns}
    raise HTTPException(404, "Không có tệp này.")


def download(request: Request) -> Response:
    """A file of the campaign's own folders, by a name the campaign knows; anything else is 404."""
    campaign = campaign_of(request)
    folder, known = _allowed_files(request, campaign, request.path_params["area"])
    name = request.path_params["name"]
    path = folder / name
    if name not in known or not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        raise HTTPException(404, "Không có tệp này.")
    return FileResponse(path, filename=name)


def login_page(request: Request) -> Response:
    """The password form (only when THIDUA_WEB_PASSWORD is set)."""
    return render(request, "login.html", error="")


async def login(request: Request) -> Response:
    """Check the password, with failed attempts rate-limited per client."""
    limiter: security.LoginLimiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    wait = limiter.wait(client)
    if wait:
        return render(request, "login.html", 429, error=f"Nhập sai quá nhiều lần; hãy thử lại sau {wait} giây.")
    form = await security.checked_form(request)
    if request.app.state.password and security.check_password(str(form.get("mat_khau", "")),
                                                              request.app.state.password):
        request.session["auth"] = True
        return RedirectResponse("/", 303)
    limiter.failed(client)
    return render(request, "login.html", 401, error="Mật khẩu không đúng.")


async def logout(request: Request) -> Response:
    """Forget the session."""
    await security.checked_form(request)
    request.session.clear()
    return RedirectResponse("/dang-nhap" if request.app.state.password else "/", 303)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Errors as a page in Vietnamese (never a traceback)."""
    return render(request, "message.html", exc.status_code, title="Không thực hiện được", message=exc.detail)


async def library_error(request: Request, exc: Exception) -> Response:
    """A library error (an invalid units.csv, a refused mail server...) as the sentence it carries."""
    return render(request, "message.html", 422, title="Không thực hiện được", message=str(exc))


async def unexpected(request: Request, exc: Exception) -> Response:
    """Anything else: a sentence for the clerk, never a traceback."""
    return render(request, "message.html", 500, title="Lỗi không mong đợi",
                  message=f"{type(exc).__name__}: {exc}. Hãy báo cho người quản trị.")


def routes() -> list:
    """Every route of the page."""
    c = "/c/{slug}"
    return [
        Route("/", home), Route("/tao", actions.create, methods=["POST"]),
        Route("/dang-nhap", login_page), Route("/dang-nhap", login, methods=["POST"]),
        Route("/dang-xuat", logout, methods=["POST"]),
        Route(c, status_page), Route(f"{c}/phat-hien", findings_page), Route(f"{c}/don-vi/{{code}}", unit_page),
        Route(f"{c}/bao-cao", reports_page), Route(f"{c}/lich-su", history_page),
        Route(f"{c}/danh-sach-don-vi", units_page), Route(f"{c}/viec/{{job}}", job_page),
        Route(f"{c}/tep/{{area}}/{{name}}", download),
        *[Route(f"{c}/{path}", handler, methods=["POST"]) for path, handler in actions.ACTIONS.items()],
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(directory: Path | str, host: str = "127.0.0.1", port: int = 8765, password: str = "") -> Starlette:
    """The page over a folder of campaigns, answering only to the Host it is served at."""
    app = Starlette(routes=routes(), exception_handlers={
        HTTPException: http_error, ThiduaError: library_error, Exception: unexpected}, middleware=[
        Middleware(security.Guard, hosts=security.allowed_hosts(host, port)),
        Middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32), session_cookie="thidua",
                   same_site="strict", https_only=False),
        Middleware(security.Gate, password=password),
    ])
    app.state.site = Site(Path(directory))
    app.state.password = password
    app.state.limiter = security.LoginLimiter()
    return app
