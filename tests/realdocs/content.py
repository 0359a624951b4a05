"""Text the generated documents are made of: kommuneplan themes, goals and strategies, rusplan goals and
measures, and the chapters around them, in bokmål and nynorsk (after ../shared/domain/real-plan-patterns.md).
"""

from __future__ import annotations

#: (theme, [(goal, [strategies])]) — the kommuneplan's satsingsområder, goals and strategies.
KP_THEMES = {
    "nb": [
        ("Oppvekst og levekår", [
            ("Trygge oppvekstmiljø", ["Styrke foreldrestøtte og tidlig innsats",
                                      "Sikre gode fritidstilbud for alle barn og unge",
                                      "Forebygge mobbing i barnehage og skole"]),
            ("Gode levekår for alle", ["Redusere sosial ulikhet i helse", "Sikre alle en trygg og god bolig"]),
        ]),
        ("Helse og omsorg", [
            ("Innbyggerne mestrer eget liv", ["Satse på forebygging og folkehelse",
                                              "Bygge ut hverdagsrehabilitering"]),
            ("Helhetlige og koordinerte tjenester", ["Gi alle med sammensatte behov én fast kontaktperson",
                                                     "Styrke samarbeidet med frivillige organisasjoner"]),
        ]),
        ("Næring og arbeid", [
            ("Et variert og nyskapende næringsliv", ["Legge til rette for gründere",
                                                     "Utvikle attraktive næringsarealer"]),
            ("Flere unge i arbeid og utdanning", ["Samarbeide tett mellom NAV, skole og næringsliv",
                                                  "Tilby sommerjobb til ungdom"]),
        ]),
        ("Klima og miljø", [
            ("Lavere klimagassutslipp", ["Elektrifisere kommunens bilpark", "Bygge ut gang- og sykkelveier"]),
            ("Et rikt naturmangfold", ["Ta vare på myr og våtmark", "Kartlegge viktige naturtyper"]),
        ]),
        ("Kultur, idrett og friluftsliv", [
            ("Et aktivt kulturliv for alle", ["Støtte lag og foreningers arbeid", "Gjøre kulturtilbudet gratis for barn"]),
            ("Lett tilgang til natur og friluftsliv", ["Merke og rydde turstier nær boligområdene"]),
        ]),
    ],
    "nn": [
        ("Oppvekst og levekår", [
            ("Trygge oppvekstmiljø", ["Styrkje foreldrestøtta og den tidlege innsatsen",
                                      "Sikre gode fritidstilbod for alle born og unge",
                                      "Førebyggje mobbing i barnehage og skule"]),
            ("Gode levekår for alle", ["Redusere sosial ulikskap i helse", "Sikre alle ein trygg og god bustad"]),
        ]),
        ("Helse og omsorg", [
            ("Innbyggjarane meistrar eige liv", ["Satse på førebygging og folkehelse",
                                                 "Byggje ut kvardagsrehabilitering"]),
            ("Heilskaplege og samordna tenester", ["Gi alle med samansette behov éin fast kontaktperson",
                                                   "Styrkje samarbeidet med frivillige organisasjonar"]),
        ]),
        ("Næring og arbeid", [
            ("Eit variert og nyskapande næringsliv", ["Leggje til rette for gründerar",
                                                      "Utvikle attraktive næringsareal"]),
            ("Fleire unge i arbeid og utdanning", ["Samarbeide tett mellom NAV, skule og næringsliv",
                                                   "Tilby sommarjobb til ungdom"]),
        ]),
        ("Klima og miljø", [
            ("Lågare klimagassutslepp", ["Elektrifisere bilparken til kommunen", "Byggje ut gang- og sykkelvegar"]),
            ("Eit rikt naturmangfald", ["Ta vare på myr og våtmark", "Kartleggje viktige naturtypar"]),
        ]),
        ("Kultur, idrett og friluftsliv", [
            ("Eit aktivt kulturliv for alle", ["Støtte arbeidet til lag og foreiningar",
                                               "Gjere kulturtilbodet gratis for born"]),
            ("Lett tilgang til natur og friluftsliv", ["Merke og rydde turstiar nær bustadområda"]),
        ]),
    ],
}

