"""The page's actions (every POST): each one a call into the round's API, run off the request under the campaign's
lock when it may take long; the page then follows its progress at /c/<name>/viec/<id>."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from thidua_xlsx import Campaign, lock
from thidua_xlsx.errors import ThiduaError
from thidua_xlsx.web import security
from thidua_xlsx.web.common import STAGING_PREFIX, campaign_of, home_context, render
from thidua_xlsx.web.jobs import Job

_FOLDER = re.compile(r"^[\w.-]{1,80}$", re.UNICODE)
COLLECT_BATCH = 20  # files collected per call, so that the page can show progress between calls


def _start(request: Request, campaign: Campaign, title: str, action) -> Response:  # noqa: ANN001 - callable
    """Run an action as a job and send the browser to its progress page; a busy campaign gets the lock's message."""
    site = request.app.state.site
    slug = request.path_params["slug"]
    try:
        job = site.jobs.start(slug, campaign.root, title, action, after=lambda: site.forget(campaign.root))
    except lock.LockedError as exc:
        raise HTTPException(409, str(exc)) from None
    return RedirectResponse(f"/c/{slug}/viec/{job.id}", 303)


async def create(request: Request) -> Response:
    """"Tạo chiến dịch": Campaign.init from a preset and a year, with `thidua init`'s validation and messages."""
    form = await security.checked_form(request)
    site = request.app.state.site
    name, preset, year = (str(form.get(k, "")).strip() for k in ("ten", "mau", "nam"))
    error = ""
    if site.single:
        error = "Thư mục đang mở là một chiến dịch; hãy chạy thidua web với thư mục chứa các chiến dịch."
    elif not _FOLDER.match(name) or name.startswith("."):
        error = "Tên thư mục chỉ gồm chữ, số, '-', '_' và '.' (không bắt đầu bằng dấu chấm)."
    elif not year.isdigit():
        error = f"Năm '{year}' không hợp lệ (ví dụ 2022)."
    if not error:
        try:
            Campaign.init(site.directory / name, preset=preset, year=int(year))
            return RedirectResponse(f"/c/{name}", 303)
        except ThiduaError as exc:
            error = str(exc)
    context = home_context(request, {"ten": name, "mau": preset, "nam": year})
    return render(request, "home.html", 422, **context, error=error)


def _received_at(value: str) -> datetime | None:
    """The time a clerk gives for files that arrived earlier (like --received-at), Vietnam time."""
    from thidua_xlsx.campaign import VN_TZ

    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"'{value}' không phải thời điểm dạng 2022-03-10T08:30.") from None
    return when if when.tzinfo else when.replace(tzinfo=VN_TZ)


async def upload(request: Request) -> Response:
    """"Tải lên": the files go through Campaign.collect (its type checks; its reader's bomb checks later), then
    each file's fate and the unit it was identified as are shown."""
    campaign = campaign_of(request)
    form = await security.checked_form(request, files=True)
    files = [f for f in form.getlist("tep") if isinstance(f, UploadFile) and f.filename]
    if not files:
        await form.close()
        raise HTTPException(422, "Chưa chọn tệp nào.")
    when = _received_at(str(form.get("nhan_luc", "")).strip())
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
    names: dict[str, str] = {}
    try:
        for n, upload_file in enumerate(files):
            if upload_file.size is not None and upload_file.size > security.MAX_FILE_BYTES:
                raise security.TooLarge(f"Tệp '{upload_file.filename}' quá lớn (tối đa "
                                        f"{security.MAX_FILE_BYTES // (1024 * 1024)} MB mỗi tệp).")
            folder = staging / str(n)  # one folder per file: two uploads of the same name never collide
            folder.mkdir()
            path = folder / Path(upload_file.filename.replace("\\", "/")).name
            with path.open("wb") as out:
                shutil.copyfileobj(upload_file.file, out)
            names[str(path.resolve())] = upload_file.filename
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        await form.close()
    site = request.app.state.site

    def run(job: Job) -> dict:
        try:
            return _summary(site, campaign, job, _collect(campaign, job, list(names), when), names)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    return _start(request, campaign, "thu tệp", run)


def _collect(campaign: Campaign, job: Job, paths: list[str], when: datetime | None):  # noqa: ANN202
    """Campaign.collect in batches, so that the page shows progress between them; one CollectResult."""
    from thidua_xlsx.returns import CollectResult

    total = CollectResult()
    for start in range(0, len(paths), COLLECT_BATCH):
        job.progress(start, len(paths), "Thu tệp vào returns/")
        part = campaign.collect(paths[start:start + COLLECT_BATCH], received_at=when)
        total.added += part.added
        total.duplicates += part.duplicates
        total.skipped += part.skipped
        total.failed += part.failed
    return total


