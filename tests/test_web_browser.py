"""The web page in a real browser: headless Chromium driven by Selenium through Debian's chromium-driver, against
`thidua web` started on a free port of 127.0.0.1 and stopped with Ctrl+C. Saves a screenshot of each page at
1366×768: under $THIDUA_SCREENS when set (`THIDUA_SCREENS=docs/screens scripts/test tests/test_web_browser.py`
refreshes the README's pictures), else in a temporary folder, so a test run never edits the work tree."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import collective, person

SCREENS = Path(os.environ.get("THIDUA_SCREENS") or Path(tempfile.gettempdir()) / "thidua-screens").resolve()
DRIVER, CHROMIUM = "/usr/bin/chromedriver", "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not (Path(DRIVER).exists() and Path(CHROMIUM).exists()),
                                reason="chromium and chromium-driver (Debian) are installed by scripts/test")


@pytest.fixture
def server(tmp_path):
    """`thidua web DIR --port 0 --no-browser` as a clerk starts it; (base URL, the served folder)."""
    folder = tmp_path / "chien-dich"
    folder.mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "THIDUA_HISTORY_URL": f"sqlite:///{tmp_path / 'lich-su.sqlite'}"}
    env.pop("THIDUA_WEB_PASSWORD", None)
    proc = subprocess.Popen([sys.executable, "-m", "thidua_xlsx", "web", str(folder), "--port", "0", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)
    reader.start()
    first = lines.get(timeout=60)
    match = re.fullmatch(r"Đang chạy tại (http://127\.0\.0\.1:\d+/) \(Ctrl\+C để dừng\)\n", first)
    assert match, first
    try:
        yield match.group(1), folder
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0, "Ctrl+C stops the server cleanly"
        reader.join(10)
        proc.stdout.close()
        rest = []
        while not lines.empty():
            rest.append(lines.get())
        assert "Đã dừng.\n" in rest and not any("Traceback" in line for line in rest), rest


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                "--lang=vi", "--disable-gpu"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # the page itself 1366×768, as on a laptop
                           {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver, name: str) -> None:  # noqa: ANN001 - a WebDriver
    """A screenshot of what the clerk sees, 1366×768."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENS / f"{name}.png"))


def wait_for(driver, predicate, timeout: float = 120):  # noqa: ANN001, ANN201 - WebDriver, callable
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(predicate)


