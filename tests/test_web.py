"""The web page through Starlette's test client: every page, every action through the round's API, and the
security points with plain HTTP requests."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from conftest import collective, person
from mailservers import smtp_server
from starlette.testclient import TestClient

from thidua_xlsx import Campaign, lock
from thidua_xlsx.web import actions, security
from thidua_xlsx.web.app import create_app

BASE = "http://127.0.0.1:8765"


def client_for(directory: Path, password: str = "") -> TestClient:
    return TestClient(create_app(directory, "127.0.0.1", 8765, password=password), base_url=BASE,
                      follow_redirects=False)


def token(client: TestClient, url: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)


def wait_job(client: TestClient, response) -> str:  # noqa: ANN001 - a response
    """Follow an action's redirect to its progress page until it is done; the final page's text."""
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    assert "/viec/" in url
    for _ in range(600):
        page = client.get(url)
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def upload(client: TestClient, slug: str, paths: list[Path], received_at: str = "2022-03-10T09:00") -> str:
    files = [("tep", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    response = client.post(f"/c/{slug}/tai-len", data={"csrf": token(client, f"/c/{slug}"), "nhan_luc": received_at},
                           files=files)
    return wait_job(client, response)


def text_of(html: str) -> str:
    """The visible text, tags removed and spaces collapsed: what the clerk reads."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def web(campaign):
    return client_for(campaign.root.parent)


def test_campaign_list_then_upload_changes_the_status_table(campaign, web, filled_return):
    home = text_of(web.get("/").text)
    assert f"camp 2022 {campaign.issuer} 15/03/2022 0 0 {len(campaign.units)} 0" in home
    before = text_of(web.get("/c/camp").text)
    assert "VP Văn phòng Sở Chưa nộp 0" in before
    vp = filled_return(campaign, "VP", [collective(), person("Nguyễn Văn An"), person("Trần Thị Bình")],
                       name="Dang ky VP.xlsx")
    note = Path(vp.parent / "ghi-chu.docx")
    note.write_bytes(b"not a spreadsheet")
    done = text_of(upload(web, "camp", [vp, note]))
    assert "Đã thu 1 tệp mới, 0 tệp trùng, 1 tệp bỏ qua." in done
    assert "Dang ky VP.xlsx Mới VP - Văn phòng Sở mã ẩn trong biểu (_meta)" in done
    assert "ghi-chu.docx Bỏ qua: không phải bảng tính (.xlsx, .xls, .ods...)" in done
    after = text_of(web.get("/c/camp").text)
    assert "VP Văn phòng Sở 09:00 10/03/2022 Đúng hạn 1 1 2 0 0 0" in after
    again = text_of(upload(web, "camp", [vp]))
    assert "Dang ky VP.xlsx Trùng nội dung với 20220310-090000_" in again
    assert (f"Chiến dịch Năm Cơ quan Hạn nộp Đã nộp Muộn Chưa nộp Lỗi camp 2022 {campaign.issuer} 15/03/2022 1 0 "
            f"{len(campaign.units) - 1} 0 Tạo chiến dịch") in text_of(web.get("/").text)



