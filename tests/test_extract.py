"""The news extractor's rules on sentences written here, one per pattern (`candidates`:
what the rules read, before the model weighs it), and properties of the whole extractor
over arbitrary text."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from milestones_cli import cli

from eventstore.extract import candidates, extract
from eventstore.extract.patterns import ANY_TRIGGER_WORD, TRIGGERS, TYPES_OF_WORD
from eventstore.extract.when import dateline, mentions

PUBLISHED = date(2021, 4, 22)  # a Thursday


def events(text, published=PUBLISHED):
    return {(e.drug, e.type, e.date.to_json()) for e in candidates(text, published).events}


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("on 17 December 2018", "2018-12-17"),
        ("on Dec. 17, 2018", "2018-12-17"),
        ("in March 2018", "2018-03"),
        ("in the first half of 2020", "2020-H1"),
        ("in the third quarter of 2020", "2020-Q3"),
        ("in 2016", "2016"),
        ("today", "2021-04-22"),
        ("on Monday", "2021-04-19"),
        ("yesterday", "2021-04-21"),
        ("last month", "2021-03"),
        ("earlier this year", "2021"),
        ("last year", "2020"),
        ("in July", "2020-07"),
        ("in February", "2021-02"),
        ("last December", "2020-12"),
        ("at the 2019 ASCO Annual Meeting", "2019"),
    ],
)
def test_dates_at_the_precision_they_support(phrase, expected):
    [mention] = mentions(f"The agency acted {phrase}.", PUBLISHED)
    assert mention.when.to_json() == expected


def test_a_dateline_gives_the_publication_date():
    assert dateline("Headline\n\nSHANGHAI, April 22, 2021 /PRNewswire/ -- Something happened.") == PUBLISHED
    assert dateline("Headline\n\n09 April 2019 | News\n\nBody.") == date(2019, 4, 9)


def test_today_and_the_dateline():
    text = (
        "Examplimab wins approval\n\nBOSTON, April 22, 2021 -- Example Bio today announced that the U.S. Food "
        "and Drug Administration (FDA) approved examplimab for plaque psoriasis."
    )
    result = candidates(text)
    assert result.published == PUBLISHED
    [approval] = result.events
    assert (approval.drug, approval.type, approval.date.to_json(), approval.attributes["agency"]) == (
        "examplimab",
        "approved",
        "2021-04-22",
        "FDA",
    )


def test_regulatory_milestones_and_their_attributes():
    text = (
        "In March 2018, the NMPA accepted the New Drug Application for JS001. On 17 December 2018, "
        "toripalimab was conditionally approved by the NMPA. The FDA granted examplimab Breakthrough Therapy "
        "designation in June 2019."
    )
    found = {(e.type, e.date.to_json()): e.attributes for e in candidates(text).events}
    assert found["filing_accepted", "2018-03"] == {"agency": "NMPA", "application": "NDA"}
    assert found["approved", "2018-12-17"]["pathway"] == "conditional"
    assert found["designation_granted", "2019-06"]["designation"] == "breakthrough"


def test_accepted_with_priority_review_is_two_events():
    found = events("The FDA accepted the BLA for examplimab and granted it Priority Review in May 2020.")
    assert {("examplimab", "filing_accepted", "2020-05"), ("examplimab", "designation_granted", "2020-05")} <= found


def test_forward_looking_statements_are_never_events():
    text = (
        "Example Bio expects to submit a BLA for examplimab in the second half of 2021. The FDA has set a "
        "PDUFA target action date of August 1, 2021. The company plans to start a Phase 3 trial next year."
    )
    result = candidates(text)
    assert result.events == []
    assert {e.type for e in result.expected} >= {"filing_submitted"}


def test_a_sentence_without_the_drug_takes_it_from_the_paragraph():
    found = events(
        "Examplimab is an anti-IL-23 antibody. In May 2020 the application was granted Priority Review by the FDA."
    )
    assert ("examplimab", "designation_granted", "2020-05") in found


def test_names_of_one_drug_are_linked():
    result = candidates(
        "The FDA approved Exampia® (examplimab) in May 2020. EXB-101, also known as examplimab, is in Phase 3 trials.",
        PUBLISHED,
    )
    assert {e.drug for e in result.events} == {"examplimab"}
    assert set(result.events[0].names) >= {"Exampia", "examplimab", "EXB-101"}


def test_a_deal_is_an_event_for_each_drug():
    found = events(
        "Today Example Bio entered into a license agreement with Partner Pharma covering EXB-101 and EXB-202."
    )
    assert {
        ("EXB-101", "collaboration_signed", "2021-04-22"),
        ("EXB-202", "collaboration_signed", "2021-04-22"),
    } <= found


def test_ongoing_trials_clinical_holds_and_results():
    found = events(
        "Examplimab is currently being evaluated in a Phase 3 trial in psoriasis. In January 2021 the "
        "FDA placed a clinical hold on the Phase 2 study of exampotinib. Topline results showed that "
        "examplimab met its primary endpoint in March 2021."
    )
    assert ("examplimab", "phase_started", None) in found
    assert ("exampotinib", "trial_halted", "2021-01") in found
    assert ("examplimab", "results_reported", "2021-03") in found


def test_safe_harbour_and_contacts_give_nothing():
    text = (
        "Examplimab update\n\nExample Bio is a company.\n\nForward-Looking Statements\n\nThis press release "
        "contains forward-looking statements. The FDA approved examplimab in 2020.\n\nContacts:\n\nJane Doe"
    )
    assert candidates(text, PUBLISHED).events == []


def test_the_same_milestone_mentioned_again_without_a_date_is_one_event():
    found = events(
        "The FDA approved examplimab in May 2020. Since the FDA approval, examplimab has been launched "
        "in the United States in June 2020."
    )
    assert [f for f in found if f[1] == "approved"] == [("examplimab", "approved", "2020-05")]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600), st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_never_crashes_and_never_dates_an_event_after_publication(text, published):
    result = extract(text, published)
    for event in result.events:
        assert not event.date.is_known or event.date.start <= published


NEWS_WORDS = st.sampled_from(
    [
        "approved",
        "FDA",
        "examplimab",
        "EXB-101",
        "Phase 3",
        "today",
        "on Friday",
        "in 2019",
        "last month",
        "accepted",
        "BLA",
        "(",
        ")",
        "®",
        ".",
        ",",
        "expects",
        "granted",
        "Breakthrough Therapy designation",
        "agreement",
        "acquired",
        "\n\n",
        "About ",
        "the same month",
        "a month after that",
        "- ",
        "\n- ",
        "said on Monday",
        "the candidate,",
        "Zentrix",
        "is being developed",
        "will halt",
        "trial of",
        "in combination with",
        "the following year",
        "In July 2016,",
        "goal date of",
        "but issued",
        "under review by",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NEWS_WORDS, max_size=60).map(" ".join), st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_news_like_noise_never_dates_after_publication_and_quotes_the_text(text, published):
    flat = " ".join(text.split()).casefold()
    for event in extract(text, published).events:
        assert not event.date.is_known or event.date.start <= published
        # Provenance: the quote is a sentence of the text, and the drug is a name the text uses.
        assert " ".join(event.quote.split()).casefold() in flat
        assert event.drug.casefold() in flat


def test_extract_and_ingest_commands(tmp_path):
    release = tmp_path / "release.txt"
    release.write_text(
        "Examplimab approved\n\nBOSTON, April 22, 2021 -- Example Bio today announced that the FDA "
        "approved examplimab. In March 2020 the FDA accepted the BLA for examplimab.\n"
    )
    runner = CliRunner()
    jsonl = runner.invoke(cli, ["extract", str(release), "--format", "jsonl"])
    assert jsonl.exit_code == 0 and '"type": "approved"' in jsonl.stdout and '"quote"' in jsonl.stdout
    db = ["--db", str(tmp_path / "store.db")]
    runner.invoke(cli, [*db, "init"])
    dry = runner.invoke(cli, [*db, "ingest", str(release), "--dry-run"])
    assert dry.exit_code == 0 and "2 new" in dry.stderr
    assert runner.invoke(cli, [*db, "history", "--format", "json"]).stdout.strip() == "[]"
    first = runner.invoke(cli, [*db, "ingest", str(release), "--yes", "--min-confidence", "0"])
    assert first.exit_code == 0 and "2 appended" in first.stderr
    again = runner.invoke(cli, [*db, "ingest", str(release), "--yes", "--min-confidence", "0"])
    assert "0 new" in again.stderr and "2 already known" in again.stderr
    timeline = runner.invoke(cli, [*db, "timeline", "examplimab", "--format", "json"]).stdout
    assert str(release) in timeline and '"reported": "2021-04-22"' in timeline
    refined = tmp_path / "later.txt"
    refined.write_text("BOSTON, May 3, 2021 -- The FDA accepted the BLA for examplimab on March 12, 2020.\n")
    result = runner.invoke(cli, [*db, "ingest", str(refined), "--yes", "--min-confidence", "0"])
    assert "1 refined" in result.stderr
    dates = [
        e["date"]
        for e in __import__("json").loads(
            runner.invoke(cli, [*db, "timeline", "examplimab", "--format", "json"]).stdout
        )
    ]
    assert "2020-03-12" in dates and "2020-03" not in dates


def test_the_same_month_takes_the_date_told_before():
    found = events(
        "The FDA accepted the NDA for examplimab in November 2019. In the same month, the FDA granted "
        "examplimab Orphan Drug designation."
    )
    assert ("examplimab", "designation_granted", "2019-11") in found


def test_a_biosimilar_is_named_by_its_code_and_the_reference_inn_is_not_a_subject():
    text = (
        "Example Bio's trastuzumab biosimilar EXB-1401 approved\n\nBOSTON, April 22, 2021 -- The FDA today "
        "approved EXB-1401, a biosimilar to Roche's trastuzumab. The NMPA accepted the trastuzumab biosimilar's "
        "application in March 2020."
    )
    found = events(text)
    assert ("EXB-1401", "approved", "2021-04-22") in found
    assert ("EXB-1401", "filing_accepted", "2020-03") in found
    assert not any(drug == "trastuzumab" for drug, _, _ in found)


def test_company_names_acid_inns_and_agreements_to_acquire():
    text = (
        "Intercept receives complete response letter for obeticholic acid\n\nNEW YORK, April 22, 2021 -- "
        "Intercept said the FDA issued a complete response letter for obeticholic acid in NASH today. "
        "Example Bio signed a definitive agreement to acquire Intercept and its drug EXB-330 today."
    )
    found = events(text)
    assert ("obeticholic acid", "rejected", "2021-04-22") in found
    assert not any(drug.lower() == "intercept" for drug, _, _ in found)
    assert ("EXB-330", "acquired", "2021-04-22") in found
    assert not any(t == "collaboration_signed" for _, t, _ in found)


def test_names_the_text_introduces_without_a_stem_or_mark():
    text = (
        "Acme's Vexalo wins FDA approval\n\nBOSTON, April 22, 2021 -- Acme said today the FDA approved Vexalo "
        "for adults with gout who did not respond to standard therapy.\n\nSeparately, the vaccine candidate, "
        "NovaVaxin, showed 80% efficacy in a Phase 3 trial. "
        "Acme's rival drug zorbafilam failed its Phase 2 trial last month. Acme had hoped zorbafilam would help."
    )
    found = events(text)
    assert ("Vexalo", "approved", "2021-04-22") in found
    assert ("NovaVaxin", "results_reported", None) in found
    assert ("zorbafilam", "results_reported", "2021-03") in found


def test_a_capitalised_english_word_after_a_drug_noun_is_not_a_name():
    text = "The vaccine Against flu was approved by the FDA on Monday. It protects against flu."
    assert not events(text)


def test_inn_stems_and_short_code_names():
    text = (
        "The FDA approved zelomicin for urinary tract infections on Monday. The NMPA accepted the NDA for "
        "HLX09 in March 2020."
    )
    assert events(text) == {("zelomicin", "approved", "2021-04-19"), ("HLX09", "filing_accepted", "2020-03")}


def test_a_code_used_for_a_trial_scale_or_technology_is_never_a_drug():
    text = (
        "Example Bio reported results from the ZX-201 study in March 2021, showing a drop in the HAMD-17 total "
        "score. ZX-201 met its primary endpoint. Example's DART® and TRIDENT™ platforms produced zilvimab, "
        "which entered Phase 2 in 2020."
    )
    drugs = {drug for drug, _, _ in events(text)}
    assert drugs == {"zilvimab"}


def test_the_day_the_lead_says_the_news_was_told_dates_the_headline():
    text = (
        "Example Bio halts examplimab trial\n\nApril 22, 2021\n\nExample Bio stopped the Phase 3 trial of "
        "examplimab, the company said on Tuesday, after a safety review."
    )
    assert ("examplimab", "trial_halted", "2021-04-20") in events(text)


def test_will_halt_is_a_decision_and_will_file_is_a_plan():
    text = (
        "Example Bio today announced disappointing results for examplimab.\n\nAs a consequence, the company "
        "will halt its two ongoing outcomes studies. It will file an NDA for zilvimab in 2022."
    )
    result = candidates(text, PUBLISHED)
    assert ("examplimab", "trial_halted", "2021-04-22") in {(e.drug, e.type, e.date.to_json()) for e in result.events}
    assert [e.type for e in result.expected] == ["filing_submitted"]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("A month after that, the agency placed examplimab on clinical hold.", "2020-06"),
        ("The following year the FDA approved examplimab for psoriasis.", "2021"),
        ("The partial hold on examplimab had been lifted in August of that year.", "2020-08"),
    ],
)
def test_dates_told_relative_to_the_last_one(sentence, expected):
    text = f"The FDA accepted the BLA for examplimab in May 2020. {sentence}"
    assert any(date_ == expected for _, _, date_ in events(text) - {("examplimab", "filing_accepted", "2020-05")})


def test_a_clause_that_goes_on_keeps_the_date_of_the_one_before():
    text = (
        "The agency on Monday approved examplimab for psoriasis, but issued a complete response letter for "
        "the arthritis indication."
    )
    assert events(text) == {("examplimab", "approved", "2021-04-19"), ("examplimab", "rejected", "2021-04-19")}


def test_completion_words_and_trials_told_as_going_on():
    text = (
        "Examplimab had been evaluated in a Phase 1 study that wrapped up in 2019. Zilvimab is in Phase 2 "
        "development, and the company said this month that it remains on track."
    )
    assert events(text) == {("examplimab", "phase_completed", "2019"), ("zilvimab", "phase_started", None)}


def test_withdrawals_and_approvals_that_are_not_regulatory():
    text = (
        "FDA withdraws Exampla approval\n\nThe FDA today withdrew the approval of Exampla (examplimab). "
        "Both boards approved the transaction, which requires the approval of shareholders."
    )
    found = events(text)
    assert ("examplimab", "withdrawn", "2021-04-22") in found
    assert not {t for _, t, _ in found} & {"approved"}


def test_a_deal_of_the_day_between_companies_covers_every_drug_of_the_text():
    text = (
        "Bigpharma to acquire Smallbio\n\nBOSTON, April 22, 2021 -- Bigpharma today announced an agreement to "
        "acquire Smallbio, Inc.\n\nSmallbio's pipeline:\n\n- examplimab, in Phase 2 for psoriasis\n"
        "- ZX-201, in Phase 1 for gout"
    )
    found = events(text)
    assert {("examplimab", "acquired", "2021-04-22"), ("ZX-201", "acquired", "2021-04-22")} <= found


def test_each_designation_a_clause_tells_and_goal_dates_do_not_date_events():
    text = (
        "Examplimab has held breakthrough therapy designation since 2017 and picked up orphan drug designation "
        "in March 2020. The FDA accepted the BLA in August 2020 and granted it priority review, setting a goal "
        "date of February 26, 2021; that same month the agency also granted it fast track designation."
    )
    designations = {
        (e.attributes["designation"], e.date.to_json())
        for e in candidates(text, PUBLISHED).events
        if e.type == "designation_granted"
    }
    assert designations == {
        ("breakthrough", "2017"),
        ("orphan", "2020-03"),
        ("priority_review", "2020-08"),
        ("fast_track", "2020-08"),
    }


def test_first_doses_co_development_deals_and_vouchers():
    text = (
        "Example Bio said on Tuesday it has given the first dose of examplimab to a volunteer. The two companies "
        "agreed "
        "last month to co-develop examplimab. Example Bio acquired a priority review voucher from Other Bio in "
        "2019 for the application."
    )
    assert events(text) == {
        ("examplimab", "phase_started", "2021-04-20"),
        ("examplimab", "collaboration_signed", "2021-03"),
    }


def test_each_bullet_is_a_paragraph_of_its_own():
    text = (
        "Example Bio pipeline update\n\n- Examplimab (ZX-101) is approved in China. In May 2020 the FDA granted "
        "it accelerated approval.\n- ZX-202 is a TYK2 inhibitor in Phase 1."
    )
    found = events(text)
    assert ("examplimab", "approved", "2020-05") in found
    assert ("ZX-202", "approved", "2020-05") not in found


def test_the_lead_and_the_highlights_tell_the_news_of_the_day():
    text = (
        "Example Bio update\n\n- Company halts all further development of examplimab\n\nBOSTON, April 22, 2021 -- "
        "Example Bio's Phase 3 trial of zilvimab met its primary endpoint in patients with moderate psoriasis, "
        "the company said.\n\nZilvimab also showed benefit in a Phase 2 study."
    )
    found = events(text)
    assert ("examplimab", "discontinued", "2021-04-22") in found
    assert ("zilvimab", "results_reported", "2021-04-22") in found


def test_a_sentence_that_goes_on_from_the_one_before_keeps_its_day():
    text = (
        "Late Friday, the agency approved examplimab for psoriasis. But it issued a complete response letter "
        "for arthritis."
    )
    assert events(text) == {("examplimab", "approved", "2021-04-16"), ("examplimab", "rejected", "2021-04-16")}


def test_chained_relative_dates_and_a_hold_lifted_later_in_the_sentence():
    text = (
        "In July 2023, Example Bio scrapped the Phase 3 trial of examplimab. The following month, the FDA placed "
        "examplimab on partial clinical hold. A month after that, Example Bio terminated a second study of "
        "examplimab. An earlier partial hold, imposed in January 2022, had been lifted in April of that year."
    )
    found = {(t, d) for _, t, d in events(text, date(2024, 4, 22))}
    assert {
        ("trial_halted", "2023-07"),
        ("trial_halted", "2023-08"),
        ("trial_halted", "2023-09"),
        ("trial_halted", "2022-01"),
        ("ind_cleared", "2022-04"),
    } <= found


def test_partners_in_a_combination_and_a_suffixed_biosimilar_inn():
    text = (
        "Examplimab is tested on top of venetoclax and azacitidine in a Phase 3 trial. The azacitidine "
        "combination was put on partial clinical hold in 2022."
    )
    assert {drug for drug, _, _ in events(text)} == {"examplimab"}
    biosimilar = (
        "Example Bio wins approval for its Herceptin biosimilar\n\nThe FDA approved Trazimera "
        "(trastuzumab-qyyp), a biosimilar to Roche's Herceptin, on Monday. Biosimilars cut costs."
    )
    assert ("trastuzumab-qyyp", "approved", "2021-04-19") in events(biosimilar)


def test_goal_dates_withdrawal_from_sale_and_licensing():
    text = (
        "The FDA accepted the application in February and granted it priority review, setting an Aug. 5 action "
        "date for examplimab. In April, Example Bio withdrew Exampla (zilvimab) from sale. Bigpharma paid $50 "
        "million last month to license Example Bio's antibody ZX-301."
    )
    found = events(text)
    assert ("examplimab", "designation_granted", "2021-02") in found
    assert ("zilvimab", "withdrawn", "2021-04") in found
    assert ("ZX-301", "collaboration_signed", "2021-03") in found


def test_evidence_reviews_and_references():
    text = (
        "Example Bio Receives Clinical Trial Approval From China's NMPA for Zentrix\n\nThe FDA first approved "
        "examplimab in 2019. Its approval rested on response rates seen in Study 101, a Phase 1/2 trial in "
        "solid tumours. A new drug application for examplimab in gout is under review by the FDA. In August "
        "2020 Example Bio withdrew it. The CEO described the approval as a milestone for examplimab. Zentrix is "
        "being developed "
        "for IgA nephropathy."
    )
    found = events(text)
    assert ("Zentrix", "ind_cleared", "2021-04-22") in found
    assert {
        ("examplimab", "approved", "2019"),
        ("examplimab", "results_reported", None),
        ("examplimab", "filing_accepted", None),
        ("examplimab", "withdrawn", "2020-08"),
    } <= found
    assert ("examplimab", "approved", None) not in found


def test_a_trial_of_a_combination_is_a_start_for_each_own_drug():
    text = (
        "Example Bio is testing examplimab in combination with its bispecific antibody zilvimab. A Phase 1 study "
        "combining examplimab with dorametan, Other Bio's investigational MDM2 inhibitor, is enrolling."
    )
    found = events(text)
    assert {
        ("examplimab", "phase_started", None),
        ("zilvimab", "phase_started", None),
        ("dorametan", "phase_started", None),
    } <= found


def test_deals_reviews_enrolment_and_sales_told_other_ways():
    text = (
        "In June 2018, Example Bio granted Other Pharma exclusive rights to commercialize examplimab in Europe. "
        "ZX-301 is currently under review by the NMPA. Enrollment in the zilvimab trial began in December 2019. "
        "Example Bio signed a voluntary licence with a generics pool in October for ZX-401. Partner Co has been "
        "selling ZX-501 in Korea since January 2021."
    )
    assert {
        ("examplimab", "collaboration_signed", "2018-06"),
        ("ZX-301", "filing_accepted", None),
        ("zilvimab", "phase_started", "2019-12"),
        ("ZX-401", "collaboration_signed", "2020-10"),
        ("ZX-501", "launched", "2021-01"),
    } <= events(text)


def test_a_date_opening_a_clause_dates_each_of_its_events():
    text = (
        "In July 2016, examplimab received Breakthrough Therapy designation from the FDA and PRIME status from the EMA."
    )
    designations = {
        (e.attributes["designation"], e.attributes["agency"], e.date.to_json())
        for e in candidates(text, PUBLISHED).events
    }
    assert designations == {("breakthrough", "FDA", "2016-07"), ("prime", "EMA", "2016-07")}


def test_after_is_a_prior_therapy_only_after_failing_or_prior_treatment():
    text = (
        "Zilvimab is Example Bio's second biosimilar in Korea after ZX-101. ZX-101 was approved by the MFDS in "
        "May 2022. Examplimab is approved for patients who progressed after failing ZX-202."
    )
    found = {drug for drug, _, _ in events(text)}
    assert "ZX-101" in found and "ZX-202" not in found


def test_a_clause_that_names_no_drug_is_about_one_named_before_it_else_its_context():
    text = (
        "Examplimab fails in gout\n\nExample Bio said examplimab failed its Phase 3 trial. A separate Phase 3 "
        "study of the antibody also started last December, and the company is developing a second "
        "candidate, ZX-202. "
        "The FDA also granted Priority Review to the Biologics License Application for examplimab in 2020."
    )
    found = events(text)
    assert ("examplimab", "phase_started", "2020-12") in found
    assert not {t for d, t, _ in found if d == "ZX-202"}
    assert "collaboration_signed" not in {t for _, t, _ in found}


def test_a_deal_of_the_day_leaves_out_another_companys_drug():
    text = (
        "Bigpharma is buying Smallbio\n\nBOSTON, April 22, 2021 -- Bigpharma is buying Smallbio for $2 billion, "
        "the companies said today.\n\nSmallbio's examplimab is in Phase 2. It would compete with Otherco's "
        "Zentrix (zilvimab)."
    )
    found = events(text)
    assert ("examplimab", "acquired", "2021-04-22") in found
    assert ("zilvimab", "acquired", "2021-04-22") not in found


def test_what_the_sentence_does_not_tell_the_text_told_before():
    text = (
        "The FDA granted examplimab Breakthrough Therapy designation in 2019.\n\nExample Bio submitted a BLA for "
        "examplimab in March 2020. The agency accepted the application in May 2020. Approval in Japan followed "
        "in January 2021.\n\nThe Phase 3 trial of zilvimab began in 2018. The study met its primary endpoint "
        "in 2020."
    )
    found = {(e.drug, e.type, e.date.to_json()): e.attributes for e in candidates(text, PUBLISHED).events}
    assert found["examplimab", "filing_accepted", "2020-05"] == {"agency": "FDA", "application": "BLA"}
    assert found["examplimab", "approved", "2021-01"]["agency"] == "PMDA"
    assert found["zilvimab", "results_reported", "2020"]["phase"] == "3"


def test_partners_that_signed_on_or_hold_rights():
    text = (
        "Examplimab news\n\nOther Pharma, which signed on in January to help develop examplimab, welcomed the "
        "data. Rights to zilvimab in China are held by Partner Co."
    )
    assert {("examplimab", "collaboration_signed", "2021-01"), ("zilvimab", "collaboration_signed", None)} <= events(
        text
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(NEWS_WORDS, max_size=50),
    st.lists(st.booleans(), min_size=50, max_size=50),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_line_breaks_inside_a_paragraph_change_nothing(words, breaks, published):
    # A press release pasted with its lines wrapped elsewhere tells the same events.
    text = " ".join(words)
    # A wrapped line never starts with a dash (that is a bullet) nor ends next to a blank line.
    rewrapped = "".join(
        w + ("\n" if wrap and "\n" not in w + following and not following.startswith("-") else " ")
        for w, following, wrap in zip(words, [*words[1:], ""], breaks, strict=False)
    )

    def seen(t):
        return sorted((e.drug, e.type, e.date.to_json()) for e in extract(t, published).events)

    assert seen(text) == seen(rewrapped)


@pytest.mark.parametrize("type_, pattern", TRIGGERS, ids=[t for t, _ in TRIGGERS])
def test_every_text_a_pattern_matches_has_one_of_the_words_that_let_it_be_tried(type_, pattern):
    # The words are a cheap test before the pattern: a phrase the pattern reads but the
    # words miss ("conditionally granted", "under regulatory review") could never fire.
    @settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern, fullmatch=True))
    def tried(text):
        assert type_ in {t for word in ANY_TRIGGER_WORD.findall(text.lower()) for t in TYPES_OF_WORD[word]}, text

    tried()
