"""Every write of the duty app, in one public surface (console, API, CLI and the schedule call these)."""

from canhgac.duty.services.rosters import (
    GenerateReport,
    delete_roster,
    generate_shifts,
    person_for_feed_token,
    rotate_feed_token,
    save_person,
    save_roster,
    shift_hours,
    shift_windows,
)
from canhgac.duty.services.staffing import (
    add_log_entry,
    answer_swap,
    assign_person,
    cancel_swap,
    check_in,
    may_answer_swap,
    request_swap,
    unassign,
)
from canhgac.duty.services.watch import WatchReport, detect_duty_gaps, duty_board, on_duty_at, unstaffed_now

__all__ = [
    "GenerateReport",
    "WatchReport",
    "add_log_entry",
    "answer_swap",
    "assign_person",
    "cancel_swap",
    "check_in",
    "delete_roster",
    "detect_duty_gaps",
    "duty_board",
    "generate_shifts",
    "may_answer_swap",
    "on_duty_at",
    "person_for_feed_token",
    "request_swap",
    "rotate_feed_token",
    "save_person",
    "save_roster",
    "shift_hours",
    "shift_windows",
    "unassign",
    "unstaffed_now",
]