def test_an_upload_that_cannot_be_stored_is_said_on_the_page(campaign, web, filled_return, monkeypatch):
    import errno

    from thidua_xlsx import returns
    from thidua_xlsx.files import not_written

    def full_disk(source, folder):  # noqa: ANN001, ANN202 - stands in for copy_hashed
        raise not_written(folder, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(returns, "copy_hashed", full_disk)
    vp = filled_return(campaign, "VP", [collective()], name="Dang ky VP.xlsx")
    done = text_of(upload(web, "camp", [vp]))
    assert ("Đã thu 0 tệp mới, 0 tệp trùng, 0 tệp bỏ qua, 1 tệp chưa thu được (gửi lại sau khi khắc phục)."
            in done)
    assert (f"Dang ky VP.xlsx Chưa thu được: Không ghi được vào {campaign.returns_dir}: ổ đĩa đã đầy "
            "(No space left on device).") in done
    assert not list(campaign.returns_dir.glob("*VP*"))

def test_a_single_campaign_folder_is_served_without_the_create_form(campaign):
    web = client_for(campaign.root)
    home = web.get("/").text
    assert '<a href="/c/camp">camp</a>' in home and 'action="/tao"' not in home
    assert web.get("/c/camp").status_code == 200
    refused = web.post("/tao", data={"csrf": token(web, "/c/camp"), "ten": "khac", "mau": "so-cong-thuong",
                                     "nam": "2022"})
    assert refused.status_code == 422 and "Thư mục đang mở là một chiến dịch" in refused.text
    assert not (campaign.root / "khac").exists()


def test_findings_filtered_by_query_and_the_unit_page(campaign, web, filled_return):
    vp = filled_return(campaign, "VP", [collective(), person("Lê Văn Tín", completion="HTXSNV", marks="CSTD_CS")])
    upload(web, "camp", [vp])
    page = text_of(web.get("/c/camp/phat-hien?muc=error&don_vi=VP&ma=CSTDCS_KHONG_LDTT").text)
    stored = campaign.returns_dir.glob("*_VP.xlsx").__next__().name
    assert (f"1 phát hiện. Mức Mã Đơn vị Họ và tên Nội dung Tệp, sheet, dòng Lỗi CSTDCS_KHONG_LDTT VP Lê Văn Tín "
            f"Đăng ký Chiến sĩ thi đua cơ sở nhưng không đăng ký Lao động tiên tiến. {stored}, B. Cá nhân, dòng 11"
            ) in page
    assert "0 phát hiện." in text_of(web.get("/c/camp/phat-hien?muc=info&ma=CSTDCS_KHONG_LDTT").text)
    everything = text_of(web.get("/c/camp/phat-hien").text)
    assert re.search(r"(\d+) lỗi · (\d+) cảnh báo · (\d+) thông tin", everything)
    assert "CHUA_NOP" in everything and "CSTDCS_KHONG_LDTT" in everything
    unit = text_of(web.get("/c/camp/don-vi/VP").text)
    assert f"Các bản đã nộp (1) Nhận lúc Tệp Nguồn Nhận ra đơn vị qua Bản hiện hành? 09:00 10/03/2022 {stored}" in unit
    assert "Bản hiện hành : bản đọc được nhận muộn nhất" in unit
    assert "Cá nhân Lê Văn Tín Hoàn thành xuất sắc nhiệm vụ Chiến sĩ thi đua cơ sở" in unit
    assert web.get("/c/camp/don-vi/KHONGCO").status_code == 404
    download = web.get(f"/c/camp/tep/tep-thu/{stored}")
    assert download.status_code == 200 and download.content == (campaign.returns_dir / stored).read_bytes()


def test_a_newer_version_replaces_the_older_one_on_the_unit_page(campaign, web, filled_return):
    first = filled_return(campaign, "VP", [collective(), person("Nguyễn Văn An")], name="VP-1.xlsx")
    second = filled_return(campaign, "VP", [collective(), person("Nguyễn Văn An"), person("Trần Văn Ba")],
                           name="VP-2.xlsx")
    upload(web, "camp", [first], "2022-03-08T08:00")
    upload(web, "camp", [second], "2022-03-09T08:00")
    unit = text_of(web.get("/c/camp/don-vi/VP").text)
    assert "Các bản đã nộp (2)" in unit
    assert re.search(r"08:00 09/03/2022 \S+_VP-2\.xlsx .*? Bản hiện hành : bản đọc được nhận muộn nhất "
                     r"08:00 08/03/2022 \S+_VP-1\.xlsx", unit)
    assert "Bản nộp lúc 08:00 08/03/2022 đã được thay bằng bản nộp lúc 08:00 09/03/2022" in unit
    assert "Trần Văn Ba" in unit
    assert "tải lên qua trang web (VP-1.xlsx)" in unit and "/tmp" not in unit


def test_reports_built_downloaded_and_votes_never_replaced_unasked(campaign, web, filled_return):
    upload(web, "camp", [filled_return(campaign, "VP", [collective(), person("Nguyễn Văn An")])])
    done = text_of(wait_job(web, web.post("/c/camp/bao-cao", data={"csrf": token(web, "/c/camp/bao-cao")})))
    assert re.search(r"\d+ dòng đăng ký; \d+ lỗi, \d+ cảnh báo, \d+ thông tin\.", done)
    council = web.get("/c/camp/tep/bao-cao/tong-hop-2022.xlsx")
    assert council.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(council.content))
    assert {"Tổng hợp", "Cá nhân"} <= set(book.sheetnames)
    csv = web.get("/c/camp/tep/bao-cao/registrations.csv").text
    assert csv.startswith("unit_code,kind,name,completion,") and "Nguyễn Văn An" in csv
    path = campaign.reports_dir / "tong-hop-2022.xlsx"
    sheet = book["Cá nhân"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "Nguyễn Văn An")
    sheet.cell(row, 7).value = 9
    sheet.cell(row, 9).value = "Đạt"
    book.save(path)
    typed = path.read_bytes()
    refused = web.post("/c/camp/bao-cao", data={"csrf": token(web, "/c/camp/bao-cao")})
    assert refused.status_code == 409
    assert "Bảng tổng hợp đã có 2 ô số phiếu hoặc kết quả do Hội đồng ghi vào." in text_of(refused.text)
    assert path.read_bytes() == typed
    wait_job(web, web.post("/c/camp/bao-cao", data={"csrf": token(web, "/c/camp/bao-cao"), "xac_nhan": "1"}))
    assert path.read_bytes() != typed and campaign.council_votes() == 0


