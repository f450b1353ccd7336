"""Every write of the awareness app, in one public surface (console and API call these)."""

from canhgac.awareness.services.bulletins import (
    Upload,
    publish_bulletin,
    reading_units,
    recipient_units,
    record_opening,
    save_bulletin,
    submit_quiz,
    unit_results,
)
from canhgac.awareness.services.quiz import parse_quiz, quiz_text, score_answers

__all__ = [
    "Upload",
    "parse_quiz",
    "publish_bulletin",
    "quiz_text",
    "reading_units",
    "recipient_units",
    "record_opening",
    "save_bulletin",
    "score_answers",
    "submit_quiz",
    "unit_results",
]
