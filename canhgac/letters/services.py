"""The public surface of letters, for any part of Canh Gác: fill a :class:`LetterContent`, :func:`render_letter`
makes the DOCX in the layout of Decree 30/2020/NĐ-CP, :func:`to_pdf` its PDF (LibreOffice, headless)."""

from canhgac.letters.content import (
    LetterContent,
    Letterhead,
    LetterItem,
    LetterTable,
    Signature,
    archive_of,
    letter_date,
    short_date,
)
from canhgac.letters.converting import ConversionError, find_soffice, to_pdf
from canhgac.letters.letterhead import letterhead_of_operator, signature_of_operator
from canhgac.letters.rendering import render_letter

__all__ = [
    "ConversionError",
    "LetterContent",
    "LetterItem",
    "LetterTable",
    "Letterhead",
    "Signature",
    "archive_of",
    "find_soffice",
    "letter_date",
    "letterhead_of_operator",
    "render_letter",
    "short_date",
    "signature_of_operator",
    "to_pdf",
]
