"""Starting data of a new deployment: the national bodies as outside contacts, and the operator.

Both are data, edited later in the console: seeding fills them in only while there are none, so it never
overwrites (or resurrects one by one) what a deployment has changed. ``canhgac init`` calls :func:`seed`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from canhgac.constituency.models import Contact, Operator
from canhgac.constituency.services import save_object

DATA = Path(__file__).resolve().parent / "data"
CONTACT_FIELDS = ("organisation", "name", "position", "phone", "hotline", "email", "notes")


def read_data(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def seed_national_bodies() -> int:
    """Create the national bodies' contacts unless the deployment already keeps any; returns how many."""
    if Contact.objects.filter(national_body=True).exists():
        return 0
    bodies = read_data("national_bodies.json")["bodies"]
    with transaction.atomic():
        for body in bodies:
            save_object(Contact(unit=None, national_body=True, **{key: body[key] for key in CONTACT_FIELDS}))
    return len(bodies)


def seed_operator() -> bool:
    """Create the operator row (the demo province's Department of Science and Technology) if none exists."""
    if Operator.objects.exists():
        return False
    save_object(Operator(**read_data("default_operator.json")["operator"]))
    return True


def seed() -> list[str]:
    done = []
    bodies = seed_national_bodies()
    if bodies:
        done.append(_("%(count)d national bodies (outside contacts)") % {"count": bodies})
    if seed_operator():
        done.append(_("the operator (edit it in the console: letters use it)"))
    return done
