"""The `thidua` command: a thin layer over the library; messages in Vietnamese."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path

import click

from thidua_xlsx.campaign import VN_TZ, Campaign
from thidua_xlsx.errors import ThiduaError

CAMPAIGN_ARG = click.argument("campaign", type=click.Path(path_type=Path))


class UserError(click.ClickException):
    """A library error shown as `Lỗi: …` on stderr, exit 1."""

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"Lỗi: {self.format_message()}", err=True)


PIPED_WIDTH = 1000  # a file or a pipe has no width: tables are printed as wide as their cells, never cut


def _console():
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPED_WIDTH
    return console


class _Group(click.Group):
    """Library errors of any subcommand become `Lỗi: …`, exit 1: one place instead of a try in each command."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except ThiduaError as exc:
            raise UserError(str(exc)) from None


def _locked(action: str):
    """Run a command that changes the campaign under its lock (lock.py); whoever waits is told by what and why.
    THIDUA_LOCK_WAIT: how many seconds to wait for another action to finish (default 600)."""
    def wrap(command):
        @functools.wraps(command)
        def run(**kwargs):
            from thidua_xlsx.lock import campaign_lock

            wait = float(os.environ.get("THIDUA_LOCK_WAIT", "600"))
            with campaign_lock(kwargs["campaign"], action, wait, notify=lambda m: click.echo(m, err=True)):
                return command(**kwargs)
        return run
    return wrap


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="thidua-xlsx")
def cli() -> None:
    """thidua: đăng ký thi đua, khen thưởng từ biểu mẫu đến bảng tổng hợp cho Hội đồng."""


@cli.command()
def presets() -> None:
    """Liệt kê các mẫu chiến dịch có sẵn."""
    from thidua_xlsx.presets import PRESETS

    for name, description in PRESETS.items():
        click.echo(f"{name:16} {description}")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--preset", default="so-cong-thuong", show_default=True, help="Mẫu chiến dịch (xem: thidua presets).")
@click.option("--year", type=int, default=None, help="Năm thi đua (mặc định: năm nay).")
@click.option("--force", is_flag=True, help="Ghi đè campaign.toml và units.csv đã có.")
@click.option("--stage", type=click.Choice(["dang-ky", "de-nghi"]), default="dang-ky", show_default=True,
              help="dang-ky: đăng ký đầu năm; de-nghi: đề nghị khen thưởng cuối năm.")
@click.option("--registrations", type=click.Path(path_type=Path), default=None,
              help="Với --stage de-nghi: thư mục chiến dịch đăng ký của năm, để đối chiếu.")
def init(directory: Path, preset: str, year: int | None, force: bool, stage: str,
         registrations: Path | None) -> None:
    """Tạo thư mục chiến dịch (campaign.toml, units.csv) từ một mẫu."""
    campaign = Campaign.init(directory, preset=preset, year=year, force=force, stage=stage,
                             registrations=registrations)
    click.echo(f"Đã tạo chiến dịch {campaign.id} ({campaign.issuer}, năm {campaign.year}, "
               f"hạn {campaign.deadline:%d/%m/%Y}) tại {directory}")
    click.echo(f"  {directory / 'campaign.toml'}\n  {directory / 'units.csv'} ({len(campaign.units)} đơn vị)")
    click.echo(f"Sửa hai tệp này nếu cần, rồi chạy: thidua generate {directory}")


@cli.command()
@CAMPAIGN_ARG
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Chỉ tạo cho đơn vị này (lặp lại được).")
@click.option("--force", is_flag=True, help="Tạo lại cả những biểu đã có.")
@_locked("tạo biểu")
def generate(campaign: Path, units: tuple[str, ...], force: bool) -> None:
    """Tạo biểu đăng ký workbooks/<MÃ>.xlsx cho từng đơn vị."""
    camp = Campaign.load(campaign)
    paths = camp.generate(units or None, force=force)
    click.echo(f"Đã tạo {len(paths)} biểu đăng ký trong {camp.workbooks_dir}")