#: Words of the kommuneplan documents that are not goals.
KP_WORDS = {
    "nb": {
        "forord": "Forord", "innledning": "Innledning", "bakgrunn": "Bakgrunn",
        "prosess": "Planprosess og medvirkning", "status": "Utgangspunktet: Dagens virkelighet",
        "visjon": "Visjon", "areal": "Arealstrategi", "rullering": "Oppfølging og rullering",
        "vedlegg": "Vedlegg", "part": "Kommuneplanens samfunnsdel", "vi_vil": "Vi vil:", "strategier": "Strategier:",
        "maal": "Mål:", "slik_vil": "Slik vil vi ha det:", "slik_gjer": "Dette må gjøres:",
        "goal_col": "Mål", "strategy_col": "Strategier", "theme_col": "Satsingsområde",
        "hovedmaal": "Hovedmål", "delmaal": "Delmål", "samfunnsmaal": "Samfunnsmål", "kapittel": "Kapittel",
        "prose": "Kommunen skal være et godt sted å bo for alle innbyggere, og planen viser retningen for arbeidet.",
        "builds_on": "Planen bygger på:", "laws": ["Plan- og bygningsloven", "Folkehelseloven", "Kommuneloven"],
        "slogan": "Sammen skaper vi framtida",
        "area_points": ["Ny boligbygging skal skje nær sentrum", "Dyrka mark skal vernes"],
        "adopted": "Vedtatt av kommunestyret {date}, sak {case}",
    },
    "nn": {
        "forord": "Føreord", "innledning": "Innleiing", "bakgrunn": "Bakgrunn",
        "prosess": "Planprosess og medverknad", "status": "Utgangspunktet: Dagens situasjon",
        "visjon": "Visjon", "areal": "Arealstrategi", "rullering": "Oppfølging og rullering",
        "vedlegg": "Vedlegg", "part": "Kommuneplanen sin samfunnsdel", "vi_vil": "Vi vil:",
        "strategier": "Strategiar:", "maal": "Mål:", "slik_vil": "Slik vil vi ha det:",
        "slik_gjer": "Slik gjer vi det:", "goal_col": "Mål", "strategy_col": "Strategiar",
        "theme_col": "Satsingsområde", "hovedmaal": "Hovudmål", "delmaal": "Delmål", "samfunnsmaal": "Samfunnsmål",
        "kapittel": "Kapittel",
        "prose": "Kommunen skal vere ein god stad å bu for alle innbyggjarane, og planen viser retninga for arbeidet.",
        "builds_on": "Planen byggjer på:", "laws": ["Plan- og bygningslova", "Folkehelselova", "Kommunelova"],
        "slogan": "Saman skaper vi framtida",
        "area_points": ["Ny bustadbygging skal skje nær sentrum", "Dyrka mark skal vernast"],
        "adopted": "Vedteke av kommunestyret {date}, sak {case}",
    },
}

#: (hovedmål, [delmål]) of rusplaner.
PLAN_GOALS = {
    "nb": [
        ("Utsette alkoholdebuten blant unge", ["Færre unge under 18 år drikker alkohol",
                                               "Foreldre setter tydelige grenser for alkoholbruk"]),
        ("Redusere skadene av rusmiddelbruk", ["Færre skjenkesteder bryter reglene",
                                               "Ansvarlig alkoholhåndtering på alle skjenkesteder"]),
        ("Tidlig hjelp til dem som trenger det", ["Kortere ventetid på rusbehandling",
                                                  "Alle med rusproblemer får tilbud om oppfølging"]),
        ("Trygg bolig og meningsfull aktivitet", ["Flere bostedsløse får egen bolig",
                                                  "Flere med rusproblemer er i arbeid eller aktivitet"]),
    ],
    "nn": [
        ("Utsetje alkoholdebuten blant unge", ["Færre unge under 18 år drikk alkohol",
                                               "Foreldre set tydelege grenser for alkoholbruk"]),
        ("Redusere skadane av rusmiddelbruk", ["Færre skjenkestader bryt reglane",
                                               "Ansvarleg alkoholhandtering på alle skjenkestader"]),
        ("Tidleg hjelp til dei som treng det", ["Kortare ventetid på rusbehandling",
                                                "Alle med rusproblem får tilbod om oppfølging"]),
        ("Trygg bustad og meiningsfull aktivitet", ["Fleire bustadlause får eigen bustad",
                                                    "Fleire med rusproblem er i arbeid eller aktivitet"]),
    ],
}

