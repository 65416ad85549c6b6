"""News text → proposed milestone events, by rules: no model, nothing downloaded.

Each sentence is cut into clauses; a clause that looks forward ("expects", "plans to")
gives an expected milestone, never an event; any other clause gives the events its words
state, for the drug named nearest them or, when it names none, one named before it or the
drug the paragraph (or its "About" section, or the headline) is about; dated by the date
nearest them, the day the news was told, or none. docs/extraction.md tells every rule.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from ..dates import PartialDate
from ..event_types import DEAL, EVENT_TYPES, REGULATORY, names_where, same_milestone
from .mentions import drug_names
from .model import Linear, Model, features, shipped
from .names import Drug, Lexicon, build_lexicon, comparators
from .patterns import (
    ANY_TRIGGER_WORD,
    DECIDED,
    FORWARD,
    NOT_A_DECISION,
    TRIGGERS,
    TYPES_OF_WORD,
    agency_last,
    agency_near,
    agency_of,
    application_last,
    application_of,
    designation_of,
    pathway_of,
    phase_of,
    region_agency,
)
from .text import Sentence, sentences
from .when import REPORTING_VERB, Mention, dateline, is_goal_date, mentions

_CLAUSE = re.compile(
    r";\s+|:\s+|,\s+(?:and\s+|while\s+|but\s+|whereas\s+)|\s+but\s+|\s+and\s+(?=(?:the\s+)?(?:company|"
    r"FDA|EMA|agency|it|we|they|[A-Z][a-z]+ (?:has|have|had|was|were|is|will))\b)"
)
_DEAL_TYPES = names_where(group=DEAL)
_APPOSITION_OPENS = re.compile(r"[\w-]+[®™]?(?: \([^)]*\))?, (?:an?|the) [^,]{0,150},")
_PRECLINICAL = re.compile(
    r"\b(?:pre-?clinical|in mice|in rats|in animals?|animal models?|in vitro|xenograft|"
    r"warrants? further investigation in humans)\b",
    re.IGNORECASE,
)
_TRIAL_STARTS = {"phase_started", "phase_ongoing", "phase_mentioned"}
_COMBINATION = re.compile(
    r"\b(?:in combination with|combined with|together with|given with|combining|"
    r"combination of)\b",
    re.IGNORECASE,
)
_SEVERAL_A_CLAUSE = {"designation_granted", "approved"}  # types a clause may state more than once
# A trial named, told as going on, or cited as evidence is not dated by the sentence or the news.
UNDATED = tuple(dict(TRIGGERS)[t] for t in ("phase_mentioned", "phase_ongoing", "results_cited"))
_CO_DEVELOPING = re.compile(r"\b(?:developing|develop|co-develop\w*|jointly|co-commerciali[sz]\w*)\b", re.IGNORECASE)
_SIGNING = re.compile(
    r"\b(?:sign\w*|enter\w*|agree\w*|struck|inked|formed|announc\w*|licen[cs]\w*|obtain\w*)\b", re.IGNORECASE
)
_EVIDENCE = re.compile(
    r"\b(?:approv\w*|authori[sz]ation|supported|supporting|evidence|based on|rests? on|rested on|"
    r"registrational|completed|compared|produced|improvements?|hit|goal|randomi[sz]ed|enrolled)\b",
    re.IGNORECASE,
)
_NOT_REGULATORY = re.compile(
    r"\b(?:shareholders?|stockholders?|boards?|transaction|merger|antitrust|"
    r"Hart-Scott-Rodino)\b",
    re.IGNORECASE,
)
_REGULATORY = names_where(group=REGULATORY)
# Types whose phase a sentence may tell outside their clause: a trial's, or a programme's end.
_TRIAL = frozenset(t for t, kind in EVENT_TYPES.items() if "phase" in kind.attributes and kind.group != REGULATORY)
# Types that concern an application (a designation names none of its own).
_APPLICATION = _REGULATORY - {"designation_granted"}
_COMPANY = re.compile(
    r"\b([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3}\s+(?:Inc|Ltd|Co|Corp|Corporation|AG|SA|NV|plc|"
    r"GmbH|Pharma|Pharmaceuticals?|Therapeutics|Biosciences?|Biotech|Biologics|Oncology|"
    r"Holdings|Biopharma|Group|Sciences?|Laboratories|Medicines)\b\.?)"
)


@dataclass
class Proposed:
    """An event (or an expected milestone) read from a sentence."""

    drug: str
    type: str
    date: PartialDate
    attributes: dict[str, Any] = field(default_factory=dict)
    quote: str = ""
    names: list[str] = field(default_factory=list)  # every name the text gives the drug
    dated_by_news: bool = False  # the sentence gives no date: it is the day of the news
    confidence: float | None = None  # how likely the event is stated as done (model.py); None before scoring
    # What the rules saw (trigger words, clause, the sentence's place, where the drug came
    # from): the features the model weighs. Not part of the event.
    cues: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        confidence = {} if self.confidence is None else {"confidence": round(self.confidence, 3)}
        return {
            "drug": self.drug,
            "type": self.type,
            "date": self.date.to_json(),
            **self.attributes,
            **confidence,
            "quote": self.quote,
        }


@dataclass
class Extraction:
    published: date | None
    events: list[Proposed]
    expected: list[Proposed]
    news_day: PartialDate | None = None  # the day the news was told


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if c and c.strip()]


_APPROVAL_REFERRED = re.compile(
    r"\s*(?:-\s*)?(?:the\s+|this\s+)?(?:approval|rejection)\s+(?:comes|came|follows|"
    r"followed|marks|is|was|represents|caps)\b",
    re.IGNORECASE,
)
# A clause with none of these has no verb of its own ("…, and much of the community, with
# a complete response letter"): it is the rest of the clause before.
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|did|does|do|can|may|[a-z]{3,}ed)\b")
# A verb that carries on what was told before ("…, but issued a complete response letter").
_PAST_VERB = r"(?:[a-z]+ed|issued|won|got|granted|gave|made|sent|took)"
_GOES_ON = re.compile(
    rf"\s*(?:but|and|however,?)\s+(?:it|the agency|the company|the regulator|they)\s+(?:also\s+)?"
    rf"{_PAST_VERB}\b",
    re.IGNORECASE,
)
# What the lead paragraph tells of a trial's results or end is the news itself.
_NEWS_IN_THE_LEAD = {"results_reported", "trial_halted", "discontinued"}
_REPORTED = re.compile(rf"\b{REPORTING_VERB}\b")
# Forward-looking nouns name a future date; they do not make what precedes them a plan.
_NOUN_MARKER = re.compile(r"PDUFA|goal date|target action date", re.IGNORECASE)
_CONTINUES = re.compile(rf"\s*(?:but |and |then |while )?(?:also |later |subsequently )?(?:{_PAST_VERB}|with)\b")


def _reported_on(sentence: str, dates: list[Mention]) -> Mention | None:
    """The date a sentence says the news was told ("…, it said on Monday"): it dates
    whatever the sentence reports that carries no date of its own."""
    return next(
        (
            d
            for verb in _REPORTED.finditer(sentence)
            for d in dates
            if verb.start() <= d.start <= verb.end() + 20
            or (d.when.precision == "day" and verb.end() <= d.start <= verb.end() + 45)
        ),
        None,
    )


def _distance(date_: Mention, start: int, end: int) -> float:
    """How far a date is from the words of an event; one after them ("approved … in
    March") is the more usual, so a date before counts as a little further away."""
    return date_.start - end if date_.start >= end else 1.5 * (end - date_.end)


def _date_for(
    clause_start: int,
    clause: str,
    trigger: re.Match,
    dates: list[Mention],
    reported: Mention | None,
    rivals: list[re.Match],
) -> PartialDate:
    """The date nearest the trigger within the clause, unless it is nearer another
    statement of the same kind ("authorized in the EU since 2019 and approved in Taiwan");
    a sentence that says when it was told dates the rest; a clause that goes on from an
    earlier one keeps its date; else none (an unknown date)."""
    start, end = clause_start + trigger.start(), clause_start + trigger.end()
    inside = [d for d in dates if clause_start <= d.start < clause_start + len(clause)]
    if inside and rivals:
        # A date that opens the clause ("In July 2016, it received A and B") dates all its events.
        mine = [
            d
            for d in inside
            if d.relative
            or d.start - clause_start <= 4
            or all(
                _distance(d, start, end) <= _distance(d, clause_start + r.start(), clause_start + r.end())
                for r in rivals
            )
        ]
        if not mine:
            return PartialDate.unknown()
        inside = mine
    if not inside:
        if reported is not None and reported in dates:
            return reported.when
        before = [d for d in dates if d.start < clause_start]  # a clause going on from an earlier one keeps its date
        if before and (_CONTINUES.match(clause) or not _FINITE_VERB.search(clause)):
            return before[-1].when
        return PartialDate.unknown()
    nearest = min(inside, key=lambda d: _distance(d, start, end)).when
    # "in June at the 2017 ASCO Annual Meeting": a more precise date within the nearest is the same one.
    within = [
        d.when
        for d in inside
        if d.when.precision != nearest.precision and nearest.start <= d.when.start and d.when.end <= nearest.end
    ]
    return min(within, key=lambda w: w.end - w.start) if within else nearest


def _attributes(
    type_: str,
    clause: str,
    sentence: str,
    at: int = 0,
    end: int | None = None,
    told_before: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What a clause tells of an event whose words start at `at`: the agency named nearest
    them, else the one of the region it names ("in Japan"); the application, pathway,
    designation, phase and partners. What the sentence does not tell, the text may have
    told before ("the agency accepted the application"): `told_before`."""
    before = told_before or {}
    a: dict[str, Any] = {}
    if type_ in _REGULATORY or type_ == "trial_halted":
        agency = agency_near(clause, at, end) or agency_of(sentence)
        if type_ in _REGULATORY:
            agency = agency or region_agency(clause, type_) or before.get("agency")
        if agency:
            a["agency"] = agency
    if type_ in _APPLICATION:
        application = application_of(clause)
        if type_.startswith("ind"):
            application = "IND"
        elif application is None and type_ != "approved" and _THE_APPLICATION.search(clause):
            application = before.get("application")
        if application and (application == "IND") == type_.startswith("ind"):
            a["application"] = application
    if type_ == "approved":
        pathway = pathway_of(clause)
        if pathway:
            a["pathway"] = pathway
    if type_ == "designation_granted":
        designation = designation_of(clause)
        if designation:
            a["designation"] = designation
    if "phase" in EVENT_TYPES[type_].attributes:
        phase = phase_of(clause) or (phase_of(sentence) or before.get("phase") if type_ in _TRIAL else None)
        if phase:
            a["phase"] = phase
    if type_ in _DEAL_TYPES:
        partners = list(dict.fromkeys(m[1].rstrip(".") for m in _COMPANY.finditer(sentence)))
        if partners:
            a["partners"] = partners
    return a


# "the application", "the filing", "it": an application the text told of before.
_THE_APPLICATION = re.compile(
    r"\b(?:the|its|this|that) (?:application|filing|submission|resubmission|dossier)\b|"
    r"\b(?:withdrew|resubmitted|refiled) it\b",
    re.IGNORECASE,
)


def _without(found: list[tuple[str, re.Match]], *types: str) -> list[tuple[str, re.Match]]:
    return [(t, m) for t, m in found if t not in types]


_A_TRIAL = re.compile(r"\b(?:trials?|stud(?:y|ies))\b", re.IGNORECASE)
_A_PROGRAMME = re.compile(r"\b(?:development|program|programme)\b", re.IGNORECASE)
_TO_ACQUIRE = re.compile(r"\b(?:to acquire|acquisition of|merger)\b", re.IGNORECASE)
_APPROVAL_MENTIONED = re.compile(
    r"\b(?:since|after|following|follows|before|upon|ahead of|pending|with|without|"
    r"pressed for|push(?:ed|ing)? for|call(?:ed|ing)? for|described|hailed|welcomed|"
    r"praised|celebrated)\s+(?:the |its |this |that |a )?(?:\w+\s+){0,2}approval\b",
    re.IGNORECASE,
)
_VOUCHER = re.compile(r"\bvoucher\b", re.IGNORECASE)
_ANY_APPROVED_DRUG = re.compile(
    r"\s*(?:drugs|medicines|products|therapies|treatments|vaccines)\s+"
    r"(?:approved|cleared|authori[sz]ed)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(r"\b(?:reported|announced|presented|published|unveiled)\b")


def _types(clause: str) -> list[tuple[str, re.Match]]:
    """The milestones a clause states, each with the words that state it; where readings
    compete, the one the clause means."""
    found: list[tuple[str, re.Match]] = []
    possible = {t for word in ANY_TRIGGER_WORD.findall(clause.lower()) for t in TYPES_OF_WORD[word]}
    for type_, pattern in TRIGGERS:
        if type_ not in possible:
            continue
        if type_ in _SEVERAL_A_CLAUSE:  # "has held breakthrough designation since 2017 and picked up RMAT"
            found.extend((type_, m) for m in pattern.finditer(clause))
            continue
        if type_ == "trial_halted":  # "removed the clinical hold … after the agency froze them on Oct. 7"
            lifted = [m.span() for t, m in found if t == "ind_cleared" and not m[0].lower().startswith("hold")]
            m = next(
                (m for m in pattern.finditer(clause) if not any(a < m.end() and m.start() < b for a, b in lifted)), None
            )
            if m:
                found.append((type_, m))
            continue
        m = pattern.search(clause)
        if m:
            found.append((type_, m))
    names = {t for t, _ in found}
    # One clause, one reading where readings compete.
    if "ind_cleared" in names or "ind_filed" in names:
        found = _without(found, "approved", "filing_accepted", "filing_submitted")
    if names & {"filing_accepted", "filing_submitted", "rejected"} and not (
        re.search(r"\bapproved\b", clause) and "rejected" not in names
    ):
        found = _without(found, "approved")
    if "designation_granted" in names and re.search(r"designation", clause, re.I):
        found = _without(found, "approved")
    if "trial_halted" in names and "discontinued" in names:
        a_trial = _A_TRIAL.search(clause) and not _A_PROGRAMME.search(clause)
        found = _without(found, "discontinued" if a_trial else "trial_halted")
    if "acquired" in names and "collaboration_signed" in names:
        # "signed a definitive agreement to acquire": the agreement is the acquisition
        found = _without(found, "collaboration_signed" if _TO_ACQUIRE.search(clause) else "acquired")
    if "approved" in names and _APPROVAL_MENTIONED.search(clause):
        found = _without(found, "approved")  # an approval referred to, not announced
    if "collaboration_signed" in names and _CO_DEVELOPING.search(clause) and not _SIGNING.search(clause):
        found = _without(found, "collaboration_signed")  # working together, no deal told
    if "phase_completed" in names:
        found = _without(found, "phase_started", "phase_ongoing")
    if "phase_started" in names:
        found = _without(found, "phase_ongoing")
    if "withdrawn" in names:
        found = _without(found, "approved")  # "withdraws Ukoniq approval"
    if _VOUCHER.search(clause) and re.search(r"\b(?:acquir|bought|purchas|sold|from)", clause):
        found = _without(found, "designation_granted", "acquired")  # a voucher changing hands
    if _ANY_APPROVED_DRUG.match(clause):
        found = _without(found, "approved")  # what any approved drug may undergo
    if "approved" in names and _NOT_REGULATORY.search(clause):
        found = _without(found, "approved")  # boards and shareholders approve deals
    if "results_reported" in names and _PRECLINICAL.search(clause):
        found = _without(found, "results_reported")  # results in animals are no trial's
    if "results_cited" in names and "results_reported" in names and not _REPORTING.search(clause):
        cited = [m.span() for t, m in found if t == "results_cited"]
        # "using results from the Phase 2b part": the citation, undated; other results stand apart
        found = [
            (t, m)
            for t, m in found
            if t != "results_reported" or not any(a < m.end() and m.start() < b for a, b in cited)
        ]
    if "results_cited" in names and any(t == "results_reported" for t, _ in found):
        found = _without(found, "results_cited")  # "… results, which it first reported in…"
    if "phase_mentioned" in names and (
        names
        & {"phase_started", "phase_ongoing", "phase_completed", "trial_halted", "results_reported", "results_cited"}
        or _EVIDENCE.search(clause)
    ):
        found = _without(found, "phase_mentioned")  # a trial cited for its results
    return found


def extract(
    text: str, published: date | None = None, min_confidence: float | None = None, model: Model | None = None
) -> Extraction:
    """Propose the events a news text states, each with its confidence, and the milestones
    it only expects. Events below `min_confidence` (by default the model's own threshold,
    chosen for the best F1 on news it was not trained on) are left out."""
    model = model or shipped()
    result = candidates(text, published, model.names)
    result.events = scored(result, model.events, model.emit_threshold if min_confidence is None else min_confidence)
    return result


def scored(result: Extraction, events: Linear, threshold: float) -> list[Proposed]:
    """Each candidate event at its likeliest date reading, with that reading's confidence,
    if it reaches the threshold; one event per drug, type and date."""
    best: dict[tuple, Proposed] = {}
    for event in result.events:
        options = date_options(event, result.news_day)
        for option in options:
            option.confidence = events.probability(features(option))
        chosen = max(options, key=lambda o: o.confidence or 0.0)  # the rules' reading where they tie
        confidence = chosen.confidence or 0.0
        key = (chosen.drug.casefold(), chosen.type, chosen.date)
        if confidence >= threshold and (key not in best or confidence > (best[key].confidence or 0.0)):
            best[key] = chosen
    return list(best.values())


def date_options(event: Proposed, news_day: PartialDate | None) -> list[Proposed]:
    """The readings of an event's date the model chooses from: the rules' date, none (the
    text only tells that it happened), or the day of the news. The rules are more often
    right, so their reading comes first."""
    rules_date = "news" if event.dated_by_news else event.date.precision if event.date.is_known else "none"
    out = [replace(event, cues={**event.cues, "date_reading": "rules", "rules_date": rules_date})]
    other_dates = [PartialDate.unknown()] if event.date.is_known else []
    if news_day is not None and event.date != news_day:
        other_dates.append(news_day)
    for when in other_dates:
        option = replace(
            event,
            date=when,
            dated_by_news=when == news_day,
            confidence=None,
            cues={**event.cues, "date_reading": "none" if not when.is_known else "news", "rules_date": rules_date},
        )
        out.append(option)
    return out


def candidates(text: str, published: date | None = None, names: Linear | None = None) -> Extraction:
    """Every event the rules read in a news text, unscored, and the milestones it only
    expects; with `names`, the learned name model adds the drug names it is sure of."""
    published = published or dateline(text)
    parts = sentences(text)
    lexicon = build_lexicon([s.text for s in parts], None if names is None else partial(drug_names, names))
    not_subjects = comparators([s.text for s in parts], lexicon)
    headline_drug: Drug | None = None
    first_body = next((s.paragraph for s in parts if not s.headline and len(s.text) > 80), None)
    paragraph_drug: dict[int, Drug] = {}
    about_drug: dict[str, Drug] = {}
    events: list[Proposed] = []
    expected: list[Proposed] = []
    last_told: PartialDate | None = None  # the last date told in the paragraph, for "the same month"
    last_paragraph = -1
    news_day = _news_day(parts, first_body, published)
    previous_day: PartialDate | None = None  # the day the sentence before told, for one that goes on from it
    told_before: dict[str, str] = {}  # the agency, application and phase named last, for "the agency" and the like
    # A headline that names no drug ("CureVac's vaccine shows 47% efficacy") is about the one
    # the text names most.
    mentions_of = Counter(id(d) for s in parts for _, d, _ in lexicon.find(s.text) if id(d) not in not_subjects)
    main_drug = max(lexicon.drugs, key=lambda d: mentions_of[id(d)]) if mentions_of else None
    for sentence in parts:
        named = [d for _, d, _ in lexicon.find(sentence.text) if id(d) not in not_subjects]
        named = list({id(d): d for d in named}.values())
        if sentence.about and sentence.about not in about_drug:
            in_heading = [d for _, d, _ in lexicon.find(sentence.about)]
            if in_heading:
                about_drug[sentence.about] = in_heading[0]
        if named and headline_drug is None:
            headline_drug = named[0]
        context = (
            paragraph_drug.get(sentence.paragraph)
            or about_drug.get(sentence.about or "")
            or headline_drug
            or (main_drug if sentence.headline else None)
        )
        if named:
            paragraph_drug.setdefault(sentence.paragraph, named[0])
        dates = mentions(sentence.text, published, last_told)
        # Events cannot be later than the news, nor dated by a goal date ("a goal date of February 26").
        past = [
            d for d in dates if (published is None or d.when.start <= published) and not is_goal_date(sentence.text, d)
        ]
        reported = _reported_on(sentence.text, past)
        if sentence.paragraph != last_paragraph:
            last_told, last_paragraph = None, sentence.paragraph
            told_before.pop("phase", None)  # a trial's phase is told again where a paragraph turns to it
        offset = 0
        for clause in _clauses(sentence.text):
            start = sentence.text.find(clause, offset)
            offset = start + len(clause)
            found = _types(clause)
            if not found:
                continue
            markers = [m.start() for m in FORWARD.finditer(clause)]
            if NOT_A_DECISION.search(clause):
                found = [(t, m) for t, m in found if t != "approved"]
            in_clause = [(at, d) for at, d, _ in lexicon.find(clause) if id(d) not in not_subjects]
            for type_, trigger in found:
                if type_ in _DEAL_TYPES:
                    subjects = named or ([context] if context else [])
                else:
                    named_before = [
                        d
                        for at, d, name in lexicon.find(sentence.text)
                        if at + len(name) <= start and id(d) not in not_subjects
                    ]
                    subjects = _subjects(type_, trigger, clause, in_clause, named_before, named, context)
                subject_from = "clause" if in_clause else "sentence" if named else "context"
                kind = type_
                # A forward-looking word governs what follows it (and "approval is expected")
                forward = any(
                    at < trigger.end() or (at < trigger.end() + 25 and not _NOUN_MARKER.match(clause, at))
                    for at in markers
                )
                usable = dates if forward else past
                if type_ in ("phase_mentioned", "phase_ongoing", "results_cited"):
                    type_ = "results_reported" if type_ == "results_cited" else "phase_started"
                    when = PartialDate.unknown()
                else:
                    rivals = [m for t, m in found if t == type_ and m is not trigger]
                    when = _date_for(start, clause, trigger, usable, reported, rivals)
                    if not when.is_known and start == 0 and previous_day is not None and _GOES_ON.match(clause):
                        when = previous_day  # "Late Friday, the agency approved… But it issued a letter…"
                dated_by_news = False
                if (
                    not when.is_known
                    and news_day is not None
                    and trigger.re not in UNDATED
                    and (
                        _is_news_of_the_day(sentence)
                        or DECIDED.search(clause)
                        or (type_ in _NEWS_IN_THE_LEAD and sentence.paragraph == first_body)
                    )
                ):
                    when, dated_by_news = news_day, True
                if (type_ in ("approved", "rejected") and _APPROVAL_REFERRED.match(clause)) or (
                    type_ == "approved"
                    and not when.is_known
                    and not agency_of(clause)
                    and re.match(r"(?:the|this|that|its)\s+(?:\w+\s+)?approval\b", clause.strip(), re.I)
                ):
                    continue  # "The approval was based on …", "Approval comes six months after…": told elsewhere
                attributes = _attributes(type_, clause, sentence.text, trigger.start(), trigger.end(), told_before)
                if type_ == "designation_granted" and designation_of(trigger[0]):
                    attributes["designation"] = designation_of(trigger[0])
                if (
                    type_ in _DEAL_TYPES
                    and not named
                    and news_day is not None
                    and (when == news_day or _days_before(when, news_day))
                ):
                    # A deal of the day between companies covers every drug the text is about,
                    # but for another company's ("Bristol Myers Squibb's Zeposia").
                    subjects = [
                        d
                        for d in lexicon.drugs
                        if id(d) not in not_subjects and not _owned_by_another(d, parts, lexicon, sentence.text)
                    ]
                    subject_from = "every drug"
                for drug in subjects:
                    if drug is None:
                        continue
                    proposed = Proposed(
                        drug.name, type_, when, dict(attributes), sentence.text, list(drug.names), dated_by_news
                    )
                    proposed.cues = {
                        "kind": kind,
                        "trigger": trigger[0],
                        "clause": clause,
                        "subject_from": subject_from,
                        "subjects": len(subjects),
                        "headline": sentence.headline,
                        "about": sentence.about is not None,
                        "lead": sentence.paragraph == first_body,
                        "sentence": sentence.index,
                        "drugs_in_text": len(lexicon.drugs),
                        "mentions": mentions_of[id(drug)],
                        "main_drug": drug is main_drug,
                        "published": published,
                    }
                    (expected if forward else events).append(proposed)
        for attribute, told in (
            ("agency", agency_last(sentence.text)),
            ("application", application_last(sentence.text)),
            ("phase", phase_of(sentence.text)),
        ):
            if told:
                told_before[attribute] = told
        if past:
            last_told = past[-1].when
        previous_day = past[-1].when if past and past[-1].when.precision == "day" else None
    return Extraction(published, _merge(events), _merge(expected), news_day)


def _subjects(
    type_: str,
    trigger: re.Match,
    clause: str,
    in_clause: list[tuple[int, Drug]],
    named_before: list[Drug],
    named: list[Drug],
    context: Drug | None,
) -> list[Drug]:
    """The drugs a clause's event is about (deals apart)."""
    if in_clause and type_ in _TRIAL_STARTS and _COMBINATION.search(clause):
        return list({id(d): d for _, d in in_clause}.values())  # a trial of a combination
    if in_clause and _APPOSITION_OPENS.match(clause) and in_clause[0][0] == 0:
        return [in_clause[0][1]]  # "CagriSema, a combination of …, met its primary endpoint"
    if in_clause:  # the drug named nearest the words that state the event
        return [min(in_clause, key=lambda n: abs(n[0] - trigger.start()))[1]]
    # A clause that names no drug is about one named before it in the sentence, else its context's.
    return named_before[-1:] or ([context] if context else named[:1])


_OWNER = re.compile(r"\b([A-Z][\w&-]+)(?: [A-Z][\w&-]+){0,3}['’]s\s+(?:[\w-]+\s+){0,3}$")


def _owned_by_another(drug: Drug, parts: list[Sentence], lexicon: Lexicon, deal: str) -> bool:
    """Whether the text names the drug as a company's that the deal sentence does not name."""
    for sentence in parts:
        for at, found, _ in lexicon.find(sentence.text):
            owner = _OWNER.search(sentence.text[max(0, at - 80) : at]) if found is drug else None
            if owner and owner[1] not in deal:
                return True
    return False


def _news_day(parts: list[Sentence], first_body: int | None, published: date | None) -> PartialDate | None:
    """The day the news happened: the day its lead says it was told ("the company said on
    Wednesday"), else the day it was published."""
    if published is None:
        return None
    lead = [s for s in parts if first_body is not None and s.paragraph >= first_body][:3]
    for sentence in lead:
        days = [
            d for d in mentions(sentence.text, published) if d.when.precision == "day" and d.when.start <= published
        ]
        # "…, the company said on Monday", or "Shares closed lower on Tuesday after the company said…"
        told = _reported_on(sentence.text, days) or (days[0] if days and _REPORTED.search(sentence.text) else None)
        if told is not None:
            return told.when
    return PartialDate.of_day(published)


def _is_news_of_the_day(sentence: Sentence) -> bool:
    """The headline, what is announced today, and what the news reports as just done
    ("the company said it has discontinued…") happened on the day of the news."""
    return (
        sentence.headline
        or bool(re.search(r"\b(?:today|announced|announces)\b", sentence.text))
        or bool(re.search(rf"\b{REPORTING_VERB}\b.*\b(?:has|have) (?:been )?\w+(?:ed|en)\b", sentence.text))
    )


def _same_kind(a: Proposed, b: Proposed) -> bool:
    """The same drug and the same milestone, whatever their dates."""
    return a.drug.casefold() == b.drug.casefold() and same_milestone(a.type, a.attributes, b.type, b.attributes)


def _merge(proposed: list[Proposed]) -> list[Proposed]:
    """One event per drug, type and date (an agency told in one mention and not in
    another is the same event); an undated mention of a milestone that is also stated
    with a date is the same milestone."""
    kept: list[Proposed] = []
    for p in proposed:
        same = next((k for k in kept if k.date == p.date and _same_kind(k, p)), None)
        if same is None:
            kept.append(p)
        else:
            same.attributes = {**p.attributes, **same.attributes}
            same.dated_by_news = same.dated_by_news and p.dated_by_news
            same.cues["told"] = same.cues.get("told", 1) + 1  # how many times the text tells it
    dated = [k for k in kept if k.date.is_known]
    told = [k for k in dated if not k.dated_by_news]
    return [
        k
        for k in kept
        if k.date.is_known or not any(_same_kind(d, k) for d in dated)
        if not (k.dated_by_news and any(_same_kind(d, k) and _days_before(d.date, k.date) for d in told))
    ]


def _days_before(told: PartialDate, news_day: PartialDate) -> bool:
    """A day told within the week before the news: a headline's "approves" is that event."""
    return told.precision == "day" and timedelta(0) <= news_day.start - told.start <= timedelta(days=7)
