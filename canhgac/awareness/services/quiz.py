"""The bulletin's quiz as text the SOC writes, and the scoring of one person's answers.

The text is one block per question: the question on its own line, then its answers, each on a line starting
with ``-`` (wrong) or ``*`` (the one correct answer); blank lines between blocks are optional. A refusal names
the line. Example::

    Tin nhắn báo trúng thưởng yêu cầu chuyển phí nhận quà là gì?
    - Quà tặng thật của nhà mạng
    * Lừa đảo
    - Thông báo của ngân hàng
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_QUESTIONS = 20
MAX_CHOICES = 8
QUESTION_MAX = 500
CHOICE_MAX = 300
QUIZ_TEXT_MAX = 20000


@dataclass
class QuestionDraft:
    line: int
    text: str
    choices: list[tuple[str, bool]] = field(default_factory=list)


def _error(line: int, message: str) -> ValidationError:
    return ValidationError({"quiz": _("Line %(line)d: %(message)s") % {"line": line, "message": message}})


def parse_quiz(text: str) -> list[QuestionDraft]:
    """The questions of ``text`` (none for an empty text), or a refusal naming the first bad line."""
    if len(text) > QUIZ_TEXT_MAX:
        raise ValidationError({"quiz": _("The quiz is longer than %(limit)d characters.") % {"limit": QUIZ_TEXT_MAX}})
    questions: list[QuestionDraft] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = " ".join(raw.split())
        if not line:
            continue
        if line[0] in "-*":
            _add_choice(questions, number, line)
        else:
            if len(line) > QUESTION_MAX:
                raise _error(number, _("a question has at most %(limit)d characters.") % {"limit": QUESTION_MAX})
            if questions:
                _check_question(questions[-1])
            questions.append(QuestionDraft(number, line))
            if len(questions) > MAX_QUESTIONS:
                raise _error(number, _("a quiz has at most %(limit)d questions.") % {"limit": MAX_QUESTIONS})
    if questions:
        _check_question(questions[-1])
    return questions


def _add_choice(questions: list[QuestionDraft], number: int, line: str) -> None:
    if not questions:
        raise _error(number, _("an answer comes after its question."))
    answer = line[1:].strip()
    if not answer:
        raise _error(number, _("the answer is empty."))
    if len(answer) > CHOICE_MAX:
        raise _error(number, _("an answer has at most %(limit)d characters.") % {"limit": CHOICE_MAX})
    questions[-1].choices.append((answer, line[0] == "*"))
    if len(questions[-1].choices) > MAX_CHOICES:
        raise _error(number, _("a question has at most %(limit)d answers.") % {"limit": MAX_CHOICES})


def _check_question(question: QuestionDraft) -> None:
    if len(question.choices) < 2:
        raise _error(question.line, _("a question needs at least two answers, each on a line starting with - or *."))
    correct = sum(1 for _text, right in question.choices if right)
    if correct != 1:
        raise _error(question.line, _("mark exactly one answer as correct with * (found %(count)d).")
                     % {"count": correct})


def quiz_text(questions: Any) -> str:
    """The text form of saved questions (with their ``choices``), for editing."""
    blocks = []
    for question in questions:
        marks = [f"{'*' if choice.correct else '-'} {choice.text}" for choice in question.choices.all()]
        lines = [question.text, *marks]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def score_answers(questions: list[Any], answers: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """How many answers are right, and the answers kept (question id → choice id), every question answered with
    one of its own choices — anything else is refused, whatever was sent."""
    if not isinstance(answers, dict) or len(answers) > MAX_QUESTIONS * 2:
        raise ValidationError(_("Answer each question once."))
    kept: dict[str, int] = {}
    score = 0
    for question in questions:
        raw = answers.get(str(question.pk))
        choices = {choice.pk: choice for choice in question.choices.all()}
        choice_id = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() and len(str(raw)) < 12 else -1
        if choice_id not in choices:
            raise ValidationError(_("Question %(number)d: choose one of its answers.") % {"number": question.position})
        kept[str(question.pk)] = choice_id
        score += choices[choice_id].correct
    return score, kept