#: Goals of national plans, which a rusplan quotes but does not own.
NATIONAL_GOALS = {
    "nb": ["Tydelig folkehelseperspektiv", "Bedre kvalitet og økt kompetanse", "Mer og bedre koordinerte tjenester"],
    "nn": ["Tydeleg folkehelseperspektiv", "Betre kvalitet og auka kompetanse", "Meir og betre samordna tenester"],
}

#: Measures: (title, responsible, cost text, cost_nok, years text, years).
MEASURES = {
    "nb": [
        ("Gjennomføre Ungdata-undersøkelsen", "Folkehelsekoordinator", "40 000 kr", 40000, "2024", [2024]),
        ("Foreldremøter om alkohol på ungdomsskolen", "Rektor ungdomsskolen", "10 000 kr per år", 10000,
         "2024–2027", [2024, 2025, 2026, 2027]),
        ("Kurs i ansvarlig alkoholhåndtering", "Bevillingsmyndigheten", "kr 25 000", 25000, "Våren 2025", [2025]),
        ("Skjenkekontroller på alle skjenkesteder", "Servicetorget", "50 000 kr/år", 50000, "2024 - 2027",
         [2024, 2025, 2026, 2027]),
        ("Rusfrie arrangementer for ungdom", "Kulturkontoret", "30 000,-", 30000, "2025-2026", [2025, 2026]),
        ("Tidlig intervensjon i skolehelsetjenesten", "Helsestasjonen", "Innenfor driftsramme", None, "Løpende", []),
        ("Oppfølgingsteam for personer med rusproblemer", "NAV og psykisk helse- og rustjeneste", "200 000 kr",
         200000, "01.06.2025", [2025]),
        ("Følge opp den boligsosiale handlingsplanen", "Boligkontoret", "", None, "2026", [2026]),
        ("Arbeidstrening gjennom NAV", "NAV", "0,5 mill. kr", 500000, "2025–26", [2025, 2026]),
        ("Kampanje om alkohol og graviditet", "Jordmortjenesten", "15 000 kr", 15000, "Høsten 2024", [2024]),
        ("Samarbeidsmøter med politiet", "Kommunedirektøren", "Ingen", None, "Årlig", []),
        ("Erfaringskonsulent i rustjenesten", "Psykisk helse- og rustjenesten", "350 000 kr per år", 350000,
         "2025 og 2027", [2025, 2027]),
    ],
    "nn": [
        ("Gjennomføre Ungdata-undersøkinga", "Folkehelsekoordinator", "40 000 kr", 40000, "2024", [2024]),
        ("Foreldremøte om alkohol på ungdomsskulen", "Rektor ungdomsskulen", "10 000 kr per år", 10000,
         "2024–2027", [2024, 2025, 2026, 2027]),
        ("Kurs i ansvarleg alkoholhandtering", "Løyvestyresmakta", "kr 25 000", 25000, "Våren 2025", [2025]),
        ("Skjenkekontrollar på alle skjenkestader", "Servicetorget", "50 000 kr/år", 50000, "2024 - 2027",
         [2024, 2025, 2026, 2027]),
        ("Rusfrie arrangement for ungdom", "Kulturkontoret", "30 000,-", 30000, "2025-2026", [2025, 2026]),
        ("Tidleg intervensjon i skulehelsetenesta", "Helsestasjonen", "Innanfor driftsramma", None, "Løpande", []),
        ("Oppfølgingsteam for personar med rusproblem", "NAV og psykisk helse- og rusteneste", "200 000 kr",
         200000, "01.06.2025", [2025]),
        ("Følgje opp den bustadsosiale handlingsplanen", "Bustadkontoret", "", None, "2026", [2026]),
        ("Arbeidstrening gjennom NAV", "NAV", "0,5 mill. kr", 500000, "2025–26", [2025, 2026]),
        ("Kampanje om alkohol og graviditet", "Jordmortenesta", "15 000 kr", 15000, "Hausten 2024", [2024]),
        ("Samarbeidsmøte med politiet", "Kommunedirektøren", "Ingen", None, "Årleg", []),
        ("Erfaringskonsulent i rustenesta", "Psykisk helse- og rustenesta", "350 000 kr per år", 350000,
         "2025 og 2027", [2025, 2027]),
    ],
}