@cli.command()
@CAMPAIGN_ARG
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--received-at", help="Thời điểm nhận (ví dụ 2022-03-10T08:30), cho tệp đã nhận từ trước.")
@click.option("--imap", is_flag=True, help="Lấy thư mới từ hộp thư IMAP của chiến dịch ([mail] trong campaign.toml).")
@_locked("thu tệp")
def collect(campaign: Path, paths: tuple[Path, ...], received_at: str | None, imap: bool) -> None:
    """Thu các tệp đơn vị gửi về (tệp, thư mục hoặc hộp thư) vào returns/, không bao giờ ghi đè."""
    camp = Campaign.load(campaign)
    if imap:
        result = camp.collect_mailbox(password=_password(camp, "imap"))
        _print_collect(result)
        sys.exit(1 if result.failed else 0)
    if not paths:
        raise click.UsageError("Cần ít nhất một tệp hoặc thư mục (hoặc --imap).")
    when = None
    if received_at:
        try:
            when = datetime.fromisoformat(received_at)
        except ValueError:
            raise click.BadParameter(f"'{received_at}' không phải thời điểm dạng 2022-03-10T08:30",
                                     param_hint="--received-at") from None
        when = when if when.tzinfo else when.replace(tzinfo=VN_TZ)
    result = camp.collect(paths, received_at=when)
    _print_collect(result)
    if result.failed or not (result.added or result.duplicates):
        sys.exit(1)


def _print_collect(result) -> None:
    for entry in result.added:
        click.echo(f"+ {entry.source} -> returns/{entry.file}")
    for source, existing in result.duplicates:
        click.echo(f"= {source}: trùng nội dung với returns/{existing}, bỏ qua")
    for source, reason in result.skipped:
        click.echo(f"- {source}: {reason}, bỏ qua")
    for source, reason in result.failed:
        click.echo(f"! {source}: chưa thu được: {reason}", err=True)
    click.echo(f"Đã thu {len(result.added)} tệp mới, {len(result.duplicates)} tệp trùng, "
               f"{len(result.skipped)} tệp bỏ qua" + (f", {len(result.failed)} tệp chưa thu được." if result.failed
                                                      else "."))


def _password(camp: Campaign, kind: str) -> str:
    """The SMTP or IMAP password: from the environment, else asked (never from a file, never printed)."""
    from thidua_xlsx.mail import mail_settings

    settings = mail_settings(camp)
    if not settings[f"{kind}_user"]:
        return ""
    value = settings.smtp_password if kind == "smtp" else settings.imap_password
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"Thiếu mật khẩu {kind.upper()}: đặt biến môi trường THIDUA_{kind.upper()}_PASSWORD.")
    return click.prompt(f"Mật khẩu {kind.upper()} của {settings[f'{kind}_user']}", hide_input=True)


def _print_send(result, action: str) -> None:
    for code, _ in result.sent:
        click.echo(f"+ {code}")
    for code in result.already:
        click.echo(f"= {code}: đã {action} trước đó, bỏ qua")
    for code in result.no_email:
        click.echo(f"- {code}: chưa có địa chỉ thư trong units.csv")
    for code, answer in result.refused:
        click.echo(f"! {code}: máy chủ từ chối ({answer})")
    if result.outbox:
        click.echo(f"Chạy thử: {len(result.sent)} thư đã ghi vào {result.outbox}, không gửi thư nào.")
    else:
        click.echo(f"Đã {action} {len(result.sent)} thư; {len(result.already)} đã {action} trước đó, "
                   f"{len(result.no_email)} đơn vị thiếu địa chỉ, {len(result.refused)} bị từ chối.")


def _mail_progress(total: int):
    from rich.progress import Progress

    console = _console()
    return Progress(transient=True, console=console, disable=not console.is_terminal or total < 2)


@cli.command()
@CAMPAIGN_ARG
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Chỉ gửi cho đơn vị này (lặp lại được).")
@click.option("--dry-run", is_flag=True, help="Ghi thư ra outbox/ (.eml), không gửi.")
@_locked("gửi biểu")
def send(campaign: Path, units: tuple[str, ...], dry_run: bool) -> None:
    """Gửi mỗi đơn vị biểu đăng ký của mình qua thư; chạy lại chỉ gửi phần còn thiếu."""
    camp = Campaign.load(campaign)
    password = None if dry_run else _password(camp, "smtp")
    with _mail_progress(len(camp.units)) as bar:
        task = bar.add_task("Gửi thư", total=len(units or camp.units))
        result = camp.send(units or None, dry_run=dry_run, password=password,
                            progress=lambda n: bar.advance(task, n))
    _print_send(result, "gửi")
    if result.refused:
        sys.exit(1)


