"""The demo province of Lam Sơn (invented): its units, as a provincial register would list them.

After the 2025 reorganisation a province has about 14 departments and, since 1 July 2025, no district level:
communes and wards report to the province directly. The three district committees are kept (marked in their
notes) because registers still carry them and their communes while records move over.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = "Lam Sơn"
DOMAIN = "lamson.gov.vn"
DISTRICT_NOTE = "Cấp huyện kết thúc hoạt động từ 01/7/2025; giữ lại để tra cứu dữ liệu và hồ sơ đang chuyển giao."


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short: str
    kind: str
    parent: str | None
    size: str  # xs, s, m, l, xl: how many people and hosts the unit has
    slug: str  # its sub-domain of DOMAIN
    provider: str = "telecom-a"  # whose aggregate its netblocks come from; "nested": carved from its parent's
    has_netblock: bool = True
    has_focal_point: bool = True


def _u(code: str, name: str, short: str, kind: str, parent: str | None, size: str, slug: str,
       **options: object) -> UnitSpec:
    return UnitSpec(code, name, short, kind, parent, size, slug, **options)  # type: ignore[arg-type]


UNITS: tuple[UnitSpec, ...] = (
    _u("VP-UBND", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "provincial_body", None, "l", "vpubnd"),
    _u("TT-PVHCC", "Trung tâm Phục vụ hành chính công tỉnh", "TT PVHCC", "public_service", "VP-UBND", "m",
       "hanhchinhcong"),
    _u("VP-HDND", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "VP ĐĐBQH và HĐND",
       "provincial_body", None, "m", "hdnd"),
    _u("SO-NV", "Sở Nội vụ", "Sở Nội vụ", "department", None, "m", "sonoivu"),
    _u("TT-LTLS", "Trung tâm Lưu trữ lịch sử tỉnh", "TT Lưu trữ", "public_service", "SO-NV", "xs", "luutru",
       provider="nested"),
    _u("TT-DVVL", "Trung tâm Dịch vụ việc làm tỉnh", "TT DVVL", "public_service", "SO-NV", "s", "vieclam"),
    _u("SO-TC", "Sở Tài chính", "Sở Tài chính", "department", None, "l", "sotaichinh"),
    _u("SO-TP", "Sở Tư pháp", "Sở Tư pháp", "department", None, "m", "sotuphap"),
    _u("SO-CT", "Sở Công Thương", "Sở Công Thương", "department", None, "m", "socongthuong"),
    _u("SO-NNMT", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", "department", None, "l", "sonnmt"),
    _u("CC-KL", "Chi cục Kiểm lâm", "CC Kiểm lâm", "department", "SO-NNMT", "s", "kiemlam"),
    _u("VP-DKDD", "Văn phòng Đăng ký đất đai tỉnh", "VP ĐKĐĐ", "public_service", "SO-NNMT", "m", "vpdkdd"),
    _u("SO-XD", "Sở Xây dựng", "Sở Xây dựng", "department", None, "m", "soxaydung"),
    _u("SO-KHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", "department", None, "l", "skhcn"),
    _u("TT-CNTT", "Trung tâm Công nghệ thông tin và Truyền thông tỉnh", "TT CNTT&TT", "public_service", "SO-KHCN",
       "xl", "ttcntt"),
    _u("TT-TDC", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng", "TT Kỹ thuật TĐC", "public_service",
       "SO-KHCN", "xs", "tdc", provider="nested"),
    _u("SO-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL", "department", None, "m", "sovhttdl"),
    _u("TT-XTDT", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh", "TT Xúc tiến", "public_service",
       "SO-VHTTDL", "s", "xuctien"),
    _u("SO-YT", "Sở Y tế", "Sở Y tế", "department", None, "m", "soyte"),
    _u("TT-KSBT", "Trung tâm Kiểm soát bệnh tật tỉnh", "CDC tỉnh", "public_service", "SO-YT", "xs", "cdc",
       provider="nested"),
    _u("BV-DKT", "Bệnh viện Đa khoa tỉnh", "BV ĐK tỉnh", "hospital", "SO-YT", "xl", "bvdk", provider="telecom-b"),
    _u("BV-SN", "Bệnh viện Sản – Nhi tỉnh", "BV Sản – Nhi", "hospital", "SO-YT", "l", "bvsannhi",
       provider="telecom-b"),
    _u("BV-YHCT", "Bệnh viện Y học cổ truyền tỉnh", "BV YHCT", "hospital", "SO-YT", "m", "bvyhct",
       provider="telecom-b"),
    _u("BV-PHOI", "Bệnh viện Phổi tỉnh", "BV Phổi", "hospital", "SO-YT", "s", "bvphoi", provider="telecom-b"),
    _u("BV-MAT", "Bệnh viện Mắt tỉnh", "BV Mắt", "hospital", "SO-YT", "s", "bvmat", provider="telecom-b"),
    _u("SO-GDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "department", None, "m", "sogddt"),
    _u("THPT-CLS", "Trường THPT chuyên Lam Sơn", "THPT chuyên", "school", "SO-GDDT", "s", "thptchuyen",
       provider="telecom-b"),
    _u("CD-YT", "Trường Cao đẳng Y tế Lam Sơn", "CĐ Y tế", "school", None, "s", "cdyte", provider="it-provider"),
    _u("DH-LS", "Trường Đại học Lam Sơn", "ĐH Lam Sơn", "school", None, "l", "dhls", provider="telecom-b"),
    _u("TR-CT", "Trường Chính trị tỉnh", "Trường Chính trị", "school", None, "s", "truongchinhtri"),
    _u("SO-DTTG", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", "department", None, "s", "sodttg"),
    _u("SO-NGV", "Sở Ngoại vụ", "Sở Ngoại vụ", "department", None, "s", "songoaivu", has_focal_point=False),
    _u("THANHTRA", "Thanh tra tỉnh", "Thanh tra tỉnh", "department", None, "s", "thanhtra"),
    _u("BQL-KKT", "Ban Quản lý Khu kinh tế và các khu công nghiệp tỉnh", "BQL KKT", "department", None, "m",
       "bqlkkt"),
    _u("BQLDA-DD", "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh", "BQLDA DD&CN",
       "public_service", None, "s", "bqldadd", has_focal_point=False),
    _u("BAO-PTTH", "Báo và Phát thanh, Truyền hình Lam Sơn", "Báo và PT-TH", "public_service", None, "m",
       "baolamson", provider="it-provider"),
    _u("QUY-DTPT", "Quỹ Đầu tư phát triển tỉnh", "Quỹ ĐTPT", "public_service", None, "xs", "quydautu"),
    _u("LM-HTX", "Liên minh Hợp tác xã tỉnh", "Liên minh HTX", "other", None, "xs", "lmhtx", has_netblock=False),
    _u("UBND-TP-LS", "UBND thành phố Lam Sơn", "UBND TP Lam Sơn", "district", None, "l", "tplamson"),
    _u("UBND-P-DT", "UBND phường Đông Thành", "UBND P. Đông Thành", "commune", "UBND-TP-LS", "xs", "dongthanh"),
    _u("UBND-P-NS", "UBND phường Nam Sơn", "UBND P. Nam Sơn", "commune", "UBND-TP-LS", "xs", "namson"),
    _u("UBND-H-KL", "UBND huyện Kỳ Lâm", "UBND H. Kỳ Lâm", "district", None, "m", "kylam"),
    _u("UBND-X-KP", "UBND xã Kỳ Phú", "UBND X. Kỳ Phú", "commune", "UBND-H-KL", "xs", "kyphu"),
    _u("UBND-X-KT", "UBND xã Kỳ Tân", "UBND X. Kỳ Tân", "commune", "UBND-H-KL", "xs", "kytan",
       has_focal_point=False),
    _u("UBND-TT-KL", "UBND thị trấn Kỳ Lâm", "UBND TT Kỳ Lâm", "commune", "UBND-H-KL", "xs", "ttkylam"),
    _u("UBND-H-VH", "UBND huyện Vân Hòa", "UBND H. Vân Hòa", "district", None, "m", "vanhoa"),
    _u("UBND-X-VT", "UBND xã Vân Tiến", "UBND X. Vân Tiến", "commune", "UBND-H-VH", "xs", "vantien"),
    _u("UBND-X-HB", "UBND xã Hòa Bắc", "UBND X. Hòa Bắc", "commune", "UBND-H-VH", "xs", "hoabac",
       has_netblock=False),
    _u("UBND-P-LS", "UBND phường Lam Sơn", "UBND P. Lam Sơn", "commune", None, "s", "phuonglamson"),
    _u("UBND-P-BT", "UBND phường Bắc Thành", "UBND P. Bắc Thành", "commune", None, "xs", "bacthanh"),
    _u("UBND-P-HT", "UBND phường Hạc Thành", "UBND P. Hạc Thành", "commune", None, "xs", "hacthanh"),
    _u("UBND-X-TL", "UBND xã Tân Lập", "UBND X. Tân Lập", "commune", None, "xs", "tanlap"),
    _u("UBND-X-DTAM", "UBND xã Đồng Tâm", "UBND X. Đồng Tâm", "commune", None, "xs", "dongtam"),
    _u("UBND-X-PS", "UBND xã Phúc Sơn", "UBND X. Phúc Sơn", "commune", None, "xs", "phucson"),
    _u("UBND-X-HN", "UBND xã Hải Ninh", "UBND X. Hải Ninh", "commune", None, "xs", "haininh"),
    _u("UBND-X-MC", "UBND xã Minh Châu", "UBND X. Minh Châu", "commune", None, "xs", "minhchau",
       has_netblock=False),
    _u("VNPT-LS", "Viễn thông Lam Sơn (VNPT Lam Sơn)", "VNPT Lam Sơn", "telecom", None, "l", "vnpt"),
    _u("VIETTEL-LS", "Viettel Lam Sơn – Chi nhánh Tập đoàn Công nghiệp – Viễn thông Quân đội", "Viettel Lam Sơn",
       "telecom", None, "l", "viettel", provider="telecom-b"),
    _u("FPT-LS", "Công ty Cổ phần Viễn thông FPT – Chi nhánh Lam Sơn", "FPT Telecom Lam Sơn", "it_provider", None,
       "m", "fpt", provider="it-provider"),
    _u("BUUDIEN-LS", "Bưu điện tỉnh Lam Sơn", "Bưu điện tỉnh", "enterprise", None, "s", "buudien"),
)

PROVIDERS = {"telecom-a": "VNPT-LS", "telecom-b": "VIETTEL-LS", "it-provider": "FPT-LS"}
# Units that also hold IPv6 space, and the prefix length they were given.
IPV6_UNITS = {"TT-CNTT": 48, "VP-UBND": 56, "BV-DKT": 48, "DH-LS": 56, "SO-TC": 64}
