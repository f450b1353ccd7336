"""Invented people for the demo's contacts: Vietnamese names, mobile numbers on real carrier prefixes, e-mails
as provincial mail systems spell them (given name + initials: Nguyễn Văn Hùng → hungnv)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from canhgac.constituency.demo.province import DOMAIN, UnitSpec

FAMILY = ["Nguyễn"] * 8 + ["Trần"] * 3 + ["Lê"] * 3 + ["Phạm"] * 2 + [
    "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trịnh", "Mai", "Lương"]
MALE_MIDDLE = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Đình", "Ngọc", "Mạnh"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Bích"]
MALE_GIVEN = ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh", "Long", "Nam",
              "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Kiên", "Lâm"]
FEMALE_GIVEN = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai",
                "Nga", "Ngọc", "Nhung", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Vân", "Yến", "Huyền"]
# Mobile prefixes of VinaPhone, Viettel and MobiFone.
MOBILE_PREFIXES = ["091", "094", "088", "083", "084", "085", "081", "096", "097", "098", "086", "032", "033", "035",
                   "038", "039", "090", "093", "089", "070", "079", "077"]
OFFICE_AREA_CODE = "0237"
# A unit kind's leader in charge of information security, and its focal point (đầu mối) for warnings.
POSITIONS = {
    "department": ("Phó Giám đốc Sở", "Chuyên viên phụ trách CNTT, Văn phòng Sở"),
    "provincial_body": ("Phó Chánh Văn phòng", "Chuyên viên Phòng Hành chính – Tổ chức, phụ trách CNTT"),
    "public_service": ("Phó Giám đốc", "Viên chức phụ trách CNTT"),
    "district": ("Phó Chủ tịch UBND", "Chuyên viên Văn phòng HĐND và UBND, phụ trách CNTT"),
    "commune": ("Phó Chủ tịch UBND", "Công chức Văn phòng – Thống kê"),
    "hospital": ("Phó Giám đốc Bệnh viện", "Trưởng phòng Công nghệ thông tin"),
    "school": ("Phó Hiệu trưởng", "Giáo viên phụ trách CNTT"),
    "telecom": ("Phó Giám đốc", "Trưởng phòng Kỹ thuật – Đầu tư"),
    "it_provider": ("Phó Giám đốc chi nhánh", "Trưởng bộ phận Kỹ thuật"),
    "enterprise": ("Phó Giám đốc", "Cán bộ kỹ thuật CNTT"),
    "other": ("Phó Chủ tịch", "Chuyên viên Văn phòng"),
}
SECOND_FOCAL = "Quản trị mạng, trực sự cố an toàn thông tin"
PROVIDER_DOMAINS = {"VNPT-LS": "vnpt-lamson.vn", "VIETTEL-LS": "viettel-lamson.vn", "FPT-LS": "fpt-lamson.vn",
                    "BUUDIEN-LS": "buudien-lamson.vn"}


@dataclass(frozen=True)
class Person:
    family: str
    middle: str
    given: str

    @property
    def name(self) -> str:
        return f"{self.family} {self.middle} {self.given}"

    @property
    def mailbox(self) -> str:
        """``hungnv``: the given name, then the initials of the family and middle names, without diacritics."""
        return ascii_lower(self.given) + ascii_lower(self.family)[0] + ascii_lower(self.middle)[0]


def ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()


def person(rng: random.Random) -> Person:
    if rng.random() < 0.55:
        return Person(rng.choice(FAMILY), rng.choice(MALE_MIDDLE), rng.choice(MALE_GIVEN))
    return Person(rng.choice(FAMILY), rng.choice(FEMALE_MIDDLE), rng.choice(FEMALE_GIVEN))


def mobile(rng: random.Random) -> str:
    digits = f"{rng.randrange(10_000_000):07d}"
    return f"{rng.choice(MOBILE_PREFIXES)}{digits[0]} {digits[1:4]} {digits[4:]}"


def office_phone(rng: random.Random) -> str:
    return f"{OFFICE_AREA_CODE} 3{rng.randrange(100, 1000)} {rng.randrange(1000):03d}"


def mail_domain(spec: UnitSpec) -> str:
    return PROVIDER_DOMAINS.get(spec.code, DOMAIN)


class Directory:
    """Hands out people with e-mail addresses unique across the province (hungnv, hungnv2, …)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()

    def email(self, someone: Person, spec: UnitSpec) -> str:
        domain = mail_domain(spec)
        base = someone.mailbox if domain != DOMAIN else f"{someone.mailbox}.{spec.slug}"
        address, number = f"{base}@{domain}", 1
        while address in self.taken:
            number += 1
            address = f"{base}{number}@{domain}"
        self.taken.add(address)
        return address

    def contact(self, spec: UnitSpec, position: str, focal_point: bool, note: str = "") -> dict[str, str]:
        """One contact row in the import's English columns."""
        someone = person(self.rng)
        return {"Unit code": spec.code, "Name": someone.name, "Position": position,
                "Phone": office_phone(self.rng), "Mobile": mobile(self.rng), "E-mail": self.email(someone, spec),
                "Focal point": "yes" if focal_point else "no", "Notes": note}


def unit_contacts(spec: UnitSpec, directory: Directory) -> list[dict[str, str]]:
    """A unit's people: its focal point (and a second for large units) and the leader in charge.

    Units marked without a focal point keep only a leader, or nobody (one in three), so the home page's
    coverage figures have something to show.
    """
    leader_position, focal_position = POSITIONS[spec.kind]
    leader = directory.contact(spec, leader_position, False, "Lãnh đạo phụ trách an toàn thông tin")
    if not spec.has_focal_point:
        return [] if directory.rng.random() < 0.34 else [leader]
    rows = [directory.contact(spec, focal_position, True)]
    if spec.size in ("l", "xl"):
        rows.append(directory.contact(spec, SECOND_FOCAL, True))
    if spec.size != "xs":
        rows.append(leader)
    return rows
