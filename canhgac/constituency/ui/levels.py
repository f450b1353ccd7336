"""What each security level (cấp độ) of an information system means, after Decree 85/2016/NĐ-CP, Article 7.

Shown next to the bare number wherever a level is chosen or displayed, so that an officer picking "3" sees what
they are claiming. The Vietnamese wording (in the translator comments) follows the decree.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LEVEL_MEANINGS: dict[int, Promise] = {
    # Translators: Decree 85/2016, level 1: "gây tổn hại tới quyền và lợi ích hợp pháp của tổ chức, cá nhân nhưng
    # không làm tổn hại tới lợi ích công cộng, trật tự, an toàn xã hội, quốc phòng, an ninh quốc gia".
    1: _("Harms the lawful rights and interests of organisations or individuals, but not the public interest, "
         "social order and safety, national defence or security"),
    # Translators: level 2: "gây tổn hại nghiêm trọng tới quyền và lợi ích hợp pháp của tổ chức, cá nhân hoặc gây
    # tổn hại tới lợi ích công cộng nhưng không làm tổn hại tới trật tự, an toàn xã hội, quốc phòng, an ninh quốc gia".
    2: _("Seriously harms the lawful rights and interests of organisations or individuals, or harms the public "
         "interest, but not social order and safety, national defence or security"),
    # Translators: level 3: "gây tổn hại nghiêm trọng tới sản xuất, lợi ích công cộng và trật tự, an toàn xã hội hoặc
    # gây tổn hại tới quốc phòng, an ninh quốc gia".
    3: _("Seriously harms production, the public interest and social order and safety, or harms national "
         "defence and security"),
    # Translators: level 4: "gây tổn hại đặc biệt nghiêm trọng tới lợi ích công cộng và trật tự, an toàn xã hội hoặc
    # làm tổn hại nghiêm trọng tới quốc phòng, an ninh quốc gia".
    4: _("Especially seriously harms the public interest and social order and safety, or seriously harms "
         "national defence and security"),
    # Translators: level 5: "gây tổn hại đặc biệt nghiêm trọng tới quốc phòng, an ninh quốc gia".
    5: _("Especially seriously harms national defence and security"),
}


def level_meaning(level: int | None) -> Promise | str:
    return LEVEL_MEANINGS.get(level or 0, "")


def level_choices() -> list[tuple[int, str]]:
    """Choices for a form: "3 — Seriously harms …" (evaluated per request, so in the user's language)."""
    return [(level, f"{level} — {meaning}") for level, meaning in LEVEL_MEANINGS.items()]