PLAN_WORDS = {
    "nb": {
        "title": "Rusmiddelpolitisk handlingsplan", "forord": "Forord", "innledning": "Innledning",
        "lovgrunnlag": "Lovgrunnlag", "status": "Beskrivelse og vurdering av rusmiddelsituasjonen",
        "national": "Nasjonale mål og strategier", "goals": "Kommunens mål og strategier", "goals_short": "Mål",
        "alcohol": "Alkoholpolitikk og bevillingspolitikk", "measures": "Tiltak", "economy": "Økonomi",
        "follow_up": "Evaluering og rullering av planen", "hovedmaal": "Hovedmål", "delmaal": "Delmål",
        "tiltak_label": "Tiltak:", "prose": "Kommunen arbeider for å redusere skadene av rusmiddelbruk.",
        "status_prose": "Ungdata viser at færre unge drikker alkohol enn før, men bruken av cannabis øker.",
        "alcohol_prose": "Salgstiden for alkohol følger alkoholloven § 3-7, og skjenketiden § 4-4.",
        "follow_prose": "Planen rulleres hvert år i forbindelse med budsjettet.",
        "adopted": "Vedtatt i kommunestyret {date}, {case}",
        "goal_cols": ("Hovedmål", "Delmål"),
        "cols": {"nr": "Nr.", "title": "Tiltak", "goal": "Delmål", "resp": "Ansvarlig", "years": "Frist",
                 "cost": "Kostnad", "funding": "Finansiering"},
    },
    "nn": {
        "title": "Rusmiddelpolitisk handlingsplan", "forord": "Føreord", "innledning": "Innleiing",
        "lovgrunnlag": "Lovgrunnlag", "status": "No-situasjonen", "national": "Nasjonale mål og strategiar",
        "goals": "Kommunen sine mål og strategiar", "goals_short": "Mål",
        "alcohol": "Alkoholpolitikk og løyvepolitikk", "measures": "Tiltak", "economy": "Økonomi",
        "follow_up": "Evaluering og rullering av planen", "hovedmaal": "Hovudmål", "delmaal": "Delmål",
        "tiltak_label": "Tiltak:", "prose": "Kommunen arbeider for å redusere skadane av rusmiddelbruk.",
        "status_prose": "Ungdata viser at færre unge drikk alkohol enn før, men bruken av cannabis aukar.",
        "alcohol_prose": "Salstida for alkohol følgjer alkohollova § 3-7, og skjenketida § 4-4.",
        "follow_prose": "Planen vert rullert kvart år i samband med budsjettet.",
        "adopted": "Vedteke i kommunestyret {date}, {case}",
        "goal_cols": ("Hovudmål", "Delmål"),
        "cols": {"nr": "Nr.", "title": "Tiltak", "goal": "Delmål", "resp": "Ansvarleg", "years": "Tid",
                 "cost": "Kostnad", "funding": "Finansiering"},
    },
}

#: (kommunenummer, name, language) of the municipalities the documents are written for.
MUNICIPALITIES = [
    ("3427", "Tynset", "nb"), ("5029", "Skaun", "nb"), ("3403", "Hamar", "nb"), ("4201", "Risør", "nb"),
    ("4644", "Luster", "nn"), ("4619", "Eidfjord", "nn"), ("1514", "Sande", "nn"), ("4628", "Vaksdal", "nn"),
    ("3430", "Os", "nb"), ("1868", "Øksnes", "nb"), ("4641", "Aurland", "nn"), ("1577", "Volda", "nn"),
]