def _summary(site, campaign: Campaign, job: Job, result, names: dict[str, str]) -> dict:  # noqa: ANN001
    """Each file's fate; a new file's unit and how it was identified come from the consolidation."""
    job.progress(0, None, "Đọc các tệp đã thu để nhận ra đơn vị")
    infos = {i.entry.file: i for i in site.consolidation(campaign, progress=lambda n, t: job.progress(n, t)).returns}
    units = {u.code: u.name for u in campaign.units}
    rows = []
    for entry in result.added:
        info = infos.get(entry.file)
        code = info.unit_code if info else ""
        rows.append({"file": names.get(entry.source, entry.source), "outcome": "Mới", "stored": entry.file,
                     "unit": code, "unit_name": units.get(code, "Không xác định"),
                     "how": info.identified_by if info else ""})
    rows += [{"file": names.get(s, s), "outcome": f"Trùng nội dung với {e}", "stored": ""}
             for s, e in result.duplicates]
    rows += [{"file": names.get(s, s), "outcome": f"Bỏ qua: {r}", "stored": ""} for s, r in result.skipped]
    rows += [{"file": names.get(s, s), "outcome": f"Chưa thu được: {r}", "stored": ""} for s, r in result.failed]
    failed = f", {len(result.failed)} tệp chưa thu được (gửi lại sau khi khắc phục)" if result.failed else ""
    return {"lines": [f"Đã thu {len(result.added)} tệp mới, {len(result.duplicates)} tệp trùng, "
                      f"{len(result.skipped)} tệp bỏ qua{failed}."], "collected": rows}


async def generate(request: Request) -> Response:
    """"Tạo biểu": Campaign.generate; existing forms are kept unless the clerk ticks "tạo lại"."""
    campaign = campaign_of(request)
    form = await security.checked_form(request)
    force = form.get("tao_lai") == "1"

    def run(job: Job) -> dict:
        job.progress(0, len(campaign.units), "Tạo biểu đăng ký")
        paths = campaign.generate(force=force, progress=job.advance)
        return {"lines": [f"Đã tạo {len(paths)} biểu đăng ký trong {campaign.workbooks_dir}."],
                "workbooks": [p.name for p in paths]}

    return _start(request, campaign, "tạo biểu", run)


def _preview(outbox: Path) -> list[dict]:
    """Every message a dry run wrote, as the recipient would read it."""
    out = []
    for path in sorted(outbox.glob("*.eml")):
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = msg.get_body(("plain",))
        out.append({"to": str(msg["To"]), "subject": str(msg["Subject"]), "body": body.get_content() if body else "",
                    "attachments": [a.get_filename() for a in msg.iter_attachments()]})
    return out


async def _mail(request: Request, remind: bool) -> Response:
    """"Gửi biểu" / "Nhắc nộp": a dry run first (every message shown), then a real send with a password typed
    here or taken from the environment; the password is passed to the call and kept nowhere."""
    from thidua_xlsx.mail import mail_settings

    campaign = campaign_of(request)
    form = await security.checked_form(request)
    dry_run = form.get("that") != "1"
    late = form.get("muon") == "1"
    password = str(form.get("mat_khau", "")) or None
    action = "nhắc nộp" if remind else "gửi biểu"

    def run(job: Job) -> dict:
        job.progress(0, None if remind else len(campaign.units), "Chạy thử" if dry_run else "Gửi thư")
        if remind:
            result = campaign.remind(late=late, dry_run=dry_run, password=password, progress=job.advance)
        else:
            result = campaign.send(dry_run=dry_run, password=password, progress=job.advance)
        settings = mail_settings(campaign)
        lines = [f"{'Chạy thử' if dry_run else 'Đã gửi'}: {len(result.sent)} thư; {len(result.already)} đơn vị đã "
                 f"nhận trước đó; {len(result.no_email)} đơn vị thiếu địa chỉ; {len(result.refused)} bị từ chối."]
        lines += [f"{code}: máy chủ từ chối ({answer})" for code, answer in result.refused]
        return {"lines": lines, "messages": _preview(result.outbox) if result.outbox else [], "dry_run": dry_run,
                "mail": "nhac-nop" if remind else "gui-bieu", "late": late,
                "password_asked": bool(settings["smtp_user"]) and not settings.smtp_password}

    return _start(request, campaign, action + (" (chạy thử)" if dry_run else ""), run)


async def send(request: Request) -> Response:
    """"Gửi biểu"."""
    return await _mail(request, remind=False)


async def remind(request: Request) -> Response:
    """"Nhắc nộp"."""
    return await _mail(request, remind=True)


