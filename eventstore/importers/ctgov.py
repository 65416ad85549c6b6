"""ClinicalTrials.gov API v2 study records → milestone events.

- `phase_started` from an ACTUAL start date, `phase_completed` from an ACTUAL primary
  completion date, each at the precision written (`2015-06` stays a month);
- `trial_halted` for a suspended, terminated or withdrawn study, with `whyStopped` as
  the note; a withdrawn study never started, so it gives no `phase_started`;
- ESTIMATED dates are expectations, not events; a date without a type is neither.
"""

from __future__ import annotations

import re
from typing import Any

from ..dates import PartialDate
from ..errors import MilestonesError
from ..events import NewEvent
from .common import Drug, ForeignRecord, ImportedEvent, ImportedExpectation, Record, clean_name

PHASES = {
    ("PHASE1",): "1",
    ("PHASE2",): "2",
    ("PHASE3",): "3",
    ("PHASE4",): "4",
    ("PHASE1", "PHASE2"): "1/2",
    ("PHASE2", "PHASE3"): "2/3",
}
DRUG_TYPES = {"DRUG", "BIOLOGICAL", "GENETIC", "COMBINATION_PRODUCT"}
NOT_A_DRUG = re.compile(
    r"\b(placebo|vehicle|saline|sham|standard of care|best supportive care|comparator)\b", re.IGNORECASE
)
STUDY_ARMS = {"EXPERIMENTAL", "OTHER", None}
HALTED = {"SUSPENDED", "TERMINATED", "WITHDRAWN"}
NCT = re.compile(r"NCT\d{8}")
PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")


def studies(document: Any) -> list[dict]:
    """The study records of a file: one study, or the search endpoint's {"studies": […]}."""
    if isinstance(document, dict) and isinstance(document.get("studies"), list):
        found = document["studies"]
    else:
        found = [document]
    for study in found:
        nct = _get(study, "protocolSection", "identificationModule", "nctId")
        if not isinstance(nct, str) or not NCT.fullmatch(nct):
            if isinstance(study, dict) and ("FullStudiesResponse" in study or "StudyFieldsResponse" in study):
                raise ForeignRecord("a record of the retired classic ClinicalTrials.gov API; use API v2 records")
            raise ForeignRecord("not a ClinicalTrials.gov API v2 study record (no protocolSection…nctId)")
    return found


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _names(intervention: dict) -> list[str]:
    """The intervention's name, a name in parentheses after it, and its otherNames."""
    names = []
    name = clean_name(str(intervention.get("name") or ""))
    if m := PARENTHESIS.match(name):
        names += [m[1], m[2]]
    elif name:
        names.append(name)
    names += [clean_name(str(n)) for n in intervention.get("otherNames") or [] if str(n).strip()]
    return list(dict.fromkeys(n for n in names if n))


def study_drugs(protocol: dict) -> tuple[list[Drug], list[str]]:
    """The drugs a study tests: drug-like interventions in an experimental arm (all of
    them when the record has no arms), not placebo or a comparator."""
    arms_module = protocol.get("armsInterventionsModule") or {}
    in_study_arms = set()
    arms = arms_module.get("armGroups") or []
    for arm in arms:
        if arm.get("type") in STUDY_ARMS:
            in_study_arms |= {str(n).split(":", 1)[-1].strip() for n in arm.get("interventionNames") or []}
    drugs: dict[str, Drug] = {}
    skipped = []
    for intervention in arms_module.get("interventions") or []:
        names = _names(intervention)
        if not names or intervention.get("type") not in DRUG_TYPES or NOT_A_DRUG.search(names[0]):
            continue
        if arms and str(intervention.get("name", "")).strip() not in in_study_arms:
            skipped.append(f"{names[0]}: a comparator (in no experimental arm)")
            continue
        if names[0].casefold() in drugs:  # the same drug listed once per dose arm
            drugs[names[0].casefold()].names = list(dict.fromkeys(drugs[names[0].casefold()].names + names))
        else:
            drugs[names[0].casefold()] = Drug(names)
    return list(drugs.values()), skipped


def _date(struct: Any) -> tuple[PartialDate | None, str | None]:
    """A date struct → (date, type); a malformed date is a malformed record."""
    if not isinstance(struct, dict) or not struct.get("date"):
        return None, None
    try:
        return PartialDate.parse(str(struct["date"])), struct.get("type")
    except MilestonesError as error:
        raise ForeignRecord(f"a date that cannot be read: {error}") from None


def read_study(study: dict) -> Record:
    protocol = study["protocolSection"]
    nct = protocol["identificationModule"]["nctId"]
    status = protocol.get("statusModule") or {}
    record = Record(source=nct)
    drugs, record.skipped = study_drugs(protocol)
    record.drugs = drugs
    phases = tuple(_get(protocol, "designModule", "phases") or [])
    phase = PHASES.get(phases)
    if phase is None:
        record.skipped.append(f"phases {list(phases) or 'absent'}: not a drug-development phase")
        return record
    conditions = _get(protocol, "conditionsModule", "conditions") or []
    countries = sorted(
        {
            str(loc["country"])
            for loc in _get(protocol, "contactsLocationsModule", "locations") or []
            if isinstance(loc, dict) and loc.get("country")
        }
    )
    partners = [
        str(c["name"])
        for c in _get(protocol, "sponsorCollaboratorsModule", "collaborators") or []
        if isinstance(c, dict) and c.get("name")
    ]
    attributes = {
        "phase": phase,
        "indication": "; ".join(map(str, conditions))[:300] or None,
        "region": countries,
        "partners": partners,
    }
    overall = status.get("overallStatus")
    start, start_type = _date(status.get("startDateStruct"))
    primary, primary_type = _date(status.get("primaryCompletionDateStruct"))
    completion, completion_type = _date(status.get("completionDateStruct"))

    def add(type_: str, when: PartialDate, key: str, value: str, note: str | None = None) -> None:
        for drug in drugs:
            record.events.append(
                ImportedEvent(drug, NewEvent(drug.names[0], type_, when, attributes, source=nct, note=note), key, value)
            )

    def expect(type_: str, when: PartialDate, key: str) -> None:
        for drug in drugs:
            record.expected.append(ImportedExpectation(drug, type_, when, {"phase": phase}, key))

    if start is not None and start_type == "ACTUAL" and overall != "WITHDRAWN":
        add("phase_started", start, "start", str(start))
    elif start is not None and start_type == "ESTIMATED" and overall not in HALTED:
        expect("phase_started", start, "expected_start")
    if primary is not None and primary_type == "ACTUAL" and overall != "WITHDRAWN":
        add("phase_completed", primary, "primary_completion", str(primary))
    elif primary is not None and primary_type == "ESTIMATED" and overall not in HALTED:
        expect("phase_completed", primary, "expected_primary_completion")
    if overall in HALTED:
        # No termination date exists; an ACTUAL completion bounds it, else it is unknown.
        ended = next(
            (d for d, t in ((primary, primary_type), (completion, completion_type)) if d is not None and t == "ACTUAL"),
            PartialDate.unknown(),
        )
        why = status.get("whyStopped")
        add("trial_halted", ended, "halted", overall, note=f"{overall.lower()}: {why}" if why else overall.lower())
    return record
