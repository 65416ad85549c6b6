"""Which milestone a clause states, and its attributes, from the words it uses."""

from __future__ import annotations

import re

FORWARD = re.compile(
    r"\b(?:expects?|expected|expecting|anticipat\w*|plans?\s+to|planned|planning|intends?|intended\s+to|would|"
    # "will halt", "will no longer pursue": a decision taken now, not a plan
    r"will(?!\s+(?:also\s+)?(?:halt|stop|discontinue|end|terminate|no longer|cease|wind|close|shut)\b)|"
    r"(?-i:may)|might|could|should|aims?\s+to|target(?:ed|s)?\s+action\s+date|PDUFA|goal\s+date|on\s+track\s+to|"
    r"scheduled|upcoming|seeks?|seeking|hopes?\s+to|potential(?:ly)?\s+(?:approv|launch|file)|is\s+set\s+to|"
    r"are\s+set\s+to|next\s+step|forthcoming|to\s+be\s+(?:submitted|filed|presented|launched|initiated)|"
    r"subject\s+to|pending|intention|prepar(?:es|ing)\s+to|if\s+approved|once\s+approved|upon\s+approval|"
    r"by\s+the\s+end\s+of|later\s+this\s+year|in\s+the\s+coming|(?:most\s+|more\s+)?likely|unlikely|eligible)\b",
    re.IGNORECASE,
)

# "will halt", "will no longer pursue": announced as decided, so dated the day of the news.
DECIDED = re.compile(
    r"\bwill (?:also )?(?:halt|stop|discontinue|end|terminate|no longer|cease|wind|close|shut)\b", re.IGNORECASE
)

# Positive opinions, recommendations and votes are not decisions (SCHEMA.md).
NOT_A_DECISION = re.compile(
    r"\b(?:positive opinion|recommend(?:ed|ing|s|ation)|advisory committee|panel|voted?|"
    r"votes)\b",
    re.IGNORECASE,
)

_APPLICATION = (
    r"(?:s?NDA|s?BLA|MAA|JNDA|applications?|filing|dossier|(?:re)?submission|"
    r"marketing authori[sz]ation application)"
)

