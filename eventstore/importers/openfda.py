"""openFDA drug/drugsfda applications → milestone events.

- the original application approved (ORIG, status AP) → `approved` by FDA on the status
  date; an application's second ORIG approved the same day is part of the first;
- an efficacy supplement approved (SUPPL, AP, EFFICACY) → `approved`, noted as a new
  indication or population (the record does not say which);
- labeling and manufacturing supplements, tentative approvals (TA) and ANDAs (generics)
  → nothing;
- priority review on an approved submission → `designation_granted` priority_review,
  dated only as before that approval.
"""

from __future__ import annotations

import re
from typing import Any

from ..dates import PartialDate
from ..errors import MilestonesError
from ..events import NewEvent
from .common import Drug, ForeignRecord, ImportedEvent, Record, clean_name

APPLICATION = re.compile(r"(NDA|BLA|ANDA)(\d{6})")
YYYYMMDD = re.compile(r"(\d{4})(\d{2})(\d{2})")


def applications(document: Any) -> list[dict]:
    """The applications of a file: one `results[]` element, or a whole response."""
    found = document.get("results") if isinstance(document, dict) and "results" in document else [document]
    if not isinstance(found, list) or not found:
        raise ForeignRecord("not an openFDA drugsfda record (no results)")
    for application in found:
        if (
            not isinstance(application, dict)
            or not APPLICATION.fullmatch(str(application.get("application_number")))
            or not isinstance(application.get("submissions"), list)
        ):
            raise ForeignRecord("not an openFDA drugsfda application (needs application_number and submissions)")
    return found


def _day(text: Any) -> PartialDate:
    m = YYYYMMDD.fullmatch(str(text or ""))
    if not m:
        raise ForeignRecord(f"submission_status_date {text!r} is not YYYYMMDD")
    try:
        return PartialDate.parse(f"{m[1]}-{m[2]}-{m[3]}")
    except MilestonesError as error:
        raise ForeignRecord(str(error)) from None


def application_drug(application: dict) -> Drug:
    """The generic name first (lower case, as an INN is written), then brand names."""
    openfda = application.get("openfda") or {}
    products = application.get("products") or []
    generic = [clean_name(n).lower() for n in openfda.get("generic_name") or []]
    if not generic:
        ingredients = [
            clean_name(i.get("name", "")).lower() for p in products[:1] for i in p.get("active_ingredients") or []
        ]
        generic = [", ".join(i for i in ingredients if i)] if ingredients else []
    brands = [clean_name(n) for n in (openfda.get("brand_name") or []) + [p.get("brand_name", "") for p in products]]
    names = list(dict.fromkeys(n for n in generic + brands if n))
    if not names:
        raise ForeignRecord(f"{application['application_number']} names no drug (no generic or brand name)")
    return Drug(names)


def read_application(application: dict) -> Record:
    number = application["application_number"]
    match = APPLICATION.fullmatch(number)
    assert match is not None  # records without a well-formed number are refused before they are read
    kind = match[1]
    record = Record(source=number)
    if kind == "ANDA":
        record.skipped.append(f"{number}: a generic (ANDA), not a development milestone")
        return record
    drug = application_drug(application)
    record.drugs = [drug]
    submissions = sorted(
        application["submissions"],
        key=lambda s: (str(s.get("submission_status_date")), int(s.get("submission_number") or 0)),
    )
    original_approved = False
    for sub in submissions:
        kind_of = sub.get("submission_type")
        number_of = str(sub.get("submission_number"))
        status, cls = sub.get("submission_status"), str(sub.get("submission_class_code") or "")
        label = f"{kind_of} {number_of}"
        if status != "AP":
            record.skipped.append(
                f"{label}: status {status} (a tentative approval is not an approval)"
                if status == "TA"
                else f"{label}: status {status}"
            )
            continue
        when = _day(sub.get("submission_status_date"))
        if kind_of == "ORIG":
            if original_approved:
                record.skipped.append(f"{label}: approved with the original application")
                continue
            original_approved = True
            note = f"{number} original approval" + (
                f" ({sub['submission_class_code_description']})" if sub.get("submission_class_code_description") else ""
            )
            application_kind = kind
        elif kind_of == "SUPPL" and cls == "EFFICACY":
            note = f"{number} efficacy supplement S-{number_of}: a new indication or population"
            application_kind = "s" + kind
        else:
            record.skipped.append(f"{label}: a {cls.lower() or 'non-efficacy'} supplement")
            continue
        key = f"{kind_of}-{number_of}"
        approval = NewEvent(
            drug.names[0],
            "approved",
            when,
            {"agency": "FDA", "application": application_kind},
            source=f"openFDA {number}",
            note=note,
        )
        record.events.append(ImportedEvent(drug, approval, key, str(when)))
        if sub.get("review_priority") == "PRIORITY":
            priority = NewEvent(
                drug.names[0],
                "designation_granted",
                PartialDate.unknown(),
                {"agency": "FDA", "designation": "priority_review"},
                source=f"openFDA {number}",
                reported=when,
                note=f"priority review of {label}",
            )
            record.events.append(ImportedEvent(drug, priority, f"{key}-priority", "granted"))
    return record
