// UI strings in bokmål (nb) and nynorsk (nn); every string the planner sees lives here.
export const STRINGS = {
  nb: {
    title: "Handlingsplan",
    switchLanguage: "Nynorsk",
    switchLanguageLabel: "Bytt til nynorsk",
    sideload: "Dette tillegget må åpnes i Word. Se README for hvordan du legger det til.",
    tokenLabel: "Tilgangsnøkkel",
    tokenHelp: "Nøkkelen får du av planansvarlig eller KoRus.",
    connect: "Koble til",
    planLabel: "Plan og kommune",
    searchLabel: "Søk i mål, tiltak og kommuneplan",
    goals: "Mål",
    measures: "Tiltak",
    kpItems: "Kommuneplanen",
    insert: "Sett inn",
    insertItem: "Sett inn {item}",
    insertTable: "Sett inn tiltakstabellen",
    refreshAll: "Oppdater alle",
    check: "Kontroller dokumentet",
    findings: "Funn",
    noFindings: "Ingen funn. Dokumentet stemmer med planen.",
    findingCount: "{n} funn",
    connected: "Koblet til. Velg plan og kommune.",
    loading: "Henter …",
    inserted: "Satt inn {item}.",
    checking: "Kontrollerer dokumentet …",
    refreshed: "{n} oppdatert, {changed} endret for hånd (ikke overskrevet).",
    nothingStale: "Alt er oppdatert.",
    commentsAdded: "Funnene er også lagt inn som kommentarer.",
    error: "Feil: {message}",
    noMatches: "Ingen treff.",
    selected: "Markerte stedet i dokumentet.",
    notFound: "Fant ikke stedet i dokumentet.",
    "severity.error": "Feil",
    "severity.warning": "Advarsel",
    "severity.info": "Merknad",
  },
  nn: {
    title: "Handlingsplan",
    switchLanguage: "Bokmål",
    switchLanguageLabel: "Byt til bokmål",
    sideload: "Dette tillegget må opnast i Word. Sjå README for korleis du legg det til.",
    tokenLabel: "Tilgangsnøkkel",
    tokenHelp: "Nøkkelen får du av planansvarleg eller KoRus.",
    connect: "Kopla til",
    planLabel: "Plan og kommune",
    searchLabel: "Søk i mål, tiltak og kommuneplan",
    goals: "Mål",
    measures: "Tiltak",
    kpItems: "Kommuneplanen",
    insert: "Set inn",
    insertItem: "Set inn {item}",
    insertTable: "Set inn tiltakstabellen",
    refreshAll: "Oppdater alle",
    check: "Kontroller dokumentet",
    findings: "Funn",
    noFindings: "Ingen funn. Dokumentet stemmer med planen.",
    findingCount: "{n} funn",
    connected: "Kopla til. Vel plan og kommune.",
    loading: "Hentar …",
    inserted: "Sette inn {item}.",
    checking: "Kontrollerer dokumentet …",
    refreshed: "{n} oppdatert, {changed} endra for hand (ikkje overskriven).",
    nothingStale: "Alt er oppdatert.",
    commentsAdded: "Funna er òg lagde inn som merknader.",
    error: "Feil: {message}",
    noMatches: "Ingen treff.",
    selected: "Markerte staden i dokumentet.",
    notFound: "Fann ikkje staden i dokumentet.",
    "severity.error": "Feil",
    "severity.warning": "Åtvaring",
    "severity.info": "Merknad",
  },
};

/** Return the string `key` in `lang` with {placeholders} filled in. */
export function t(lang, key, values = {}) {
  const table = STRINGS[lang] || STRINGS.nb;
  const text = table[key] ?? STRINGS.nb[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** Translate every [data-i18n] element (and [data-i18n-label] aria-labels) under `root`; set <html lang>. */
export function applyTranslations(doc, lang) {
  doc.documentElement.lang = lang === "nn" ? "nn" : "nb";
  for (const el of doc.querySelectorAll("[data-i18n]")) el.textContent = t(lang, el.dataset.i18n);
  for (const el of doc.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(lang, el.dataset.i18nLabel));
}