# (type, pattern): the first clause words that state a milestone of that type.
TRIGGERS: list[tuple[str, re.Pattern]] = [
    (t, re.compile(p, re.IGNORECASE))
    for t, p in (
        (
            "ind_cleared",
            r"\bclinical trial approval\b|"
            r"\bapprov(?:ed|es|al of)\b[^.;]{0,40}\b(?:IND|investigational new drug|"
            r"clinical trial application|CTA)\b|\b(?:IND|investigational new drug|clinical trial application|"
            r"CTA)\b[^.;]{0,80}\b"
            r"(?:clear(?:ed|ance)|accepted|approv(?:ed|al)|go-ahead)|\bclear(?:ed|ance of)\b[^.;]{0,40}"
            r"\b(?:IND|investigational new drug)\b|\b(?:lift(?:ed|s)?|removed?|released)\b[^.;]{0,30}"
            r"\b(?:clinical |partial clinical )?hold\b|\bhold\b[^.;]{0,120}?\b(?:was |were |had been |"
            r"has been |have been )lifted\b|\bimplied approval\b",
        ),
        (
            "ind_filed",
            r"\b(?:submi(?:tted|ssion of)|filed)\b[^.;]{0,60}\b(?:IND|investigational new drug|"
            r"clinical trial application)\b",
        ),
        (
            "trial_halted",
            r"\b(?:clinical hold|partial hold|placed (?:the trial |the study )?on hold|put on hold|"
            r"paused|pausing|suspend(?:ed|s|ing)?|halt(?:ed|s|ing)?|terminat(?:ed|ing|ion of)|"
            r"stopp(?:ed|ing) (?:the |its |a )?(?:trial|study|enrol\w*|dosing))\b|"
            r"\b(?:shut(?:s|ting)? down|scrap(?:s|ped|ping)?|wound down|wind(?:s|ing)? down|clos(?:ed|es|ing)|"
            r"halt(?:s|ed|ing)|(?:will|to) (?:also )?(?:halt|end)|end(?:s|ed|ing))\b[^.;]{0,50}\b(?:trials?|"
            r"stud(?:y|ies)|extension)\b|"
            r"\b(?:discontinu\w+|end(?:ed|ing)|stop(?:ped|ping)?)\b[^.;]{0,40}\b(?:trials?|stud(?:y|ies))\b|"
            r"\b(?:stopped|halted|terminated|discontinued|ended)\b[^.;]{0,60}\b(?:futility|for lack of "
            r"efficacy|early)\b|\b(?:impos(?:ed|es|ing)|plac(?:ed|es|ing))\b[^.;]{0,30}\bhold\b|"
            r"\b(?:full|partial) hold\b|\b(?:froze|frozen|freez(?:e|es|ing))\b",
        ),
        (
            "designation_granted",
            r"\b(?:breakthrough therapy|breakthrough device|priority review|orphan(?: drug)?|"
            r"fast track|PRIME|priority medicines|RMAT|regenerative medicine advanced therapy|"
            r"rare pediatric disease)\b[^.;]{0,40}\b(?:designation|status|granted|eligibility)\b|"
            r"\b(?:grant(?:ed|ing|s)?|receiv(?:ed|es|ing)|award(?:ed|s|ing)?|obtain(?:ed|s)|"
            r"picked up|won|secured|admitted to)\b[^.;]{0,60}?\b(?:breakthrough|priority review|orphan|"
            r"fast track|PRIME|RMAT|regenerative medicine|"
            r"rare pediatric)(?![\w ]{0,30}\bvoucher)(?:[\w ()-]{0,40}?"
            r"\b(?:designation|status)\b)?|"
            r"\b(?:with|under|for) priority review\b",
        ),
        (
            "rejected",
            r"\b(?:complete response letter|CRL|refus(?:ed|al) to (?:approve|file)|refused|rejected|rejection|"
            r"negative opinion|declined to approve|not approvable)\b",
        ),
        (
            "withdrawn",
            r"\bwithdr(?:ew|aws|awn) (?:it|them)\b|"
            r"\b(?:withdr[ae]w|withdraws|withdrawing|withdrawn|withdrawal of)\b[^.;]{0,60}\b(?:application|MAA|"
            r"NDA|BLA|approval|sale|"
            r"marketing|market|product|authori[sz]ation|filing)",
        ),
        (
            "filing_accepted",
            rf"\b{_APPLICATION}\b[^.;]{{0,80}}\b(?:is|are) (?:currently |now )?under "
            rf"(?:priority )?review\b|\b(?:is|are) (?:currently |now )?under (?:priority )?(?:regulatory )?"
            rf"review (?:by|at|with)\b|"
            rf"\b(?:accept(?:ed|s|ance of)?|validat(?:ed|es|ion of)|acknowledged)\b[^.;]{{0,80}}"
            rf"\b{_APPLICATION}|\b{_APPLICATION}\b[^.;]{{0,140}}\b(?:was|were|has been|had been|"
            rf"been)\s+(?:accepted|validated)|\baccepted for (?:review|filing|priority review)",
        ),
        (
            "filing_submitted",
            rf"\b(?:fil(?:ed|es|e|ing) for|applied for|sought|seeking|submitted for)\s+(?:\w+\s+)?"
            rf"(?:approval|authori[sz]ation|marketing)\b|"
            rf"\b(?:submi(?:t|tted|ssion of|ts)|file|filed|files|resubmitted|re-submitted)\b"
            rf"[^.;]{{0,80}}\b{_APPLICATION}|\b{_APPLICATION}\b[^.;]{{0,40}}\b(?:was|were|has been|"
            rf"have (?:also )?been)\s+(?:submitted|filed)|\b(?:s?NDA|s?BLA|MAA|JNDA)\s+(?:submission|"
            rf"filing)\b|"
            rf"\bcompleted (?:its |the |a )?(?:rolling )?(?:\w+ )?(?:submission|filing)\b|"
            rf"\b(?:re-?filed)\b",
        ),
        (
            "approved",
            r"(?<!\bthe first )(?<!\ba first )(?<!\bfew )(?<!\bno )\b(?:"
            r"expanded (?:the |its )?(?:label|indication)|"
            r"label expansion|approv(?:ed|al|es)(?! (?:treatments?|therap(?:y|ies)|drugs?|"
            r"medicines?|products?|indications?|label|options?|standard|dose|uses?))|authori[sz](?:ed|ation)|"
            r"green light|cleared (?:the|for) "
            r"(?:product|marketing|sale|use)|cleared\b(?=[^.;]{0,40}\b(?:for|to treat|in)\b)|"
            r"marketing authori[sz]ation|licen[sc]ed for|registered in|conditional(?:ly)? (?:granted|approved))",
        ),
        (
            "launched",
            r"\b(?:launch(?:ed|es)? (?:in|the|of|across|commercially)|commercial launch|"
            r"(?<!information )(?<!data )now (?:commercially )?"
            r"available|became available|made available|(?:has|have) been (?:selling|marketing)|"
            r"on (?:the )?market since|sales (?:began|started))\b",
        ),
        (
            "discontinued",
            r"\b(?:discontinu(?:e|ed|es|ing|ation of)|cease|ceased|stop(?:ped)?|end(?:ed|ing|s)?|"
            r"abandon(?:ed)?|"
            r"deprioriti[sz]e[ds]?|will no longer (?:develop|pursue)|halt(?:s|ed|ing)?|scrap(?:s|ped)?|"
            r"drop(?:s|ped)?|shelv(?:e|es|ed)|ax(?:es|ed)|cull(?:s|ed)?)\b[^.;]{0,40}\b(?:development|"
            r"program|programme|programs|pursuit|work on)\b|\bno longer (?:develop|pursu)\w*|"
            r"\b(?:drops|dropped|scraps|scrapped|shelves|shelved|axes|axed|culls|culled|abandons|abandoned|"
            r"pull(?:s|ed) the plug on)\s+(?:its |the |their )?(?=(?-i:[A-Za-z]*[A-Z0-9-]{2,}|[a-z]+(?:mab|"
            r"nib|"
            r"tide|vir|cept|stat)\b))|"
            r"\bdiscontinued (?:development|the program|the programme)",
        ),
        (
            "acquired",
            r"\b(?:acquir(?:e|ed|es|ing)(?! resistance| mutation| immun)|acquisition of|to buy|"
            r"bought(?! into)|buys|(?:is|are) buying|buyout of|purchas(?:e|ed) of|takeover of|"
            r"merger with|completed the acquisition)\b",
        ),
        (
            "collaboration_signed",
            r"\b(?:enter(?:ed|s)? into|sign(?:ed|s)?|struck|inked|formed|announce[sd]? (?:a|an|the))"
            r"\b[^.;]{0,80}\b(?:agreement|collaboration|partnership|alliance|licen[cs]e|licensing|"
            r"deal|co-development)|\bsigned on\b|"
            r"\b(?:exclusive|global|strategic)\s+(?:licen[cs]e|licensing|"
            r"collaboration|partnership)\b|\bin-licen[sc]ed?\b|\blicensed (?:the )?(?:global |"
            r"exclusive )?rights\b|\bobtained (?:global |exclusive )?licen[cs]es?\b|"
            r"\bgains? (?:an )?(?:exclusive )?licen[cs]e\b|"
            r"\b(?:in-|out-)?licen[sc]ed\b[^.;]{0,60}\b(?:rights|from|to)\b|"
            r"\bto licen[sc]e\b|\bbought into\b|\brights\b[^.;]{0,60}\b(?:are|is) held by\b|"
            r"\bgrant(?:ed|s)\b[^.;]{0,50}\b(?:exclusive |global |worldwide )?(?:rights|licen[cs]e)\b"
            r"(?!\s+application)|"
            r"\b(?:alliance|collaboration|partnership|agreement)\b[^.;]{0,60}\b(?:formed|signed|"
            r"struck|inked)\b|\blicen[sc]es\b(?! (?:to|from|agreements?)\b)|"
            r"\bagreed\b[^.;]{0,30}\bto (?:co-develop|jointly develop|develop and commerciali[sz]e|"
            r"license|collaborate|partner)\b|"
            r"\bunder (?:a|an|the) (?:\w+ ){0,2}(?:license|licence|collaboration|"
            r"agreement)\b[^.;]{0,40}"
            r"\b(?:obtained|signed|struck|entered|from)\b",
        ),
        (
            "phase_completed",
            r"\bcomplet(?:ed|ion of)\b[^.;]{0,60}\bphase\s*(?:[1-4]|I{1,3}V?)\w*\b[^.;]{0,40}"
            r"(?:trial|study|studies)|\bphase\s*(?:[1-4]|I{1,3})\w*[^.;]{0,40}(?:trial|study)[^.;]{0,20}"
            r"\b(?:was|has been|is)\s+completed|\bphase\s*(?:[1-4]|I{1,3}V?)\w*[^.;]{0,60}\b(?:trial|"
            r"study)\b"
            r"[^.;]{0,40}\b(?:wrapped up|finished|reached (?:primary )?completion|concluded)\b",
        ),
        (
            "phase_started",
            r"\b(?:given|gave|administered|received) the first dose\b|"
            r"\b(?:enroll?ment|recruitment|dosing)\b[^.;]{0,40}\b(?:began|begun|started|commenced|opened)\b|"
            r"\b(?:began|started|commenced) (?:enrol?ling|dosing|recruiting)\b|"
            r"\bfirst dose\b[^.;]{0,30}\b(?:was |were )?"
            r"(?:given|administered)\b|\benter(?:s|ed) (?:human testing|the clinic|clinical testing)\b|"
            r"\bfirst (?:patient|participant|subject|person|volunteer|cohort)s?\b[^.;]{0,40}"
            r"\b(?:dosed|enrolled|treated|randomi[sz]ed|vaccinated|received)|\b(?:initiat(?:ed|es|ion of)|"
            r"began|begun|started|commenced|launched|kicked off|dosed the first)\b[^.;]{0,60}\bphase\b|"
            r"\bdosed (?:its|the|their) first (?:patient|participant|subject)|"
            r"\bphase\b[^.;]{0,80}\b(?:initiat(?:ed|ion)|began|begun|started|commenced|got under ?way)|"
            r"\bentered (?:into )?phase\b|\bmoved into phase\b|\badvanc(?:ed|ing) (?:into|to) phase\b",
        ),
        # A trial told as going on ("is in Phase 2", "an ongoing Phase 3 study"): the drug reached
        # that phase on a date the sentence does not give, whatever other dates it tells.
        (
            "phase_ongoing",
            r"\b(?:is|are) (?:testing|evaluating|studying) (?:[\w-]+ ){1,3}?"
            r"(?:in combination|together) with\b|"
            r"\b(?:is|are) being (?:evaluated|studied|tested|investigated) in (?:an? |the )?(?:ongoing )?"
            r"(?:clinical )?(?:stud(?:y|ies)|trials?)\b|"
            r"\b(?:agonist|inhibitor|antibody|candidate|drug|therapy|vaccine|conjugate|molecule|compound|"
            r"asset),? (?:currently |now )?in phase\s*\S+|"
            r"\bphase\b[^.;]{0,80}\b(?:is ongoing|ongoing|underway|under way|is enrolling|enrolling|"
            r"recruiting)|\b(?:is|are|currently|being)\s+"
            r"(?:currently\s+)?(?:in|being (?:evaluated|studied|tested|investigated|developed) in|"
            r"undergoing)\s+(?:an? |the |two |three |several |multiple |global |pivotal |ongoing )*"
            r"(?:\w+ )?phase\b|\bongoing (?:global |pivotal |randomi[sz]ed )*phase\b|"
            r"\b(?:ongoing|under ?way|current|running|continu\w+ to (?:run|enrol\w*|conduct))\b[^.;]{0,40}"
            r"\bphase\s*\S+|\b(?:now|currently) in (?:an? |the |its )?[^.;]{0,20}\bphase\s*\S+|"
            r"\bis in phase\s*\S+|\b(?:being|is|are) (?:tested|evaluated|studied|investigated|assessed|"
            r"explored) in\b[^.;]{0,30}\bphase|\b(?:evaluating|testing|studying|investigating)\b[^.;]{0,60}"
            r"\bin (?:an? |the |its )[^.;]{0,30}\bphase|\bincluding (?:an? |the )(?:\w+ )?phase\s*\S+ "
            r"(?:\S+ )?(?:study|trial)",
        ),
        # A trial of a phase named at all: the drug reached that phase (SCHEMA.md's "is in Phase X"),
        # on a date the mention does not give.
        (
            "phase_mentioned",
            r"\bphase\s*(?:[1-4]|I{1,3}V?|IV)[ab]?(?:\s*/\s*(?:[1-4]|I{1,3})[ab]?)?\s+(?:[\w-]+\s+){0,4}"
            r"(?:trials?|stud(?:y|ies)|program(?:me)?|development)\b",
        ),
        (
            "results_reported",
            r"\b(?:results?|data|findings|readout|topline|top-line|interim analysis|efficacy|"
            r"analysis)\b[^.;]{0,80}\b(?:show(?:ed|s|n|ing)?|demonstrat(?:ed|es|ing)|met|achiev(?:ed|es)|"
            r"reported|announced|presented|published|reveal(?:ed|s)|indicat(?:ed|es)|confirm(?:ed|s)|"
            r"did not meet|failed|missed|suggest(?:ed|s)?)|\b(?:met|did not meet|missed|achieved)\b"
            r"[^.;]{0,20}\b(?:its |the |both |all )?(?:co-)?primary (?:and key secondary )?end ?points?\b|"
            r"\breported (?:positive |negative |topline |top-line |interim |final )?(?:results|data)\b|"
            r"\bshow(?:s|ed)? \d+(?:\.\d+)?% efficacy\b|"
            r"\b(?:efficacy was established|included data|data from|results from)\b[^.;]{0,100}"
            r"\bphase\s*\S+|\bfail(?:ed|s)?\b[^.;]{0,40}\b(?:phase|primary endpoint|to beat placebo)\b|"
            r"\b(?:reduced|improved|produced|achieved|showed|demonstrated)\b[^.;]{0,100}"
            r"\b(?:primary endpoint|over placebo|versus placebo|statistically significant|comparable to|"
            r"non-?inferior|equivalen\w+)\b|"
            r"\b(?:passed|passes|flunk(?:s|ed)|clears|aced|failed|fails|missed|misses)\s+(?:its |the |a |"
            r"their )?"
            r"(?:\w+\s+){0,4}?(?:trial|study|test)\b|\bfail(?:ed|s)? to beat\b|"
            r"\bphase\s*\S+\s+(?:\S+\s+){0,12}?(?:study|trial)\b[^.;]{0,80}\b(?:showed|demonstrated|"
            r"produced|achieved)\b|"
            r"\b(?:reports?|announce[sd]?|present(?:s|ed)?|unveil\w*|publish(?:ed|es))\s+(?:\w+\s+){0,3}"
            r"(?:results|data|findings)\b|\bphase\s*\S+[^.;]{0,80}\bin which\b[^.;]{0,120}\b(?:showed|"
            r"demonstrated|met|prolonged|improved|reduced|produced|achieved|was non-?inferior|failed|"
            r"extended|lowered|increased|decreased|did not)|"
            r"\bphase\s*\S+ (?:study|trial)\b[^.;]{0,20}\bcompared\b|\b(?:met|meets|did not "
            r"meet|missed|achieved)\s+(?:its |the |both |all |their )?(?:co-)?primary",
        ),
        # A trial cited as the evidence for a decision: its results were reported, when the
        # sentence does not say.
        (
            "results_cited",
            r"\b(?:(?:based|rests?|rested|relied) on|supported by|using (?:results|data) from)\b"
            r"[^.;]{0,120}\bphase\s*\S+[^.;]{0,40}(?:trial|study|studies|program)",
        ),
    )
]

