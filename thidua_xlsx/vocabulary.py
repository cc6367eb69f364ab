"""The words returns use, in one table: item labels and abbreviations, completion levels, name, descriptive and
kind headings. Headings and text cells ("LĐTT, CSTĐCS") are both matched against these tables (all folded keys)."""

from __future__ import annotations

# Abbreviations units write for the shared item codes (DOMAIN.md section 3), in headings and in cells alike.
ITEM_ALIASES = {
    "LDTT": ("lao dong tien tien", "ldtt", "tap the ldtt", "tt ldtt", "tap the lao dong tien tien", "danh hieu ldtt"),
    "LDXS": ("tap the ldxs", "ldxs", "tt ldxs", "tap the lao dong xuat sac", "lao dong xuat sac"),
    "CSTD_CS": ("chien si thi dua co so", "cstd co so", "cstdcs", "cstd cs", "chien si thi dua cs", "cstd cap co so",
                "chien sy thi dua co so", "cstd cap cs"),
    "CSTD_TINH": ("chien si thi dua cap tinh", "cstd cap tinh", "cstd tinh", "chien si thi dua tinh",
                  "cstd cap bo nganh tinh", "chien si thi dua cap bo nganh tinh", "chien sy thi dua cap tinh"),
    "CSTD_TQ": ("chien si thi dua toan quoc", "cstd toan quoc", "cstdtq", "cstd tq", "chien sy thi dua toan quoc"),
    "GK_GD_SO": ("giay khen giam doc so", "giay khen gd so", "gk giam doc so", "gk gd so", "gkgd so",
                 "giay khen cua giam doc so", "gk cua giam doc so"),
    "BK_UBND_TINH": ("bang khen chu tich ubnd tinh", "bk ubnd tinh", "bang khen ubnd tinh", "bk chu tich ubnd tinh",
                     "bang khen cua chu tich ubnd tinh", "bang khen chu tich uy ban nhan dan tinh", "bk tinh",
                     "bk ct ubnd tinh", "bang khen cua ubnd tinh"),
    "BK_BO": ("bang khen bo truong", "bk bo truong", "bk bo", "bang khen bo", "bang khen cap bo",
              "bang khen bo cong thuong", "bk bct"),
    "BK_TTG": ("bang khen thu tuong chinh phu", "bk ttg", "bang khen ttg", "bk thu tuong", "bang khen thu tuong",
               "bang khen cua thu tuong chinh phu", "bk ttcp"),
    "HC_LD": ("huan chuong lao dong hang", "huan chuong lao dong", "hcld", "hc ld", "huan chuong ld",
              "huan chuong lao dong hang nhat nhi ba"),
}
LEVEL_ALIASES = {
    "HTXSNV": ("hoan thanh xuat sac nhiem vu", "htxsnv", "htxs nv", "htxs", "hoan thanh xuat sac", "xuat sac"),
    "HTTNV": ("hoan thanh tot nhiem vu", "httnv", "htt nv", "htt", "hoan thanh tot", "tot"),
    "HTNV": ("hoan thanh nhiem vu", "htnv"),
    "KHTNV": ("khong hoan thanh nhiem vu", "khtnv", "khong hoan thanh"),
}
# Nghị định 335/2025: a self-assessment out of 100 points gives the level (lowest score of each band).
SCORE_LEVELS = ((90, "HTXSNV"), (70, "HTTNV"), (50, "HTNV"), (0, "KHTNV"))
# Abbreviations expanded before comparing words.
ABBREVIATIONS = {"bk": "bang khen", "gk": "giay khen", "hc": "huan chuong", "ld": "lao dong",
                 "cstd": "chien si thi dua", "ttg": "thu tuong", "ttcp": "thu tuong chinh phu",
                 "xsnv": "xuat sac nhiem vu", "tnv": "tot nhiem vu", "gd": "giam doc", "sy": "si",
                 "ct": "chu tich", "ubnd": "uy ban nhan dan", "td": "thi dua", "tq": "toan quoc"}
FILLER_WORDS = frozenset({"cua", "dang", "ky", "danh", "hieu", "hinh", "thuc", "cap"})
CLASS_WORDS = {"nhat": "Nhất", "nhi": "Nhì", "ba": "Ba", "i": "Nhất", "ii": "Nhì", "iii": "Ba"}

NAME_HEADINGS = {
    "ca_nhan": ("ho va ten", "ho ten", "ho va ten ca nhan", "ten ca nhan", "ca nhan", "ho va ten can bo"),
    "gia_dinh": ("ho gia dinh", "ho gia dinh chu ho", "gia dinh", "ten ho gia dinh", "chu ho", "ten gia dinh"),
    "tap_the": ("phong don vi", "ten phong don vi", "don vi", "ten don vi", "ten tap the", "tap the",
                "co quan don vi", "ten co quan don vi", "phong ban don vi", "ten tap the don vi"),
    # one table for every kind: each row's kind comes from its section or a kind column
    "": ("ten tap the ca nhan", "tap the ca nhan", "ten tap the hoac ca nhan", "ten doi tuong", "doi tuong",
         "ten tap the ca nhan ho gia dinh", "ho ten tap the ca nhan", "ten don vi ca nhan",
         "ten tap the ho ten ca nhan"),
}
# Parts of a name split over columns, in the order they are joined.
NAME_PARTS = {"ho": 0, "ho dem": 0, "ho va ten dem": 0, "ho va chu dem": 0, "ten dem": 1, "chu dem": 1, "ten": 2}
SECTION_TITLES = {"tap_the": ("tap the",), "ca_nhan": ("ca nhan",), "gia_dinh": ("gia dinh", "ho gia dinh")}
TT_HEADINGS = ("tt", "stt", "so tt", "so thu tu")
NOTE_HEADINGS = ("ghi chu", "ghi chu sang kien", "ghi chu ly do")
TYPE_HEADINGS = ("loai tap the", "loai", "loai hinh", "loai hinh tap the")
KIND_HEADINGS = ("phan loai khen thuong", "phan loai doi tuong", "doi tuong khen thuong", "loai doi tuong")
# Values of a kind column: the import templates' codes and the words of proposal lists.
KIND_VALUES = {"tapthe": "tap_the", "tt": "tap_the", "tap the": "tap_the", "khen thuong tap the": "tap_the",
               "canhan": "ca_nhan", "cn": "ca_nhan", "ca nhan": "ca_nhan", "khen thuong ca nhan": "ca_nhan",
               "hogiadinh": "gia_dinh", "hgd": "gia_dinh", "ho gia dinh": "gia_dinh", "gia dinh": "gia_dinh",
               "khen thuong ho gia dinh": "gia_dinh"}