async def collect_mailbox(request: Request) -> Response:
    """"Thu từ hộp thư": Campaign.collect_mailbox with a password typed here or from the environment."""
    campaign = campaign_of(request)
    form = await security.checked_form(request)
    password = str(form.get("mat_khau", "")) or None
    site = request.app.state.site

    def run(job: Job) -> dict:
        job.progress(0, None, "Lấy thư mới từ hộp thư")
        result = campaign.collect_mailbox(password=password)
        return _summary(site, campaign, job, result, {})

    return _start(request, campaign, "thu từ hộp thư", run)


async def units(request: Request) -> Response:
    """The units table (or an uploaded units.csv) saved through Campaign.replace_units: the CLI's validation."""
    campaign = campaign_of(request)
    form = await security.checked_form(request, files=True)
    upload_file = form.get("tep")
    if isinstance(upload_file, UploadFile) and upload_file.filename:
        try:
            text = (await upload_file.read()).decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        await form.close()
    else:
        rows = zip(*(form.getlist(k) for k in ("code", "name", "email", "aliases")))
        text = _units_csv([[str(v).strip() for v in row] for row in rows])
    try:
        if text is None:
            raise ThiduaError("units.csv: tệp phải được lưu với mã UTF-8.")
        with lock.campaign_lock(campaign.root, "sửa danh sách đơn vị"):
            campaign.replace_units(text)
    except ThiduaError as exc:
        return render(request, "units.html", 422, campaign=campaign, units=campaign.units, blank=5,
                              error=str(exc))
    request.app.state.site.forget(campaign.root)
    return RedirectResponse(f"/c/{request.path_params['slug']}/danh-sach-don-vi?da_luu=1", 303)


def _units_csv(rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "email", "aliases"])
    writer.writerows(r for r in rows if any(r))
    return out.getvalue()


async def report(request: Request) -> Response:
    """"Tạo báo cáo": consolidate and Campaign.report; a council workbook with votes typed in is replaced only
    after the clerk confirms."""
    campaign = campaign_of(request)
    form = await security.checked_form(request)
    votes = campaign.council_votes()
    if votes and form.get("xac_nhan") != "1":
        return render(request, "reports.html", 409, campaign=campaign, files=[], votes=votes, confirm=True)
    site = request.app.state.site

    def run(job: Job) -> dict:
        job.progress(0, None, "Đọc các tệp đã thu")
        result = site.consolidation(campaign, progress=lambda n, t: job.progress(n, t))
        job.progress(0, None, "Viết báo cáo và bảng tổng hợp")
        paths = campaign.report(result, force=True)
        r = result.report
        return {"lines": [f"{len(result.frame)} dòng đăng ký; {r.count('error')} lỗi, {r.count('warning')} cảnh báo, "
                          f"{r.count('info')} thông tin."], "reports": [p.name for p in paths.values()]}

    return _start(request, campaign, "tạo báo cáo", run)


async def history_import(request: Request) -> Response:
    """Import a year's final results into the history store (`thidua history import`)."""
    campaign = campaign_of(request)
    form = await security.checked_form(request, files=True)
    upload_file, year = form.get("tep"), str(form.get("nam", "")).strip()
    if not isinstance(upload_file, UploadFile) or not upload_file.filename or not year.isdigit():
        await form.close()
        raise HTTPException(422, "Cần chọn tệp kết quả và ghi năm (ví dụ 2021).")
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
    path = staging / Path(upload_file.filename.replace("\\", "/")).name
    path.write_bytes(await upload_file.read())
    await form.close()

    def run(job: Job) -> dict:
        try:
            rows, replaced = campaign.import_history(path, int(year))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        note = f" (thay {replaced} dòng đã có của năm {year})" if replaced else ""
        return {"lines": [f"Đã nhập {rows} dòng kết quả năm {year}{note}."]}

    return _start(request, campaign, "nhập kết quả vào kho lịch sử", run)


async def history_record(request: Request) -> Response:
    """Record this year's results from the council workbook (`thidua history record`)."""
    campaign = campaign_of(request)
    form = await security.checked_form(request)
    everyone = form.get("tat_ca") == "1"

    def run(job: Job) -> dict:
        rows, replaced, unclear = campaign.record_history(all_registered=everyone)
        note = f" (thay {replaced} dòng đã ghi trước đó)" if replaced else ""
        return {"lines": [f"Đã ghi {rows} dòng kết quả năm {campaign.year}{note}."] +
                         [f"{line}: không hiểu kết quả, coi như chưa đạt" for line in unclear]}

    return _start(request, campaign, "ghi kết quả vào kho lịch sử", run)


ACTIONS = {"tai-len": upload, "tao-bieu": generate, "gui-bieu": send, "nhac-nop": remind,
           "thu-hop-thu": collect_mailbox, "danh-sach-don-vi": units, "bao-cao": report,
           "lich-su/nhap": history_import, "lich-su/ghi": history_record}