# Words without which a trigger cannot match: a cheap test before the regular expression.
TRIGGER_WORDS = {
    "ind_cleared": (
        "ind",
        "investigational",
        "clinical trial application",
        "clinical trial approval",
        "cta",
        "hold",
        "implied",
    ),
    "ind_filed": ("ind", "investigational", "clinical trial application"),
    "trial_halted": (
        "hold",
        "paus",
        "suspend",
        "halt",
        "terminat",
        "stop",
        "discontinu",
        "end",
        "futility",
        "shut",
        "froze",
        "freez",
        "scrap",
        "wound",
        "wind",
        "clos",
    ),
    "designation_granted": (
        "breakthrough",
        "priority",
        "orphan",
        "fast track",
        "prime",
        "rmat",
        "regenerative",
        "pediatric",
    ),
    "rejected": ("complete response", "crl", "refus", "reject", "negative opinion", "declined", "approvable"),
    "withdrawn": ("withdr",),
    "filing_accepted": (
        "accept",
        "validat",
        "acknowledged",
        "under review",
        "under priority review",
        "regulatory review",
    ),
    "filing_submitted": ("submi", "file", "filing", "sought", "seeking", "applied"),
    "approved": (
        "approv",
        "authori",
        "green light",
        "cleared",
        "licens",
        "licenc",
        "registered",
        "label",
        "conditional",
        "indication",
    ),
    "launched": ("launch", "available", "selling", "marketing", "market since", "sales"),
    "discontinued": (
        "discontinu",
        "cease",
        "stop",
        "end",
        "abandon",
        "depriorit",
        "no longer",
        "halt",
        "scrap",
        "drop",
        "shelv",
        "ax",
        "cull",
        "plug",
    ),
    "acquired": ("acqui", "buy", "bought", "purchas", "takeover", "merger"),
    "collaboration_signed": (
        "agreement",
        "collaborat",
        "partnership",
        "alliance",
        "licens",
        "licenc",
        "deal",
        "agreed",
        "bought into",
        "rights",
        "signed on",
        "co-development",
    ),
    "phase_completed": ("complet", "wrapped up", "finished", "concluded"),
    "phase_ongoing": (
        "phase",
        "testing",
        "evaluating",
        "studying",
        "being evaluated",
        "being studied",
        "being tested",
        "being investigated",
    ),
    "phase_started": (
        "phase",
        "first dose",
        "enter",
        "first patient",
        "dosed",
        "enrol",
        "recruit",
        "dosing",
        "first participant",
        "first subject",
        "first person",
        "first volunteer",
        "first cohort",
    ),
    "phase_mentioned": ("phase",),
    "results_reported": (
        "result",
        "data",
        "finding",
        "readout",
        "topline",
        "top-line",
        "interim",
        "efficacy",
        "primary",
        "analysis",
        "endpoint",
        "end point",
        "fail",
        "showed",
        "demonstrat",
        "reduced",
        "improved",
        "produced",
        "achieved",
        "phase",
        "met ",
        "miss",
        "non-inferior",
        "noninferior",
        "pass",
        "flunk",
        "clears",
        "aced",
        "comparable",
        "equivalen",
    ),
    "results_cited": (
        "based on",
        "rests on",
        "rest on",
        "rested on",
        "relied on",
        "supported by",
        "using results",
        "using data",
    ),
}