def body(driver) -> str:  # noqa: ANN001 - a WebDriver
    """The page's visible text, spaces collapsed ("" while a progress page is reloading itself)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        return " ".join(driver.find_element(By.TAG_NAME, "body").text.split())
    except WebDriverException:  # the element went stale, or the node left the document, while reading
        return ""


def click(driver, text: str) -> None:  # noqa: ANN001 - a WebDriver
    """Click the button or link that says this."""
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.XPATH, f"//button[normalize-space()='{text}'] | //a[normalize-space()='{text}']")
    assert found, text
    found[0].click()


def test_the_round_in_a_browser(server, browser, filled_return):
    """As a new clerk would: create a campaign, generate, dry-run send, upload a return, read and filter the
    findings, open the unit, build the reports and download the council workbook, record and look a person up."""
    url, folder = server
    campaign = _create_and_generate(browser, url, folder, filled_return)
    _send_and_upload(browser, url, campaign, filled_return)
    _findings_and_unit(browser)
    _reports_and_history(browser)


def _create_and_generate(browser, url: str, folder: Path, filled_return):  # noqa: ANN001, ANN202 - fixtures
    from selenium.webdriver.common.by import By

    from thidua_xlsx import Campaign

    browser.get(url)
    assert body(browser).endswith("Tạo chiến dịch")
    browser.find_element(By.NAME, "ten").send_keys("so-cong-thuong-2022")
    browser.find_element(By.NAME, "nam").clear()
    browser.find_element(By.NAME, "nam").send_keys("2022")
    click(browser, "Tạo chiến dịch")
    wait_for(browser, lambda d: "Tình hình nộp" in d.title)
    click(browser, "Tạo biểu")
    wait_for(browser, lambda d: "Đã tạo 13 biểu đăng ký" in body(d))
    campaign = Campaign.load(folder / "so-cong-thuong-2022")
    early = [filled_return(campaign, code, [collective(), person(f"Nguyễn Văn {code}"), person(f"Trần Thị {code}")],
                           name=f"Dang ky {code}.xlsx") for code in ("QLCN", "QLTM", "KTAT")]
    campaign.collect(early, received_at=datetime(2022, 3, 10, 8, 30))  # files that came before the page was used
    browser.get(url)
    shot(browser, "chien-dich")
    click(browser, "so-cong-thuong-2022")
    status = body(browser)
    assert "VP Văn phòng Sở Chưa nộp 0" in status
    assert "QLCN Phòng Quản lý Công nghiệp 08:30 10/03/2022 Đúng hạn 1 1 2" in status
    return campaign


def _send_and_upload(browser, url: str, campaign, filled_return) -> None:  # noqa: ANN001 - fixtures
    from selenium.webdriver.common.by import By

    click(browser, "Gửi biểu")
    wait_for(browser, lambda d: "Xem trước" in body(d))
    shot(browser, "gui-bieu-chay-thu")
    assert "Chạy thử: 13 thư" in body(browser) and "Gửi thật các thư này" in body(browser)
    browser.get(url + "c/so-cong-thuong-2022")
    vp = filled_return(campaign, "VP", [collective(), person("Lê Văn Tín", completion="HTXSNV", marks="CSTD_CS"),
                                        person("<script>alert(1)</script>")], name="Dang ky VP.xlsx")
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(vp))
    click(browser, "Tải lên")
    wait_for(browser, lambda d: "Đã thu 1 tệp mới" in body(d))
    assert "Dang ky VP.xlsx Mới VP - Văn phòng Sở mã ẩn trong biểu (_meta)" in body(browser)
    shot(browser, "tai-len")
    click(browser, "Về Tình hình nộp")
    assert re.search(r"VP Văn phòng Sở \d\d:\d\d \d\d/\d\d/20\d\d Muộn 1 1 2 0 1 2 \S+_Dang ky VP.xlsx", body(browser))
    shot(browser, "tinh-hinh-nop")


def _findings_and_unit(browser) -> None:  # noqa: ANN001 - a WebDriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    click(browser, "Phát hiện")
    Select(browser.find_element(By.NAME, "muc")).select_by_visible_text("Lỗi")
    Select(browser.find_element(By.NAME, "don_vi")).select_by_value("VP")
    click(browser, "Lọc")
    wait_for(browser, lambda d: "muc=error" in d.current_url and "don_vi=VP" in d.current_url)
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")]
    assert rows and all(r.startswith("Lỗi") for r in rows)
    assert any("CSTDCS_KHONG_LDTT VP Lê Văn Tín" in r and "B. Cá nhân, dòng 11" in r for r in rows)
    shot(browser, "phat-hien")
    click(browser, "VP")
    assert "Các bản đã nộp (1)" in body(browser) and "<script>alert(1)</script>" in body(browser)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - the name from the return ran no script
    shot(browser, "don-vi")


def _reports_and_history(browser) -> None:  # noqa: ANN001 - a WebDriver
    from selenium.webdriver.common.by import By

    click(browser, "Báo cáo")
    click(browser, "Tạo báo cáo")
    wait_for(browser, lambda d: "dòng đăng ký" in body(d))
    click(browser, "Báo cáo")
    shot(browser, "bao-cao")
    click(browser, "tong-hop-2022.xlsx")
    target = browser.downloads / "tong-hop-2022.xlsx"
    wait_for(browser, lambda d: target.exists() and not list(browser.downloads.glob("*.crdownload")), 60)
    names = [row[1] for row in openpyxl.load_workbook(target)["Cá nhân"].iter_rows(values_only=True)]
    assert "Lê Văn Tín" in names and "Nguyễn Văn QLCN" in names
    click(browser, "Lịch sử")
    browser.find_element(By.NAME, "tat_ca").click()
    click(browser, "Ghi kết quả")
    wait_for(browser, lambda d: "Đã ghi" in body(d))
    assert re.search(r"Đã ghi \d+ dòng kết quả năm 2022\.", body(browser))
    click(browser, "Lịch sử")
    browser.find_element(By.NAME, "ten").send_keys("le van TIN")
    click(browser, "Tìm")
    found = "Lê Văn Tín 2022 VP Hoàn thành xuất sắc nhiệm vụ Chiến sĩ thi đua cơ sở"
    wait_for(browser, lambda d: found in body(d), 30)  # the answer page, not the page the click left
    shot(browser, "lich-su")
