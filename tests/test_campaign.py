"""Campaign folders: init, loading, and the Vietnamese errors a clerk sees for broken files."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from thidua_xlsx import Campaign, CampaignError, OverwriteError
from thidua_xlsx.cli import cli
from thidua_xlsx.presets import PRESETS


@pytest.mark.parametrize("preset", list(PRESETS))
def test_init_creates_a_loadable_campaign_for_every_preset(tmp_path, preset):
    campaign = Campaign.init(tmp_path / "c", preset=preset, year=2023)
    assert campaign.year == 2023
    assert campaign.deadline == date(2023, 3, 15)
    assert campaign.units, "units.csv is pre-filled from the seed documents"
    assert {s.kind for s in campaign.catalogue.sheets} >= {"tap_the", "ca_nhan"}
    assert (tmp_path / "c" / "workbooks").is_dir() and (tmp_path / "c" / "returns").is_dir()
    assert "password" not in (tmp_path / "c" / "campaign.toml").read_text(encoding="utf-8").split("[mail]")[1]


def test_so_cong_thuong_catalogue_is_the_form_of_seed_003(tmp_path):
    campaign = Campaign.init(tmp_path / "c", preset="so-cong-thuong", year=2022)
    assert campaign.issuer == "SỞ CÔNG THƯƠNG QUẢNG NGÃI"
    a = [(i.code, i.label) for i in campaign.catalogue.items_of("A")]
    b = [i.code for i in campaign.catalogue.items_of("B")]
    assert a == [("LDTT", "Tập thể LĐTT"), ("LDXS", "Tập thể LĐXS"), ("GK_GD_SO", "Giấy khen Giám đốc Sở"),
                 ("BK_UBND_TINH", "Bằng khen Chủ tịch UBND tỉnh"), ("BK_BO", "Bằng khen Bộ trưởng Bộ Công Thương"),
                 ("BK_TTG", "Bằng khen Thủ tướng Chính phủ"), ("HC_LD", "Huân chương lao động hạng...")]
    assert b == ["LDTT", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "GK_GD_SO", "BK_UBND_TINH", "BK_BO", "BK_TTG"]


def test_init_never_overwrites_without_force(tmp_path):
    Campaign.init(tmp_path / "c", year=2022)
    (tmp_path / "c" / "units.csv").write_text("code,name,email,aliases\nX,Đơn vị X,,\n", encoding="utf-8")
    with pytest.raises(OverwriteError):
        Campaign.init(tmp_path / "c", year=2022)
    assert "Đơn vị X" in (tmp_path / "c" / "units.csv").read_text(encoding="utf-8")
    Campaign.init(tmp_path / "c", year=2022, force=True)
    assert "Đơn vị X" not in (tmp_path / "c" / "units.csv").read_text(encoding="utf-8")


UNITS_HEADER = "code,name,email,aliases\n"


@pytest.mark.parametrize("units, message", [
    ("code,name,email\nVP,Văn phòng,vp@x.org\n",
     "units.csv: thiếu cột aliases (cần các cột: code,name,email,aliases)."),
    (UNITS_HEADER + "VP,Văn phòng,vp@x.org,\nVP,Phòng khác,k@x.org,\n",
     "units.csv dòng 3: mã đơn vị 'VP' trùng với dòng 2."),
    (UNITS_HEADER + "VP,Văn phòng,vp@@x,\n", "units.csv dòng 2: địa chỉ thư 'vp@@x' của đơn vị 'VP' không hợp lệ."),
    (UNITS_HEADER + "VP,,vp@x.org,\n", "units.csv dòng 2: đơn vị 'VP' thiếu tên."),
    (UNITS_HEADER, "units.csv: chưa có đơn vị nào."),
], ids=["missing-column", "duplicate-code", "bad-email", "missing-name", "empty"])
def test_broken_units_csv_gives_one_clear_error(tmp_path, units, message):
    Campaign.init(tmp_path / "c", year=2022)
    (tmp_path / "c" / "units.csv").write_text(units, encoding="utf-8")
    with pytest.raises(CampaignError) as err:
        Campaign.load(tmp_path / "c")
    assert str(err.value) == message
    result = CliRunner().invoke(cli, ["generate", str(tmp_path / "c")])
    assert result.exit_code == 1
    assert result.output == f"Lỗi: {message}\n"


@pytest.mark.parametrize("old, new, message", [
    ("year = 2022", "year = \"hai nghìn\"",
     "campaign.toml: khóa [campaign].year phải là năm (ví dụ 2022), đang là 'hai nghìn'."),
    ("deadline = 2022-03-15", "deadline = \"15/3\"",
     "campaign.toml: khóa [campaign].deadline phải là ngày dạng 2022-03-15, đang là '15/3'."),
    ("name = \"B. Cá nhân\"", "name = \"B. Danh sách cá nhân đăng ký thi đua năm nay\"",
     "campaign.toml: tên sheet 'B. Danh sách cá nhân đăng ký thi đua năm nay' trong [[sheets]] thứ 2 dài 44 ký tự, "
     "tối đa 31."),
    ("label = \"Tập thể LĐXS\"", "label = \"\"", "campaign.toml: khóa 'label' trong [[items]] thứ 2 không hợp lệ: ''."),
    ("group = \"title\"\nlabel = \"Tập thể LĐXS\"", "group = \"danh hiệu\"\nlabel = \"Tập thể LĐXS\"",
     "campaign.toml: khóa 'group' trong [[items]] thứ 2 là 'danh hiệu', phải là một trong: title, award."),
    ("smtp_user = \"\"", "smtp_user = \"\"\nsmtp_password = \"123\"",
     "campaign.toml: không ghi mật khẩu thư vào [mail]; dùng biến môi trường."),
    ("council_list_limit = 1000", "council_list_limit = 0",
     "campaign.toml: khóa [campaign].council_list_limit phải là số nguyên dương, đang là 0."),
], ids=["year", "deadline", "sheet-name", "empty-label", "bad-group", "password-in-file", "list-limit"])
def test_broken_campaign_toml_names_the_key(tmp_path, old, new, message):
    Campaign.init(tmp_path / "c", year=2022)
    toml = tmp_path / "c" / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CampaignError) as err:
        Campaign.load(tmp_path / "c")
    assert str(err.value) == message


def test_toml_syntax_error_and_unknown_preset_exit_1_without_traceback(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(tmp_path / "x"), "--preset", "so-y-te"])
    assert result.exit_code == 1
    assert result.output == ("Lỗi: Không có mẫu 'so-y-te'. Các mẫu có sẵn: so-cong-thuong, so-nnptnt, "
                             "ubnd-thi-xa.\n")
    Campaign.init(tmp_path / "c", year=2022)
    (tmp_path / "c" / "campaign.toml").write_text("[campaign\n", encoding="utf-8")
    result = runner.invoke(cli, ["generate", str(tmp_path / "c")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Lỗi: {tmp_path / 'c' / 'campaign.toml'}: sai cú pháp TOML")
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["generate", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "Không tìm thấy" in result.output and "thidua init" in result.output


def test_a_clerk_can_rename_a_label_and_add_an_award_without_code(tmp_path):
    Campaign.init(tmp_path / "c", year=2022)
    toml = tmp_path / "c" / "campaign.toml"
    text = toml.read_text(encoding="utf-8").replace("label = \"Giấy khen Giám đốc Sở\"",
                                                    "label = \"Giấy khen của Giám đốc Sở Công Thương\"")
    text += '\n[[items]]\ncode = "BK_TINH_UY"\nsheet = "B"\ngroup = "award"\nlabel = "Bằng khen Tỉnh ủy"\n'
    toml.write_text(text, encoding="utf-8")
    campaign = Campaign.load(tmp_path / "c")
    assert campaign.catalogue.label("GK_GD_SO", "ca_nhan") == "Giấy khen của Giám đốc Sở Công Thương"
    assert campaign.catalogue.codes[-1] == "BK_TINH_UY"