@cli.command()
@CAMPAIGN_ARG
@click.option("--late", is_flag=True, help="Nhắc cả các đơn vị đã nộp muộn.")
@click.option("--dry-run", is_flag=True, help="Ghi thư ra outbox/ (.eml), không gửi.")
@_locked("nhắc nộp")
def remind(campaign: Path, late: bool, dry_run: bool) -> None:
    """Nhắc các đơn vị chưa nộp (và, với --late, đơn vị nộp muộn); mỗi đơn vị một thư mỗi ngày."""
    camp = Campaign.load(campaign)
    password = None if dry_run else _password(camp, "smtp")
    with _mail_progress(len(camp.units)) as bar:
        task = bar.add_task("Gửi thư nhắc", total=None)
        result = camp.remind(late=late, dry_run=dry_run, password=password,
                              progress=lambda n: bar.advance(task, n))
    _print_send(result, "nhắc")
    if result.refused:
        sys.exit(1)


@cli.command("return")
@CAMPAIGN_ARG
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Chỉ trả lại cho đơn vị này (lặp lại được).")
@click.option("--fix-by", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Hạn gửi lại biểu đã sửa (mặc định: 5 ngày sau hôm nay).")
@click.option("--dry-run", is_flag=True, help="Ghi thư ra outbox/ (.eml), không gửi.")
@click.option("--force", is_flag=True, help="Gửi lại cả cho đơn vị đã được trả lại hôm nay.")
def return_(campaign: Path, units: tuple[str, ...], fix_by: datetime | None, dry_run: bool, force: bool) -> None:
    """Trả lại để bổ sung: gửi mỗi đơn vị có lỗi danh sách lỗi cần sửa (kèm bảng tính) và hạn gửi lại."""
    camp = Campaign.load(campaign)
    password = None if dry_run else _password(camp, "smtp")
    with _mail_progress(len(camp.units)) as bar:
        task = bar.add_task("Gửi thư trả lại", total=None)
        result = camp.send_back(units or None, dry_run=dry_run, force=force, password=password,
                                fix_by=fix_by.date() if fix_by else None, progress=lambda n: bar.advance(task, n))
    _print_send(result, "trả lại")
    if result.refused:
        sys.exit(1)


def _consolidate(camp: Campaign):
    from rich.progress import Progress

    console = _console()
    with Progress(transient=True, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("Đọc các tệp đã thu", total=None)
        return camp.consolidate(progress=lambda n, total: bar.update(task, completed=n, total=total))


@cli.command()
@CAMPAIGN_ARG
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def check(campaign: Path, fmt: str) -> None:
    """Kiểm tra các tệp đã thu; thoát mã 1 nếu có lỗi."""
    camp = Campaign.load(campaign)
    result = _consolidate(camp) if fmt == "table" else camp.consolidate()
    report = result.report
    if fmt == "json":
        click.echo(json.dumps(report.as_dicts(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from thidua_xlsx.report import write_findings_csv

        buffer = io.StringIO()
        write_findings_csv(report, buffer)
        click.echo(buffer.getvalue(), nl=False)
    else:
        from thidua_xlsx.render import findings_table

        _console().print(findings_table(camp, report))
    sys.exit(report.exit_code)


@cli.command()
@CAMPAIGN_ARG
def status(campaign: Path) -> None:
    """Tình hình nộp của từng đơn vị: thời điểm nhận, đúng hạn/muộn/chưa nộp, số bản, số dòng, phát hiện."""
    from thidua_xlsx.render import status_table

    camp = Campaign.load(campaign)
    console = _console()
    statuses = camp.saved_statuses()
    table = status_table(camp, camp.statuses(_consolidate(camp)) if statuses is None else statuses)
    console.print(table, crop=False)  # the table cuts its lines to the terminal itself, without measuring them again
    others = camp.messages_without_returns()
    if others:
        console.print(f"Thư không có tệp bảng tính đính kèm ({len(others)}):")
        for row in others:
            console.print(f"  {row['received_at']}  {row['sender']}  {row['subject']}", markup=False)


@cli.command()
@CAMPAIGN_ARG
@click.option("--force", is_flag=True, help="Ghi lại các báo cáo đã có.")
@_locked("tạo báo cáo")
def report(campaign: Path, force: bool) -> None:
    """Viết reports/registrations.csv, reports/findings.csv và bảng tổng hợp cho Hội đồng."""
    camp = Campaign.load(campaign)
    result = _consolidate(camp)
    paths = camp.report(result, force=force)
    r = result.report
    rows = "dòng đề nghị" if camp.proposal else "dòng đăng ký"
    click.echo(f"{len(result.frame)} {rows}; {r.count('error')} lỗi, {r.count('warning')} cảnh báo, "
               f"{r.count('info')} thông tin.")
    for path in paths.values():
        click.echo(f"  {path}")
    if result.faults:
        codes = ", ".join(sorted({f.code for f in result.faults}))
        click.echo(f"Có {len(result.faults)} sự cố không do đơn vị gây ra ({codes}); xem findings.csv.", err=True)
        sys.exit(1)


@cli.group()
def history() -> None:
    """Lịch sử thi đua các năm (kho SQLite hoặc PostgreSQL) cho các tiêu chí nhiều năm."""


@history.command("import")
@CAMPAIGN_ARG
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--year", type=int, required=True, help="Năm của kết quả.")
@_locked("nhập kết quả vào kho lịch sử")
def history_import(campaign: Path, file: Path, year: int) -> None:
    """Nhập kết quả cuối cùng của một năm (dạng registrations.csv, CSV UTF-8 hoặc xlsx)."""
    camp = Campaign.load(campaign)
    rows, replaced = camp.import_history(file, year)
    note = f" (thay {replaced} dòng đã có của năm {year})" if replaced else ""
    click.echo(f"Đã nhập {rows} dòng kết quả năm {year}{note}.")


@history.command("record")
@CAMPAIGN_ARG
@click.option("--all-registered", is_flag=True, help="Ghi mọi đăng ký, không đợi cột Kết quả của Hội đồng.")
@_locked("ghi kết quả vào kho lịch sử")
def history_record(campaign: Path, all_registered: bool) -> None:
    """Sau phiên họp Hội đồng: ghi kết quả năm nay (cột "Kết quả" của bảng tổng hợp) vào kho lịch sử."""
    camp = Campaign.load(campaign)
    rows, replaced, unclear = camp.record_history(all_registered=all_registered)
    for line in unclear:
        click.echo(f"? {line}: không hiểu kết quả, coi như chưa đạt")
    note = f" (thay {replaced} dòng đã ghi trước đó)" if replaced else ""
    click.echo(f"Đã ghi {rows} dòng kết quả năm {camp.year}{note}.")


@cli.command()
@CAMPAIGN_ARG
@click.option("--copies", type=click.IntRange(min=1), default=None,
              help="Số phiếu (mặc định: số thành viên Hội đồng, council_size).")
@click.option("--force", is_flag=True, help="Ghi lại tệp phiếu bầu đã có.")
def ballots(campaign: Path, copies: int | None, force: bool) -> None:
    """In phiếu bầu (Word) cho các mục bỏ phiếu kín: mỗi thành viên Hội đồng một phiếu."""
    camp = Campaign.load(campaign)
    path, items = camp.ballots(copies=copies, force=force)
    click.echo(f"Đã tạo {copies or camp.council_size} phiếu bầu, {items} mục bỏ phiếu kín: {path}")


@cli.command()
@CAMPAIGN_ARG
@click.option("--force", is_flag=True, help="Ghi lại các văn bản đã có.")
def papers(campaign: Path, force: bool) -> None:
    """Sau phiên họp: biên bản, danh sách kèm theo quyết định, tờ trình đề nghị cấp trên (Word) và bảng danh sách."""
    camp = Campaign.load(campaign)
    result = camp.papers(force=force)
    for line in result.unclear:
        click.echo(f"? {line}: không hiểu kết quả, coi như chưa đạt")
    click.echo(f"Quyết định tại cấp này: {result.decided_here} lượt; đề nghị cấp trên: {result.proposed} lượt.")
    for path in result.paths.values():
        click.echo(f"  {path}")


@history.command("show")
@CAMPAIGN_ARG
@click.argument("name")
def history_show(campaign: Path, name: str) -> None:
    """Các năm đã lưu của một người (theo họ tên)."""
    from rich.table import Table

    from thidua_xlsx.catalogue import COMPLETION_LEVELS
    camp = Campaign.load(campaign)
    rows = camp.person_history(name)
    if rows.empty:
        click.echo(f"Không có \"{name}\" trong kho lịch sử.")
        sys.exit(1)
    table = Table(title=f"Lịch sử: {name}")
    for column in ("Năm", "Đơn vị", "Họ và tên", "Mức độ hoàn thành", "Danh hiệu, khen thưởng"):
        table.add_column(column)
    for r in rows.itertuples():
        honours = ", ".join(camp.catalogue.label(h.split("=")[0], r.kind) + (f" hạng {h.split('=')[1]}" if "=" in h
                                                                           else "") for h in r.honours.split())
        table.add_row(str(r.year), r.unit_code, r.name, COMPLETION_LEVELS.get(r.completion, r.completion), honours)
    _console().print(table)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path), required=False, default=Path("."))
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ phục vụ; khác 127.0.0.1 thì cần "
              "THIDUA_WEB_PASSWORD.")
@click.option("--port", type=int, default=8765, show_default=True, help="Cổng (0: một cổng còn trống).")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
def web(directory: Path, host: str, port: int, no_browser: bool) -> None:
    """Trang web cho văn thư: cả đợt đăng ký trên trình duyệt (DIRECTORY: một chiến dịch hoặc thư mục chứa chúng)."""
    from thidua_xlsx.web import serve
    from thidua_xlsx.web.security import NeedsPassword

    try:
        serve(directory, host=host, port=port, browser=not no_browser, echo=click.echo)
    except NeedsPassword as exc:
        raise click.UsageError(str(exc)) from None


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path), required=False)
def demo(directory: Path | None) -> None:
    """Chạy cả năm trên ví dụ đi kèm: đăng ký, trả lại để bổ sung, đề nghị cuối năm, phiếu bầu, kết quả, văn bản."""
    from thidua_xlsx.demo import run_demo

    directory = directory or Path("demo") / datetime.now().strftime("%Y%m%d-%H%M%S")
    outputs = run_demo(directory, echo=click.echo)
    click.echo("\nKết quả:")
    for label, path in outputs.items():
        click.echo(f"  {label:28} {path}")