def test_generate_and_a_dry_run_send_show_every_message_before_sending(make_campaign, tmp_path, monkeypatch):
    campaign = make_campaign(generate=False)
    web = client_for(tmp_path)
    done = text_of(wait_job(web, web.post("/c/camp/tao-bieu", data={"csrf": token(web, "/c/camp")})))
    assert f"Đã tạo {len(campaign.units)} biểu đăng ký" in done
    preview = wait_job(web, web.post("/c/camp/gui-bieu", data={"csrf": token(web, "/c/camp")}))
    mailed = [u for u in campaign.units if u.email]
    assert f"Chạy thử: {len(mailed)} thư" in text_of(preview)
    assert len(re.findall(r'<details class="mail">', preview)) == len(mailed)
    for unit in mailed:
        assert f"{unit.email} · [{campaign.issuer}] Đăng ký thi đua, khen thưởng năm 2022 - {unit.name}" in preview
        assert f"Đính kèm: Đăng ký thi đua 2022 - {unit.name}.xlsx" in preview
    assert not (campaign.root / "mail-log.csv").exists()
    reminders = wait_job(web, web.post("/c/camp/nhac-nop", data={"csrf": token(web, "/c/camp")}))
    assert f"Chạy thử: {len(mailed)} thư" in text_of(reminders), "nobody has returned: every unit is reminded"
    assert "Nhắc nộp" in reminders and 'name="that" value="1"' in reminders
    with smtp_server() as (port, inbox):
        monkeypatch.setenv("THIDUA_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("THIDUA_SMTP_PORT", str(port))
        monkeypatch.setenv("THIDUA_SMTP_SECURITY", "none")
        sent = text_of(wait_job(web, web.post("/c/camp/gui-bieu", data={"csrf": token(web, "/c/camp"),
                                                                         "that": "1"})))
    assert f"Đã gửi: {len(mailed)} thư" in sent
    assert sorted(to for tos, _, _ in inbox.messages for to in tos) == sorted(u.email for u in mailed)


def test_collect_from_the_mailbox_with_a_password_typed_in_the_page(campaign, web, filled_return, monkeypatch):
    from datetime import datetime, timezone

    from mailservers import dovecot
    from test_mail import _append

    vp = filled_return(campaign, "VP", [collective(), person("Võ Văn Rân")]).read_bytes()
    with dovecot("vanphong", "mat-khau-imap") as port:
        for var, value in {"THIDUA_IMAP_HOST": "127.0.0.1", "THIDUA_IMAP_PORT": str(port),
                           "THIDUA_IMAP_USER": "vanphong"}.items():
            monkeypatch.setenv(var, value)
        monkeypatch.delenv("THIDUA_IMAP_PASSWORD", raising=False)
        _append(port, "vanphong", "mat-khau-imap", "Văn phòng <vanphong@sct.example.org>",
                datetime(2022, 3, 14, 9, 0, tzinfo=timezone.utc), {"VP.xlsx": vp})
        page = web.get("/c/camp").text
        assert 'name="mat_khau"' in page, "no password in the environment: the page asks for it"
        wrong = text_of(wait_job(web, web.post("/c/camp/thu-hop-thu", data={"csrf": token(web, "/c/camp"),
                                                                              "mat_khau": "sai"})))
        assert f"Hộp thư 127.0.0.1:{port} từ chối đăng nhập của 'vanphong'" in wrong
        done = text_of(wait_job(web, web.post("/c/camp/thu-hop-thu", data={"csrf": token(web, "/c/camp"),
                                                                             "mat_khau": "mat-khau-imap"})))
    assert "Đã thu 1 tệp mới, 0 tệp trùng, 0 tệp bỏ qua." in done
    assert re.search(r"imap:vanphong@sct.example.org \S+ Mới VP - Văn phòng Sở", done)
    for path in campaign.root.rglob("*"):
        assert not path.is_file() or b"mat-khau-imap" not in path.read_bytes(), path
    assert "VP Văn phòng Sở 16:00 14/03/2022 Đúng hạn 1" in text_of(web.get("/c/camp").text)


def test_units_table_validated_with_the_cli_messages(campaign, web):
    page = web.get("/c/camp/danh-sach-don-vi").text
    assert page.count('name="code"') == len(campaign.units) + 5
    data = {"csrf": token(web, "/c/camp/danh-sach-don-vi"), "code": ["VP", "KT"], "name": ["Văn phòng", "Kế toán"],
            "email": ["vp@example.org", "sai-dia-chi"], "aliases": ["", ""]}
    bad = web.post("/c/camp/danh-sach-don-vi", data=data)
    assert bad.status_code == 422
    assert "units.csv dòng 3: địa chỉ thư &#39;sai-dia-chi&#39; của đơn vị &#39;KT&#39; không hợp lệ." in bad.text
    data["email"][1] = "kt@example.org"
    assert web.post("/c/camp/danh-sach-don-vi", data=data).status_code == 303
    assert [u.code for u in Campaign.load(campaign.root).units] == ["VP", "KT"]
    csv_file = ("units.csv", "code,name,email,aliases\nA,Phòng A,,\nA,Phòng B,,\n".encode(), "text/csv")
    dup = web.post("/c/camp/danh-sach-don-vi", data={"csrf": token(web)}, files={"tep": csv_file})
    assert "units.csv dòng 3: mã đơn vị &#39;A&#39; trùng với dòng 2." in dup.text


def test_create_campaign_with_init_validation(tmp_path):
    web = client_for(tmp_path)
    bad = web.post("/tao", data={"csrf": token(web), "ten": "sct-3000", "mau": "so-cong-thuong", "nam": "3000"})
    assert bad.status_code == 422 and "Năm 3000 không hợp lệ (từ 1990 đến 2100)." in bad.text
    assert not (tmp_path / "sct-3000").exists()
    unknown = web.post("/tao", data={"csrf": token(web), "ten": "x", "mau": "khong-co", "nam": "2022"})
    assert "Không có mẫu &#39;khong-co&#39;." in unknown.text
    ok = web.post("/tao", data={"csrf": token(web), "ten": "sct-2022", "mau": "so-cong-thuong", "nam": "2022"})
    assert ok.status_code == 303 and ok.headers["location"] == "/c/sct-2022"
    assert Campaign.load(tmp_path / "sct-2022").year == 2022
    again = web.post("/tao", data={"csrf": token(web), "ten": "sct-2022", "mau": "so-cong-thuong", "nam": "2022"})
    assert "đã có campaign.toml; dùng --force để ghi đè." in again.text
    evil = web.post("/tao", data={"csrf": token(web), "ten": "../ra-ngoai", "mau": "so-cong-thuong", "nam": "2022"})
    assert evil.status_code == 422 and not (tmp_path.parent / "ra-ngoai").exists()


def test_history_import_and_lookup_without_accents(campaign, web, tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_HISTORY_URL", f"sqlite:///{tmp_path / 'lich-su.sqlite'}")
    results = "unit_code,kind,name,completion,CSTD_CS\nVP,ca_nhan,Lê Văn Tín,HTXSNV,1\n".encode()
    done = wait_job(web, web.post("/c/camp/lich-su/nhap", data={"csrf": token(web), "nam": "2021"},
                                  files={"tep": ("ket-qua-2021.csv", results, "text/csv")}))
    assert "Đã nhập 1 dòng kết quả năm 2021." in text_of(done)
    found = text_of(web.get("/c/camp/lich-su?ten=LE VAN TIN").text)
    assert "Lê Văn Tín 2021 VP Hoàn thành xuất sắc nhiệm vụ Chiến sĩ thi đua cơ sở" in found
    assert 'Không có "Trần" trong kho lịch sử.' in text_of(web.get("/c/camp/lich-su?ten=Trần").text)


# --- security -------------------------------------------------------------------------------------------------

def test_every_post_without_its_csrf_token_is_refused(campaign, web):
    web.get("/")
    paths = ["/tao", "/dang-nhap", "/dang-xuat"] + [f"/c/camp/{p}" for p in actions.ACTIONS]
    for path in paths:
        response = web.post(path, data={"ten": "x"})
        assert response.status_code == 403, path
        assert "CSRF" in response.text
        assert web.post(path, data={"csrf": "gia-mao"}).status_code == 403, path
    assert not (campaign.root / "mail-log.csv").exists() and not (campaign.root.parent / "x").exists()


def test_host_header_must_be_the_served_address(campaign, web):
    assert web.get("/", headers={"host": "127.0.0.1:8765"}).status_code == 200
    assert web.get("/", headers={"host": "localhost:8765"}).status_code == 200
    rebound = web.get("/c/camp", headers={"host": "attacker.example:8765"})
    assert rebound.status_code == 400 and "Host" in rebound.text
    assert web.get("/", headers={"host": "127.0.0.1:9999"}).status_code == 400


def test_other_hosts_need_a_password_and_the_server_refuses_to_start_without(tmp_path):
    assert security.password_for("127.0.0.1", {}) == ""
    with pytest.raises(security.NeedsPassword):
        security.password_for("0.0.0.0", {})
    assert security.password_for("0.0.0.0", {"THIDUA_WEB_PASSWORD": "bi-mat"}) == "bi-mat"
    env = {k: v for k, v in os.environ.items() if k != "THIDUA_WEB_PASSWORD"}
    run = subprocess.run([sys.executable, "-m", "thidua_xlsx", "web", str(tmp_path), "--host", "0.0.0.0",
                          "--no-browser"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2
    assert "cần đặt mật khẩu bằng biến môi trường THIDUA_WEB_PASSWORD" in run.stderr
    assert "Traceback" not in run.stderr


def test_password_login_with_a_signed_cookie_and_rate_limited_attempts(campaign):
    web = client_for(campaign.root.parent, password="mat-khau-dung")
    assert web.get("/c/camp").status_code == 303
    assert web.get("/c/camp").headers["location"] == "/dang-nhap"
    assert web.get("/static/style.css").status_code == 200
    csrf = token(web, "/dang-nhap")
    wrong = web.post("/dang-nhap", data={"csrf": csrf, "mat_khau": "sai"})
    assert wrong.status_code == 401 and "Mật khẩu không đúng." in wrong.text
    forged = TestClient(web.app, base_url=BASE, follow_redirects=False)
    forged.cookies.set("thidua", "eyJhdXRoIjogdHJ1ZX0=.forged.signature")
    assert forged.get("/c/camp").status_code == 303
    right = web.post("/dang-nhap", data={"csrf": csrf, "mat_khau": "mat-khau-dung"})
    assert right.status_code == 303 and web.get("/c/camp").status_code == 200
    other = TestClient(web.app, base_url=BASE, follow_redirects=False)
    other_csrf = token(other, "/dang-nhap")
    codes = [other.post("/dang-nhap", data={"csrf": other_csrf, "mat_khau": f"sai-{n}"}).status_code
             for n in range(security.LOGIN_TRIES)]
    assert codes == [401] * (security.LOGIN_TRIES - 1) + [429], "the test client's first wrong try counts too"
    blocked = other.post("/dang-nhap", data={"csrf": other_csrf, "mat_khau": "mat-khau-dung"})
    assert blocked.status_code == 429 and "Nhập sai quá nhiều lần" in blocked.text


def test_uploads_over_the_limits_get_413(campaign, web, filled_return, monkeypatch):
    vp = filled_return(campaign, "VP", [collective()])
    csrf = token(web, "/c/camp")
    monkeypatch.setattr(security, "MAX_UPLOAD_BYTES", 1000)
    big = web.post("/c/camp/tai-len", data={"csrf": csrf}, files=[("tep", ("VP.xlsx", vp.read_bytes()))])
    assert big.status_code == 413 and "Dữ liệu gửi lên quá lớn" in big.text
    monkeypatch.setattr(security, "MAX_UPLOAD_BYTES", 10 ** 8)
    monkeypatch.setattr(security, "MAX_FILES", 2)
    files = [("tep", (f"VP{n}.xlsx", vp.read_bytes())) for n in range(3)]
    many = web.post("/c/camp/tai-len", data={"csrf": csrf}, files=files)
    assert many.status_code == 413 and "Quá nhiều tệp" in many.text
    monkeypatch.setattr(security, "MAX_FILE_BYTES", 100)
    one = web.post("/c/camp/tai-len", data={"csrf": csrf}, files=[("tep", ("VP.xlsx", vp.read_bytes()))])
    assert one.status_code == 413 and "Tệp &#39;VP.xlsx&#39; quá lớn" in one.text
    assert not (campaign.returns_dir / "log.csv").exists()


def test_downloads_only_known_files_inside_the_campaign(campaign, web, tmp_path):
    (tmp_path / "secret.txt").write_text("bí mật")
    (campaign.reports_dir / "registrations.csv").symlink_to(tmp_path / "secret.txt")
    assert web.get("/c/camp/tep/bieu/VP.xlsx").status_code == 200
    for url in ["/c/camp/tep/bao-cao/registrations.csv", "/c/camp/tep/bieu/..%2Fcampaign.toml",
                "/c/camp/tep/bieu/%2Fetc%2Fpasswd", "/c/camp/tep/bieu/../../campaign.toml",
                "/c/camp/tep/tep-thu/log.csv", "/c/camp/tep/bieu/khong-co.xlsx", "/c/camp/tep/khac/VP.xlsx",
                "/c/camp/tep/bieu/", "/c/camp/tep/bieu", "/static/", "/c/camp/tep/bieu/.%2E%2Fcampaign.toml"]:
        response = web.get(url)
        assert response.status_code == 404, url
        assert "bí mật" not in response.text and "[campaign]" not in response.text


def test_everything_from_a_return_or_a_form_is_escaped(make_campaign, tmp_path, filled_return):
    campaign = make_campaign(generate=False)
    evil = "<script>alert(1)</script>"
    (campaign.root / "units.csv").write_text(f"code,name,email,aliases\nVP,{evil},,\n", encoding="utf-8")
    campaign = Campaign.load(campaign.root)
    campaign.generate()
    web = client_for(tmp_path)
    upload(web, "camp", [filled_return(campaign, "VP", [collective(), person(evil, marks="CSTD_CS")])])
    for url in ["/c/camp", "/c/camp/phat-hien", "/c/camp/don-vi/VP", "/c/camp/danh-sach-don-vi"]:
        page = web.get(url).text
        assert evil not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def test_content_security_policy_without_inline_script(campaign, web):
    for url in ["/", "/c/camp", "/c/camp/phat-hien", "/c/camp/bao-cao", "/c/camp/lich-su", "/c/camp/don-vi/VP"]:
        response = web.get(url)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'self'" in csp
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.text) == [], url
        assert not re.search(r"<[^>]+\son[a-z]+=", response.text), url
        assert response.headers["x-frame-options"] == "DENY"


# --- the lock -------------------------------------------------------------------------------------------------

def test_two_actions_on_one_campaign_never_run_at_once(campaign, web):
    lock.acquire(campaign.root, "tạo báo cáo")
    try:
        busy = web.post("/c/camp/tao-bieu", data={"csrf": token(web, "/c/camp")})
        assert busy.status_code == 409
        assert "Chiến dịch đang bận: tạo báo cáo (từ " in text_of(busy.text)
        env = {**os.environ, "THIDUA_LOCK_WAIT": "0"}
        cli = subprocess.run([sys.executable, "-m", "thidua_xlsx", "generate", str(campaign.root)],
                             capture_output=True, text=True, env=env, timeout=60)
        assert cli.returncode == 1
        assert "Lỗi: Chiến dịch đang bận: tạo báo cáo (từ " in cli.stderr
        assert f"tiến trình {os.getpid()}" in cli.stderr
    finally:
        lock.release(campaign.root)
    assert not lock.lock_path(campaign.root).exists()


def test_the_cli_waits_for_the_lock_and_says_why(campaign):
    lock.acquire(campaign.root, "thu tệp")
    env = {**os.environ, "THIDUA_LOCK_WAIT": "60"}
    cli = subprocess.Popen([sys.executable, "-m", "thidua_xlsx", "generate", str(campaign.root), "--force"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(2)
        assert cli.poll() is None, "the command waits while the lock is held"
    finally:
        lock.release(campaign.root)
    out, err = cli.communicate(timeout=120)
    assert cli.returncode == 0, err
    assert "Chiến dịch đang bận: thu tệp (từ " in err and "Đang đợi (tối đa 60 giây)..." in err
    assert "Đã tạo" in out


def test_a_lock_left_by_a_dead_process_is_taken_over(campaign):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.lock_path(campaign.root).write_text(
        '{"pid": %s, "host": "%s", "action": "x", "since": "2022-03-10T09:00:00+07:00"}'
        % (dead.stdout.strip(), __import__("socket").gethostname()), encoding="utf-8")
    with lock.campaign_lock(campaign.root, "tạo biểu"):
        assert lock.holder(campaign.root)["pid"] == os.getpid()
    assert not lock.lock_path(campaign.root).exists()