# All those words as one expression, the longest at each place, and for each word the types whose words
# it contains: one scan of a clause tells which types' expressions are worth trying.
def _trie(words: list[str]) -> str:
    """One expression for many words, shared prefixes factored out: the regular-expression
    engine tries alternatives one by one, and a trie leaves it few to try at each place."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def expression(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + expression(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body

    return expression(root)


_ALL_TRIGGER_WORDS = sorted({w for words in TRIGGER_WORDS.values() for w in words})
ANY_TRIGGER_WORD = re.compile(_trie(_ALL_TRIGGER_WORDS))
TYPES_OF_WORD = {
    found: frozenset(t for t, words in TRIGGER_WORDS.items() if any(w in found for w in words))
    for found in _ALL_TRIGGER_WORDS
}

# Agencies are written as they call themselves ("FDA", "European Medicines Agency"):
# matching case keeps "ec" and "ema" inside words out, and is faster.
AGENCIES = [
    (a, re.compile(p))
    for a, p in (
        ("EC", r"\bEuropean Commission\b|\bEC\b"),
        ("EMA", r"\bEuropean Medicines Agency\b|\bEMA\b|\bCHMP\b"),
        ("FDA", r"\bFDA\b|\bFood and Drug Administration\b"),
        (
            "NMPA",
            r"\bNMPA\b|\bCFDA\b|\bCDE\b|\bNational Medical Products Administration\b|"
            r"\bChina Food and Drug Administration\b|\bCenter for Drug Evaluation\b|China's (?:drug )?regulator",
        ),
        (
            "PMDA",
            r"\bPMDA\b|\bMHLW\b|Ministry of Health, Labou?r and Welfare|Pharmaceuticals and Medical Devices Agency",
        ),
        ("MHRA", r"\bMHRA\b|Medicines and Healthcare products Regulatory Agency"),
        ("HC", r"\bHealth Canada\b"),
        ("TGA", r"\bTGA\b|Therapeutic Goods Administration"),
        ("MFDS", r"\bMFDS\b|Ministry of Food and Drug Safety"),
        ("DCGI", r"\bDCGI\b|Drug Controller General of India|CDSCO"),
        ("TFDA", r"\bTFDA\b|Taiwan Food and Drug Administration"),
        ("Swissmedic", r"\bSwissmedic\b"),
        ("ANVISA", r"\bANVISA\b"),
    )
]

DESIGNATIONS = [
    (d, re.compile(p, re.IGNORECASE))
    for d, p in (
        ("breakthrough", r"\bbreakthrough\b"),
        ("priority_review", r"\bpriority review\b"),
        ("orphan", r"\borphan\b"),
        ("fast_track", r"\bfast track\b"),
        ("prime", r"\bPRIME\b|\bpriority medicines\b"),
        ("rmat", r"\bRMAT\b|regenerative medicine advanced therapy"),
        ("rare_pediatric_disease", r"\brare pediatric disease\b"),
    )
]

APPLICATIONS = [
    (a, re.compile(p))
    for a, p in (
        ("sNDA", r"\bsNDA\b|[Ss]upplemental [Nn]ew [Dd]rug [Aa]pplication"),
        ("sBLA", r"\bsBLA\b|[Ss]upplemental [Bb]iologics? [Ll]icen[sc]e [Aa]pplication"),
        ("NDA", r"\bNDA\b|[Nn]ew [Dd]rug [Aa]pplication"),
        ("BLA", r"\bBLA\b|[Bb]iologics? [Ll]icen[sc]e [Aa]pplication"),
        ("MAA", r"\bMAA\b|[Mm]arketing [Aa]uthori[sz]ation [Aa]pplication"),
        ("IND", r"\bIND\b|[Ii]nvestigational [Nn]ew [Dd]rug"),
    )
]

PHASE = re.compile(
    r"\bphase\s*(I{1,3}V?|IV|[1-4])\s*([ab])?(?:\s*/\s*(?:phase\s*)?(I{1,3}|[1-4])\s*([ab])?)?\b", re.IGNORECASE
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
VALID_PHASES = {"1", "1b", "1/2", "2", "2a", "2b", "2/3", "3", "4"}


def phase_of(text: str) -> str | None:
    m = PHASE.search(text)
    if not m:
        return None
    first = _ROMAN.get(m[1].lower(), m[1])
    if m[3]:
        second = _ROMAN.get(m[3].lower(), m[3])
        combined = f"{first}/{second}"
        if combined in VALID_PHASES:
            return combined
        return "2/3" if second == "3" else "1/2"
    value = first + (m[2].lower() if m[2] else "")
    return value if value in VALID_PHASES else first


def first_named(table: list[tuple[str, re.Pattern]], text: str) -> str | None:
    """The value of the first (name, pattern) of a table whose pattern the text matches."""
    return next((value for value, pattern in table if pattern.search(text)), None)


def agency_of(text: str) -> str | None:
    return first_named(AGENCIES, text) if _names_an_agency(text) else None


_ANY_AGENCY = re.compile("|".join(f"(?P<a{i}>{pattern.pattern})" for i, (_, pattern) in enumerate(AGENCIES)))
# Words without one of which no agency is named: a plain substring test spares most
# sentences the expression (the speed target is 100 texts a second).
_AGENCY_HINTS = (
    "FDA",
    "EMA",
    "EC",
    "CHMP",
    "NMPA",
    "CDE",
    "PMDA",
    "MHLW",
    "MHRA",
    "TGA",
    "MFDS",
    "DCGI",
    "CDSCO",
    "Swissmedic",
    "ANVISA",
    "Commission",
    "Agency",
    "Administration",
    "Ministry",
    "Canada",
    "regulator",
    "Center for Drug",
    "Controller",
)


def _names_an_agency(text: str) -> bool:
    return any(hint in text for hint in _AGENCY_HINTS)


def _agency_index(match: re.Match) -> int:
    """Which agency a match of _ANY_AGENCY names: its groups are called a0, a1, …"""
    assert match.lastgroup is not None  # every alternative is a named group
    return int(match.lastgroup[1:])


def agency_near(text: str, at: int, end: int | None = None) -> str | None:
    """The agency named nearest a position of the text; one that the words ending at `end`
    say it came from ("… status from the EMA") first."""
    if not _names_an_agency(text):
        return None
    found = [(abs(m.start() - at), m.start(), AGENCIES[_agency_index(m)][0]) for m in _ANY_AGENCY.finditer(text)]
    if not found:
        return None
    if end is not None:
        source = _FROM.match(text, end)
        if source:
            return next((value for _, start, value in found if start == source.end()), min(found)[2])
    return min(found)[2]


def agency_last(text: str) -> str | None:
    """The agency a text names last."""
    if not _names_an_agency(text):
        return None
    found = list(_ANY_AGENCY.finditer(text))
    return AGENCIES[_agency_index(found[-1])][0] if found else None


# Where a text names a place and no agency: the place's regulator. In the EU, the
# Commission authorises and the EMA takes applications and grants designations.
_REGIONS = [
    (a, re.compile(p))
    for a, p in (
        ("FDA", r"\b(?:in the (?:US|U\.S\.|United States)|U\.S\.|US)(?![\w.])"),
        ("EU", r"\b(?:European Union|in Europe|EU)\b"),
        ("PMDA", r"\bJapan(?:ese)?\b"),
        ("NMPA", r"\b(?:in China|Chinese regulators?)\b"),
        ("MFDS", r"\b(?:South )?Korea(?:n)?\b"),
        ("TFDA", r"\bTaiwan\b"),
        ("HC", r"\bCanada\b"),
        ("TGA", r"\bAustralia\b"),
        ("MHRA", r"\b(?:UK|United Kingdom|Britain)\b"),
    )
]


def region_agency(text: str, type_: str) -> str | None:
    found = [(m.start(), agency) for agency, pattern in _REGIONS for m in pattern.finditer(text)]
    if not found:
        return None
    agency = min(found)[1]
    return ("EC" if type_ == "approved" else "EMA") if agency == "EU" else agency


_FROM = re.compile(r"[^.;]{0,12}?\bfrom\s+(?:the\s+)?(?:US\s+|U\.S\.\s+|European\s+)?")


def application_last(text: str) -> str | None:
    """The marketing application a text names last (an IND is not one)."""
    if not any(hint in text for hint in ("NDA", "BLA", "MAA", "pplication")):
        return None
    found = [(m.start(), value) for value, pattern in APPLICATIONS if value != "IND" for m in pattern.finditer(text)]
    return max(found)[1] if found else None


def application_of(text: str) -> str | None:
    return first_named(APPLICATIONS, text)


def designation_of(text: str) -> str | None:
    return first_named(DESIGNATIONS, text)


def pathway_of(text: str) -> str | None:
    lowered = text.lower()
    if "conditional" in lowered:
        return "conditional"
    if "accelerated" in lowered:
        return "accelerated"
    if re.search(r"\b(?:full|traditional|regular) approval\b", lowered):
        return "full"
    return None
