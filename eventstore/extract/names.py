"""Drug names in news: code names (JS001, APG-1387), INNs (toripalimab, onasemnogene
abeparvovec) and brand names (Zolgensma®, TUOYI), linked into one drug when the text
pairs them ("Zolgensma (onasemnogene abeparvovec)", "toripalimab, also known as JS001"),
and told apart from trials, targets and comparators."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

# Endings of INNs, from the WHO's list of common stems ("The use of stems in the selection
# of INNs"): a word of six letters or more that ends so, and is not a common word, is a drug.
_STRONG_STEMS = (
    # biologics and advanced therapies
    "mab",
    "cept",
    "kinra",
    "leucel",
    "cel",
    "vec",
    "siran",
    "rsen",
    "plermin",
    "poetin",
    "grastim",
    "leukin",
    "feron",
    "nakin",
    "dekin",
    "tide",
    "glutide",
    "lintide",
    "relin",
    "relix",
    "pressin",
    "tocin",
    "parin",
    "teplase",
    # enzyme, kinase and receptor inhibitors
    "nib",
    "tinib",
    "ciclib",
    "parib",
    "zomib",
    "lisib",
    "degib",
    "fenib",
    "rafenib",
    "toclax",
    "stat",
    "cestat",
    "gliflozin",
    "gliptin",
    "glitazone",
    "xaban",
    "gatran",
    "grel",
    "coxib",
    "lukast",
    "sartan",
    "pril",
    "entan",
    "olol",
    "dipine",
    "vastatin",
    "fibrate",
    "dronate",
    "imod",
    "citinib",
    "metinib",
    "tirom",
    "tirome",
    "fungin",
    "previr",
    "buvir",
    "asvir",
    "vir",
    "navir",
    "tegravir",
    "ciclovir",
    "fovir",
    # antibacterials and antimicrobials
    "micin",
    "mycin",
    "cillin",
    "cycline",
    "floxacin",
    "penem",
    "bactam",
    "azole",
    "conazole",
    "bendazole",
    "quine",
    "oquine",
    # small molecules by class
    "taxel",
    "platin",
    "tecan",
    "rubicin",
    "trexed",
    "citabine",
    "lutamide",
    "trozole",
    "mestane",
    "olone",
    "sonide",
    "metasone",
    "perone",
    "peridone",
    "piprazole",
    "apine",
    "oxetine",
    "pramine",
    "triptyline",
    "anserin",
    "setron",
    "triptan",
    "gepant",
    "prazole",
    "prazan",
    "tidine",
    "onium",
    "curium",
    "caine",
    "barbital",
    "azepam",
    "azolam",
    "plon",
    "fylline",
    "terol",
    "sonide",
    "dopa",
    "giline",
    "pirdine",
    "adol",
    "orphine",
    "semide",
    "thiazide",
    "setron",
    "lamide",
    "tadine",
)
# Words with a drug-like ending that are not drugs.
_NOT_INN = {
    "gene",
    "vaccine",
    "medicine",
    "routine",
    "online",
    "someone",
    "everyone",
    "alone",
    "done",
    "none",
    "one",
    "phone",
    "tone",
    "stone",
    "zone",
    "bone",
    "ozone",
    "hormone",
    "milestone",
    "cornerstone",
    "decide",
    "provide",
    "wide",
    "side",
    "inside",
    "outside",
    "guide",
    "ride",
    "pride",
    "slide",
    "tide",
    "nationwide",
    "worldwide",
    "statewide",
    "peptide",
    "nucleotide",
    "oligonucleotide",
    "polypeptide",
    "fine",
    "line",
    "machine",
    "mine",
    "nine",
    "pine",
    "combine",
    "decline",
    "define",
    "determine",
    "examine",
    "engine",
    "discipline",
    "magazine",
    "pipeline",
    "baseline",
    "deadline",
    "guideline",
    "timeline",
    "headline",
    "frontline",
    "outline",
    "doctrine",
    "incline",
    "underline",
    "airline",
    "shine",
    "cuisine",
    "genuine",
    "marine",
    "feminine",
    "amine",
    "alanine",
    "glycine",
    "cytokine",
    "chemokine",
    "creatinine",
    "case",
    "base",
    "phase",
    "release",
    "disease",
    "increase",
    "decrease",
    "database",
    "purchase",
    "please",
    "lease",
    "ease",
    "cease",
    "raise",
    "praise",
    "chase",
    "vase",
    "showcase",
    "briefcase",
    "kinase",
    "protease",
    "polymerase",
    "transferase",
    "lipase",
    "enzyme",
    "ant",
    "want",
    "plant",
    "grant",
    "significant",
    "important",
    "relevant",
    "participant",
    "resistant",
    "variant",
    "constant",
    "consultant",
    "assistant",
    "applicant",
    "abundant",
    "dominant",
    "malignant",
    "pregnant",
    "instant",
    "distant",
    "pleasant",
    "tolerant",
    "compliant",
    "radiant",
    "brilliant",
    "elegant",
    "vigilant",
    "redundant",
    "defendant",
    "merchant",
    "restaurant",
    "infant",
    "giant",
    "servant",
    "tenant",
    "stat",
    "cel",
    "ran",
    "mod",
    "sen",
    "fib",
    "mig",
    "ide",
    "ine",
    "statin",
    "antigen",
    "cancer",
    "tumor",
    "tumour",
    "dose",
    "rare",
    "bispecific",
    "biosimilar",
    "biologic",
    "placebo",
    "standard",
    "chemotherapy",
    "immunotherapy",
    "therapy",
    "agent",
    "candidate",
    "compound",
    "molecule",
    "drug",
    "antibody",
    "inhibitor",
    "treatment",
    "patient",
    "patients",
    "study",
    "trial",
    "data",
    "company",
    "response",
    "cohort",
    "primary",
    "secondary",
    "expertise",
    "enterprise",
    "franchise",
    "exercise",
    "premise",
    "promise",
    "otherwise",
    "wise",
    "rise",
    "arise",
    "surprise",
    "compromise",
    "revise",
    "concise",
    "precise",
    "advise",
    "devise",
    "comprise",
    "sunrise",
    "endpoint",
    "ondine",
    "ldine",
    "carcinoma",
    "lymphoma",
    "leukemia",
    "melanoma",
    "myeloma",
    "sarcoma",
    "glioma",
    "relapsed",
    "refractory",
    "president",
    "resident",
    "incident",
    "accident",
    "confident",
    "evident",
    "independent",
    "dependent",
    "student",
    "current",
    "recent",
    "percent",
    "content",
    "intent",
    "extent",
    "patent",
    "agreement",
    "payment",
    "investment",
    "development",
    "statement",
    "announcement",
    "management",
    "environment",
    "enrollment",
    "enrolment",
    "recruitment",
    "commitment",
    "arrangement",
    "settlement",
    "assessment",
    "achievement",
    "improvement",
    "requirement",
    "department",
    "equipment",
    "complement",
    "supplement",
    "element",
    "moment",
    "segment",
    "comment",
    "document",
    "argument",
    "instrument",
    "experiment",
    "implement",
    "government",
    "movement",
    "establishment",
    "replacement",
    "adjustment",
    "engagement",
    "encouragement",
    "advancement",
    "amendment",
    "measurement",
    "reimbursement",
    "procurement",
    "mechanism",
    "organism",
    "prism",
    "autism",
    "tourism",
    "chrism",
    "carcinogen",
    "pathogen",
    "collagen",
    "estrogen",
    "androgen",
    "nitrogen",
    "oxygen",
    "hydrogen",
    "glycogen",
    "allergen",
    "imagine",
    "wine",
    "spine",
    "urine",
    "saline",
    "iodine",
    "morphine",
    "concept",
    "except",
    "intercept",
    "accept",
    "cholesterol",
    "interleukin",
    "interferon",
    "carbapenem",
    "parcel",
    "excel",
    "cancel",
    "equine",
    "marcel",
}
# Second words of two-word INNs: conjugates, gene and cell therapies, pegylated forms.
_SECOND_WORDS = (
    "vec",
    "gene",
    "cel",
    "leucel",
    "vedotin",
    "dotin",
    "tecan",
    "emtansine",
    "ozogamicin",
    "pegol",
    "alfa",
    "beta",
    "tirumotecan",
    "soravtansine",
    "tesirine",
    "autogene",
)
_FIRST_WORDS = ("gene", "cel", "mab", "tide", "feron", "poetin", "grastim", "ase")
_NEXT_WORD = re.compile(r"\s+([a-z]{4,}(?:-[a-z0-9]{2,4}){0,2})(?![\w-])")
_DOSAGE = re.compile(
    r"\s+(?:injection|for injection|tablets?|capsules?|oral solution|infusion|subcutaneous|"
    r"intravenous|concentrate)$",
    re.IGNORECASE,
)
# Code names: JS001, APG-1387, LY3305677, LY-CoV555, HLX02 (two digits only after two or more capitals).
CODE = re.compile(
    r"(?<![\w-])((?:[A-Z][A-Za-z]{0,6}|m[A-Z]{2,4})-?\d{3,8}[A-Za-z]?\d?(?:-\d+)?|"
    r"[A-Z]{2,6}-[A-Z]?\d{2,4}[A-Za-z]?|[A-Z]{2,4}\d{2}[A-Z]?|"
    r"[A-Z]{2,6}-[A-Z][A-Za-z]{1,4}\d{3,4})(?![\w-])"
)
_NOT_CODE = re.compile(
    r"^(?:NCT|ISRCTN|EudraCT|ISO|COVID|SARS|CD|IL|PD|HER|EGFR|FGFR|BRCA|KRAS|NRAS|BRAF|ALK|"
    r"JAK|CDK|HLA|TNF|VEGF|IFN|GLP|SGLT|DPP|MERS|H\d|N\d|ICD|SMN|HIV|HBV|HCV|US|USD|EUR|RMB|"
    r"CNY|HKD|GBP|JPY|NASDAQ|NYSE|HKEX|SSE|STAR|FY|Q|H|CAR|TCR|ADC|mRNA$|DNA|RNA|WHO|"
    r"ASCO|ESMO|ASH|AACR|EHA|WCLC|SABCS|ADA|EASL|AASLD|ATS|ERS|ACR|EULAR|AAN|ECTRIMS|IDWeek|"
    r"KEYNOTE|CheckMate|IMpower|ORIENT|POLARIS|JUPITER|RATIONALE|CAPSTONE|DESTINY|CLEOPATRA|"
    r"Type|Grade|Stage|Part|Phase|Cohort|Study|Trial|Protocol|Section|Form|Rule|Item|Room|"
    r"Suite|Route|Highway|Building|Floor|Unit|Box|Fax|Tel|Phone|Ext|No)(?![a-z])",
    re.IGNORECASE,
)
_TRIAL_AFTER = re.compile(
    r"^\s*(?:\(|,)?\s*(?:(?:an?|the|its)\s+(?:[\w/-]+\s+){0,4})?(?:trial|study|studies|program|"
    r"programme|cohort|registrational|pivotal|clinical trial)\b",
    re.IGNORECASE,
)
# Amino-acid substitutions (T790M, V600E) look like code names but are mutations.
_ACID = re.compile(r"\s+(acid)\b")
_INN_BEFORE = re.compile(r"[a-z]{4,}(?:vir|mab|nib|tide)\s+$")
# "Intercept said", "according to Intercept", "Intercept Pharmaceuticals": a name used as a company's.
_COMPANY_WORDS = (
    "inc",
    "ltd",
    "corp",
    "pharmaceuticals",
    "therapeutics",
    "biosciences",
    "said",
    "says",
    "announced",
    "reported",
    "receives",
    "shares",
)


def _used_as_company(name: str, lowered_text: str) -> bool:
    """Whether a text (in lower case) uses a name as a company's: plain substring tests,
    no expression to build for each name."""
    n = name.casefold()
    return f"according to {n}" in lowered_text or any(
        f"{n} {word}" in lowered_text or f"{n}'s {word}" in lowered_text for word in _COMPANY_WORDS
    )


_BRAND_WORD = re.compile(r"[A-Z][a-z]{3,}|[A-Z]{4,}")
_BIOSIMILAR = re.compile(r"\bbiosimilars?\b", re.IGNORECASE)
_YEAR_LIKE = re.compile(r"[A-Z]-?\d{4}")
_MUTATION = re.compile(r"[ACDEFGHIKLMNPQRSTVWY]\d{2,4}[ACDEFGHIKLMNPQRSTVWY]")
BRAND = re.compile(r"\b([A-Z][A-Za-z0-9-]{2,})\s?[®™]")
INN_WORD = re.compile(r"\b([a-zA-Z][a-z]{3,}(?:-[a-z]{4})?)\b")
COMPARATOR_CONTEXT = re.compile(
    r"(?:compared (?:with|to)|versus|vs\.?|reference (?:product|drug)|biosimilar (?:to|of|"
    r"version of)|branded|than|plus|in combination with|combined with|comparator|"
    r"switch(?:ed|ing)? from|originator|standard of care|prior|previous(?:ly)?|"
    r"(?:progress\w*|relapsed|recurr\w*|failing|failure) (?:on|after|with|of)|"
    r"after (?:failing|failure of|prior|treatment with)|"
    r"failed|following|on top of|added to|with or without|together with|alongside)"
    r"\s*(?:the\s+)?(?:\w+'s\s+)?(?:[\w-]+[®™]?(?:,\s*|\s+and\s+|\s+or\s+))*$",
    re.IGNORECASE,
)


_STEM_END = re.compile("(?:" + "|".join(_STRONG_STEMS) + ")$")
# Endings of a drug's name or of its first word: a word without one is not looked at
# closely (the speed target is 100 texts a second).
_ENDINGS = tuple({*_STRONG_STEMS, *_FIRST_WORDS, "glutide", "paratide", "ic"})


@lru_cache(maxsize=65536)
def looks_like_inn(word: str) -> bool:
    """An INN by its stem (-mab, -nib, -vir, …): six letters or more, not a common word."""
    base = word.lower().split("-")[0]
    if base.endswith(("glutide", "paratide")):
        return True
    if base.endswith("cel") and len(base) < 8:
        return False  # cell therapies have long names; "parcel", "cancel" and surnames do not
    return (
        len(base) >= 6
        and base not in _NOT_INN
        and _STEM_END.search(base) is not None
        and not base.endswith(("ase", "statement"))
    )


@dataclass
class Drug:
    names: list[str] = field(default_factory=list)

    biosimilar: bool = False  # a biosimilar is named by its code name: its INN is the originator's

    @property
    def name(self) -> str:
        """The name to report: the INN where the text gives one, else the first code name."""
        if self.biosimilar:
            codes = [n for n in self.names if CODE.fullmatch(n)]
            if codes:
                return codes[0]
        inns = [
            n
            for n in self.names
            if (" " in n and not any(c.isdigit() for c in n))
            or (looks_like_inn(n.split()[0]) and not any(c.isdigit() for c in n))
        ]
        codes = [n for n in self.names if CODE.fullmatch(n)]
        if inns:
            return inns[0].lower()  # an INN is written in lower case, whatever the headline did
        return (codes or self.names)[0]


class Lexicon:
    """The drugs of one text and the names that stand for them."""

    def __init__(self) -> None:
        self.drugs: list[Drug] = []
        self._by_name: dict[str, Drug] = {}
        self._pattern: re.Pattern | None = None
        self._found: dict[str, list[tuple[int, Drug, str]]] = {}  # the same sentence is looked at many times

    def get(self, name: str) -> Drug | None:
        return self._by_name.get(name.casefold())

    def add(self, name: str, same_as: str | None = None) -> Drug:
        self._pattern = None
        self._found.clear()
        name = name.strip()
        drug = self.get(name) or (self.get(same_as) if same_as else None)
        if drug is None:
            drug = Drug()
            self.drugs.append(drug)
        other = self.get(same_as) if same_as is not None else None
        if other is not None and other is not drug:
            for n in other.names:
                self._by_name[n.casefold()] = drug
                drug.names.append(n)
            self.drugs.remove(other)
        for n in (name, same_as) if same_as else (name,):
            if n.casefold() not in self._by_name or self._by_name[n.casefold()] is drug:
                self._by_name[n.casefold()] = drug
                if n not in drug.names:
                    drug.names.append(n)
        return drug

    def remove(self, drug: Drug) -> None:
        self.drugs.remove(drug)
        self._by_name = {k: d for k, d in self._by_name.items() if d is not drug}
        self._pattern = None
        self._found.clear()

    def pattern(self) -> re.Pattern | None:
        if self._pattern is None and self._by_name:
            names = sorted(self._by_name, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?:[®™])?(?![\w-])", re.IGNORECASE
            )
        return self._pattern

    def find(self, text: str) -> list[tuple[int, Drug, str]]:
        """Drugs named in a text, in order, with where and as what."""
        if text not in self._found:
            pattern = self.pattern()
            self._found[text] = (
                []
                if pattern is None
                else [(m.start(), self._by_name[m[1].casefold()], m[1]) for m in pattern.finditer(text)]
            )
        return self._found[text]


_PLACES = (
    r"China|Japan|Korea|South Korea|Taiwan|Europe|America|India|Germany|France|Britain|Canada|Australia|"
    r"Switzerland|Italy|Spain|Israel|Singapore|Denmark|Sweden|Belgium|Brazil|Russia|Alzheimer|Parkinson|"
    r"Crohn|Huntington|Hodgkin|FDA|EMA|NMPA|PMDA|MHRA|CHMP|Agency|Commission|Administration|Ministry"
)
# Names with no stem, ® or digits, told by how the text introduces them: "the candidate,
# CVnCoV,", "schizophrenia drug KarXT", "GSK's Arexvy was cleared".
_DRUG_NOUN = (
    r"(?:drug|candidate|vaccine|therapy|medicine|product|antibody|biosimilar|compound|asset|molecule|"
    r"inhibitor|agonist|antagonist|analogue|analog|conjugate|antibiotic|formulation)"
)
_NAME = r"[A-Z][a-z][A-Za-z0-9-]{2,}"
_CUED = re.compile(
    rf"\b{_DRUG_NOUN},?\s+(?:called\s+|named\s+|dubbed\s+|known as\s+)?(?!{_DRUG_NOUN}\b)"
    rf"([A-Z][A-Za-z0-9-]{{3,}}|[a-z]{{6,}}|[a-z][A-Z]{{3,}}[A-Za-z]*)\b(?!['’]s|\s+[A-Z])|"
    # "Nefecon is being developed", "Zemdri is an oral antibiotic"
    rf"\b({_NAME}) is (?:being (?:developed|evaluated|studied|tested)|an? (?:oral|investigational|"
    rf"experimental|novel|first-in-class|once-daily|once-weekly|targeted|small[- ]molecule|"
    rf"monoclonal|bispecific|recombinant|fully human|topical|injectable|inhaled)\b)|"
    # "the Phase 3 trial of Nefecon", "rights to develop and commercialize Nefecon"
    rf"\b(?:trials?|stud(?:y|ies)|development|rights|licen[cs]e) (?:of|to|for) (?:develop(?: and "
    rf"commerciali[sz]e)? )?(?!(?:{_PLACES})\b)({_NAME})\b(?!['’]s|\s+[A-Z])|"
    # "FDA approves Zemdri for complicated urinary tract infections"
    rf"\b(?:approves|approved|clears|cleared) (?!(?:{_PLACES})\b)({_NAME}) (?:for|in|to treat)\b|"
    rf"\b(?!(?:{_PLACES})\b)[A-Z][\w&-]+(?:'s|’s|')\s+([A-Z][A-Za-z0-9-]{{3,}}|[a-z]{{6,}})\s+"
    rf"(?:was|is|has|had|won|wins|received|receives|gets|got|clears|cleared|passed|passes|failed|fails|"
    rf"flunks|met|meets|showed|shows|for|became|approval|approved|launch)\b"
)
# "milademetan, Daiichi Sankyo's investigational MDM2 inhibitor": a name explained as a drug.
_APPOSITIVE = re.compile(
    rf"\b([a-z]{{6,}}|{_NAME}), (?:an?|its|[A-Z][\w-]*(?: [A-Z][\w-]*)?['’]s) (?:investigational|"
    rf"experimental|novel|first-in-class|oral|once-daily|once-weekly|injectable|topical|"
    rf"next-generation)\s+(?:[\w-]+\s+){{0,3}}?{_DRUG_NOUN}\b"
)
_COMMON_ENDING = re.compile(
    r"(?:ed|ing|es|s|al|ion|ate|ive|ly|er|ment|ity|ence|ance|ful|ous|ic|ry|ise|ize|ist|or|ure|"
    r"ty|ble|ward|ther|ough|ady|own|ven|ose|orm|ine|nd|ch|ght|ld|ht|cy|nst|ss|sm|th)$"
)
_NOT_NAMES = {
    "Committee",
    "Center",
    "Centre",
    "Board",
    "Office",
    "Division",
    "Ministry",
    "Chief",
    "President",
    "Phase",
    "Agency",
    "Administration",
    "Commission",
    "Department",
    "Institute",
    "University",
    "Group",
    "Company",
    "Food",
    "National",
    "Drug",
    "Medical",
    "Health",
    "Pharmaceutical",
    "Pharmaceuticals",
    "China",
    "Japan",
    "Europe",
    "Korea",
    "Taiwan",
    "Annual",
    "Type",
    "Grade",
    "Stage",
    "Part",
    "This",
    "That",
    "These",
    "The",
    "With",
    "From",
    "After",
    "Before",
    "During",
    "While",
    "When",
    "Which",
    "Their",
    "Its",
}


def _not_a_drug(sentence: str) -> set[str]:
    """Code-like names a sentence uses for a trial, a scale, a gene or a protein ("the
    Phase 3 HERITAGE-301 study", "HGB-206 and HGB-210 studies", "HAMD-17 total score",
    "RPE65 mutations"), and marked names of technologies ("DART® and TRIDENT™
    platforms"): the text means the same thing wherever else it uses them."""
    out = set()
    for m in CODE.finditer(sentence):
        token = m[1]
        if (
            _TRIAL_AFTER.match(sentence[m.end() :])
            or _USE_AFTER.match(sentence[m.end() :])
            or (re.search(r"\b(?:Phase|phase)\s+\S*\s*$", sentence[: m.start()]) and token.isupper())
        ):
            out.add(token.casefold())
    for m in BRAND.finditer(sentence):
        if _PLATFORM_AFTER.match(sentence, m.end()):
            out.add(m[1].casefold())
    return out


_USE_AFTER = re.compile(
    r"^\s*(?:(?:and|or|,)\s+[\w-]+\s+)?(?:trials?|stud(?:y|ies)|(?:total )?scores?|scales?|"
    r"mutations?|mutant|genes?|receptors?|proteins?|variants?|expression|deletion|"
    r"positive|negative|status)\b",
    re.IGNORECASE,
)


# "a TRIDENT™ molecule", "its DART®, TRIDENT™ and Fc Optimization platforms": technologies, not drugs.
_PLATFORM_AFTER = re.compile(
    r"(?:\s*(?:,|and|or)?\s*[A-Z][\w-]*[®™]?)*\s*(?:-based\s+)?(?i:molecules?|platforms?|"
    r"technology|technologies|format|scaffold)\b"
)


def _candidates(sentence: str, not_drugs: set[str], lowercase_counts: Counter) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for m in CODE.finditer(sentence):
        token = m[1]
        if (
            _NOT_CODE.match(token)
            or token.casefold() in not_drugs
            or _YEAR_LIKE.fullmatch(token)
            or _MUTATION.fullmatch(token)
        ):
            continue
        found.append((m.start(), token))
    for m in _APPOSITIVE.finditer(sentence):
        if _plausible_name(m[1]) and not (m[1][0].isupper() and m[1].lower() in lowercase_counts):
            found.append((m.start(1), m[1]))
    for m in _CUED.finditer(sentence):
        group = next(i for i, g in enumerate(m.groups(), 1) if g)
        word = m[group]
        # A capitalised word the text also writes in lower case is an English word; a
        # lower-case one is a name only if the text uses it again.
        if (
            _plausible_name(word)
            and not (word[0].isupper() and word.lower() in lowercase_counts)
            and (not word.islower() or lowercase_counts[word] > 1)
        ):
            found.append((m.start(group), word))
    for m in BRAND.finditer(sentence):
        word = m[1]
        if word.casefold() not in not_drugs and word.split()[0].lower() not in _NOT_INN and not word.isdigit():
            found.append((m.start(), word))
    for m in INN_WORD.finditer(sentence):
        word = m[1]
        if not word.lower().split("-")[0].endswith(_ENDINGS):
            continue
        acid = _ACID.match(sentence, m.end())
        if acid and word.lower().endswith("ic") and not _INN_BEFORE.search(sentence[: m.start()]):
            found.append((m.start(), f"{word} {acid[1]}"))  # "obeticholic acid", "zoledronic acid"
            continue
        inn = looks_like_inn(word)
        # Biologics are often named by two words: "onasemnogene abeparvovec", "peginterferon alfa-2b".
        if not inn and not word.lower().endswith(_FIRST_WORDS):
            continue
        after = _NEXT_WORD.match(sentence, m.end())
        second = after is not None and (looks_like_inn(after[1]) or after[1].split("-")[0].endswith(_SECOND_WORDS))
        if inn or second:
            if after is not None and second:
                word = f"{word} {after[1]}"
            found.append((m.start(), _DOSAGE.sub("", word)))
    return sorted(found)


def _plausible_name(word: str) -> bool:
    """A cued word that could be a name, not an English word or an institution."""
    if not word.islower():  # a brand has lower-case letters: GLP-1 and NMPA are not brands
        return word not in _NOT_NAMES and any(c.islower() for c in word)
    return word not in _NOT_INN and not _COMMON_ENDING.search(word)


# "Zolgensma (onasemnogene abeparvovec)", "JS001 (also known as toripalimab)": the name
# before a parenthesis and the name it opens with. Looked for from each "(" back and forward.
_PAIR_BEFORE = re.compile(r"([A-Za-z0-9][\w-]*(?:\s[a-z][\w-]+)?)\s?[®™]?\s*$")
_PAIR_INSIDE = re.compile(
    r"\((?:also known as |formerly |code(?:[- ]named)? |or |INN:? |generic name:? |"
    r"brand name:? )?"
    r"([A-Za-z0-9][\w-]*(?:\s[a-z][\w-]+)?)[®™]?(?:[;,][^)]*)?\)"
)


def _pairs(sentence: str) -> list[tuple[str, str]]:
    out = []
    at = sentence.find("(")
    while at != -1:
        inside = _PAIR_INSIDE.match(sentence, at)
        before = inside and _PAIR_BEFORE.search(sentence, max(0, at - 60), at)
        if inside and before:
            out.append((before[1], inside[1]))
        at = sentence.find("(", at + 1)
    return out


_ALSO_PHRASES = (
    r"also known as|formerly known as|formerly|previously known as|under the (?:brand )?name|marketed as|"
    r"sold as|branded as|tested under the code|code-?named|developed as|now called|renamed"
)
_ALSO = re.compile(rf"([A-Za-z0-9][\w-]*)[®™]?,?\s+(?:{_ALSO_PHRASES})\s+([A-Za-z0-9][\w-]*)")


_CODE_OF_IT = re.compile(
    rf"(?:The|This|That|Its|The company's) {_DRUG_NOUN} (?:was|is|had been|has been) "
    rf"(?:developed|known|tested|studied) (?:under|as) (?:the )?(?:code(?:[- ]name)? |name )?"
    rf"([A-Za-z0-9][\w-]*)"
)
_ALSO_WORDS = re.compile(_ALSO_PHRASES)  # a cheap test before the expression that needs the words around


def build_lexicon(sentences: list[str], judge: Callable[[list[str], set[str]], list[str]] | None = None) -> Lexicon:
    """Find every drug name in the text and link the names the text pairs. `judge` (the
    learned name model) is given the text and the names the rules found, and returns
    more names to take as drugs."""
    lexicon = Lexicon()
    not_drugs = set().union(*map(_not_a_drug, sentences)) if sentences else set()
    lowercase_counts = Counter(w for s in sentences for w in re.findall(r"\b[a-z]{3,}\b", s))
    for sentence in sentences:
        for _, name in _candidates(sentence, not_drugs, lowercase_counts):
            lexicon.add(name)
    if judge is not None:
        for name in judge(sentences, {n.casefold() for d in lexicon.drugs for n in d.names}):
            if name.casefold() not in not_drugs and not _NOT_CODE.match(name):
                lexicon.add(name)
    # A text about biosimilars says so more than once; one aside in a boilerplate does not count.
    biosimilars = sum(len(_BIOSIMILAR.findall(s)) for s in sentences) >= 2
    for sentence in sentences:
        also = [(m[1], m[2]) for m in _ALSO.finditer(sentence)] if _ALSO_WORDS.search(sentence) else []
        for first, second in _pairs(sentence) + also:
            a, b = _DOSAGE.sub("", first.strip()), _DOSAGE.sub("", second.strip())
            if a.casefold() == b.casefold() or not (lexicon.get(a) or lexicon.get(b)):
                continue
            if all(lexicon.get(x) or _is_drug_form(x) for x in (a, b)) or (
                (lexicon.get(b) or _is_drug_form(b)) and _BRAND_WORD.fullmatch(a) and a.lower() not in _NOT_INN
            ):
                lexicon.add(a, same_as=b)  # "Besremi (ropeginterferon alfa-2b-njft)": a brand and its INN
    # "The product was developed under the code name SB15": the code of the drug named last.
    last_named: str | None = None
    for sentence in sentences:
        told = _CODE_OF_IT.match(sentence)
        if told and last_named and lexicon.get(told[1]) is not lexicon.get(last_named):
            lexicon.add(told[1], same_as=last_named)
        named = lexicon.find(sentence)
        if named:
            last_named = named[-1][2]
    for drug in lexicon.drugs:
        drug.biosimilar = biosimilars
    # A capitalised name that the text uses as a company ("Intercept said", "According to
    # Intercept", "Intercept Pharmaceuticals") is not a drug, whatever its ending.
    lowered = " ".join(sentences).casefold()
    for drug in list(lexicon.drugs):
        if all(n[:1].isupper() and not CODE.fullmatch(n) and _used_as_company(n, lowered) for n in drug.names):
            lexicon.remove(drug)
    return lexicon


def _is_drug_form(text: str) -> bool:
    """A code name or an INN: the forms a pairing may add to a drug's names."""
    return bool(CODE.fullmatch(text)) or (looks_like_inn(text.split()[0]) and not any(c.isdigit() for c in text))


# A company's own drug tested with the subject ("together with IBI305", "in combination with
# its antibody amivantamab") is a subject too; a standard drug it is added to is not.
PARTNER_CONTEXT = re.compile(
    r"(?:plus|in combination with|combined with|together with|alongside|with or without|"
    r"given with)\s*(?:the\s+)?(?:\w+'s\s+)?(?:its\s+)?(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
_COMPARED = re.compile(
    r"(?:compared (?:with|to)|versus|vs\.?|reference (?:product|drug)|biosimilar (?:to|of|version "
    r"of)|than|comparator)\s*(?:the\s+)?(?:\w+'s\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_ITS = re.compile(r"\bits\s+(?:[\w-]+\s+){0,3}$")
# "the azacitidine combination", "a docetaxel arm": the partner of the drug a trial tests.
_PARTNER_AFTER = re.compile(r"[®™]?\s+(?:combination|regimen|arm|backbone|monotherapy arm)\b", re.IGNORECASE)


_SUFFIXED_INN = re.compile(r"[a-z]{4,}-[a-z]{4}")


def comparators(sentences: list[str], lexicon: Lexicon) -> set[int]:
    """Drugs the text only ever names as a comparator, a reference product or a prior
    therapy: they are not the subject of its events."""
    seen_as_subject: set[int] = set()
    seen_as_comparator: set[int] = set()
    brand_as_subject: set[int] = set()
    for sentence in sentences:
        for start, drug, name in lexicon.find(sentence):
            before = sentence[max(0, start - 60) : start]
            # A code name is an investigational drug: only a true comparison makes it a comparator.
            own_partner = (PARTNER_CONTEXT.search(before) and (CODE.fullmatch(name) or _ITS.search(before))) or (
                CODE.fullmatch(name) and not _COMPARED.search(before)
            )
            if (
                (not own_partner and COMPARATOR_CONTEXT.search(before))
                or _PARTNER_AFTER.match(sentence, start + len(name))
                or (
                    re.search(r"\b\w+'s\s+(?:\w+\s+){0,3}$", before)
                    and re.search(r"(?:biosimilar|reference|originator|branded)", sentence, re.IGNORECASE)
                )
            ):
                seen_as_comparator.add(id(drug))
            else:
                seen_as_subject.add(id(drug))
                if name[:1].isupper() and start > 0:
                    brand_as_subject.add(id(drug))
    not_subjects = seen_as_comparator - seen_as_subject
    # In a text about biosimilars an INN with no code name of its own is the reference
    # product's: the biosimilars are the drugs named by code (SCHEMA.md), or by an INN with
    # the four-letter suffix the FDA gives biologics ("trastuzumab-dkst").
    coded = [d for d in lexicon.drugs if any(CODE.fullmatch(n) or _SUFFIXED_INN.fullmatch(n) for n in d.names)]
    # A brand the text names as a subject and never as a reference is a biosimilar's own
    # ("Afilivu (aflibercept), its biosimilar referencing Eylea").
    if coded and any(d.biosimilar for d in lexicon.drugs):
        not_subjects |= {
            id(d)
            for d in lexicon.drugs
            if d not in coded and not (id(d) in brand_as_subject and id(d) not in seen_as_comparator)
        }
    return not_subjects