COMPLETION_TEXT = ("dang ky muc do hoan thanh nhiem vu", "muc do hoan thanh nhiem vu", "muc do hoan thanh",
                   "muc do", "xep loai", "danh gia xep loai", "muc do hoan thanh nv", "tu xep loai",
                   "tu danh gia muc do hoan thanh nhiem vu", "tu danh gia xep loai", "diem tu danh gia")
# Columns whose cells list titles and awards as text ("LĐTT, CSTĐCS").
TEXT_ITEM_HEADINGS = ("danh hieu thi dua dang ky", "hinh thuc khen thuong", "danh hieu thi dua hinh thuc khen thuong",
                      "dang ky thi dua", "thi dua", "khen thuong", "danh hieu dang ky", "danh hieu thi dua",
                      "dang ky danh hieu thi dua", "dang ky hinh thuc khen thuong", "hinh thuc khen thuong de nghi",
                      "hinh thuc de nghi khen thuong", "dang ky thi dua khen thuong", "danh hieu",
                      "de nghi khen thuong", "danh hieu khen thuong", "hinh thuc khen thuong dang ky",
                      "dang ky danh hieu")
# Descriptive columns kept in registrations.csv (DOMAIN.md section 5), by the headings that announce them.
DESCRIPTIVE_HEADINGS = {
    "honorific": ("ong ba", "ong", "ba", "danh xung", "ten goi ong ba chuc danh", "ten goi", "cap bac"),
    "position": ("chuc vu", "chuc danh", "chuc vu don vi", "chuc vu don vi cong tac", "chuc vu chuc danh",
                 "chuc danh nghe nghiep", "chuc vu noi cong tac"),
    "sub_unit": ("don vi cong tac", "phong to bo phan", "phong ban", "bo phan", "to", "phong", "noi cong tac",
                 "to chuyen mon", "phong khoa", "to bo phan", "don vi", "co quan don vi cong tac"),
    "birth_year": ("nam sinh", "ngay sinh", "ngay thang nam sinh"),
    "gender": ("gioi tinh",),
    "staff_id": ("ma nv", "ma cb", "ma can bo", "ma nhan vien", "ma so", "ma cbcc", "ma cong chuc", "so hieu"),
    "headcount": ("tong so cc vc va nld", "tong so cb cc vc", "so luong", "so nguoi", "tong so nguoi",
                  "tong so cbccvc", "so can bo"),
}
DESCRIPTIVE = tuple(DESCRIPTIVE_HEADINGS)
# Columns units add for their own use: read past without a finding, and not kept.
INFO_HEADINGS = ("dia chi", "so dien thoai", "dien thoai", "email", "que quan", "trinh do")
GENDER_VALUES = {"nam": "Nam", "nu": "Nữ"}
# Honorifics and ranks written before a name ("Ông Nguyễn Văn A", "Đại tá Lê Văn B"), longest first.
HONORIFICS = ("dai tuong", "thuong tuong", "trung tuong", "thieu tuong", "dai ta", "thuong ta", "trung ta",
              "thieu ta", "dai uy", "thuong uy", "trung uy", "thieu uy", "dong chi", "d c", "ong", "ba")
SIGNATURE_MARKERS = ("truong phong", "thu truong", "giam doc", "nguoi lap", "ky ghi ro",
                     "noi nhan", "xac nhan", "ky ten", "chu tich", "ky dong dau", "lanh dao don vi", "hieu truong",
                     "truong don vi")
NOTE_PREFIXES = ("ghi chu", "luu y", "chu y", "chu thich")
TOTAL_KEYS = frozenset({"tong cong", "cong", "tong", "tong so", "tong cong toan don vi"})
# Words that start the name of a collective, for rows of a table of both kinds with no section or kind column;
# with their tone marks, lower case: "Trường" is a school, "Trương" a family name; "Tổ" a team, "Tô" a family name.
COLLECTIVE_WORDS = ("phòng", "tổ", "trường", "khoa", "ban", "xí nghiệp", "công ty", "chi nhánh", "đội", "văn phòng",
                    "trung tâm", "tập thể", "chi cục", "thanh tra", "sở", "xã", "thôn", "hợp tác xã", "cơ quan",
                    "điện lực", "phân xưởng", "bộ phận", "hội", "đoàn thanh niên", "chi bộ", "công đoàn", "ủy ban",
                    "uỷ ban")
# How the descriptive columns are named to a clerk (in the hints of findings).
DESCRIPTIVE_LABELS = {"honorific": "Ông/Bà", "birth_year": "Năm sinh", "gender": "Giới tính", "position": "Chức vụ",
                      "sub_unit": "Đơn vị công tác", "staff_id": "Mã cán bộ", "headcount": "Tổng số người"}