# click's own usage errors, said in Vietnamese (the detail after the colon may stay as click wrote it).
_USAGE_VI = (
    (re.compile(r"^Missing argument '(.+)'\.$"), "Thiếu tham số {0}."),
    (re.compile(r"^Missing option '(.+)'\.$"), "Thiếu tùy chọn {0}."),
    (re.compile(r"^No such command '(.+)'\.$"), "Không có lệnh '{0}'."),
    (re.compile(r"^No such option:? '?([^']+)'?\.?$"), "Không có tùy chọn '{0}'."),
    (re.compile(r"^Invalid value for '(.+?)': (.+)$", re.S), "Giá trị không hợp lệ cho {0}: {1}"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "Thừa tham số: {0}."),
)


def _usage_vi(message: str) -> str:
    for pattern, template in _USAGE_VI:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def main() -> None:
    """Entry point: usage errors exit 2 and library errors exit 1, both as `Lỗi: …` in Vietnamese; an
    unexpected failure never shows a traceback."""
    try:
        code = cli.main(prog_name="thidua", standalone_mode=False)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"Xem: {exc.ctx.command_path} --help", err=True)
        click.echo(f"\nLỗi: {_usage_vi(exc.format_message())}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Đã hủy.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Đã dừng theo yêu cầu.", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: the clerk gets a sentence, developers set THIDUA_DEBUG=1
        if os.environ.get("THIDUA_DEBUG"):
            raise
        click.echo(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}. Chạy lại với THIDUA_DEBUG=1 để xem chi tiết.",
                   err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
