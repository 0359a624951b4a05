(() => {
  var __defProp = Object.defineProperty;
  var __defProps = Object.defineProperties;
  var __getOwnPropDescs = Object.getOwnPropertyDescriptors;
  var __getOwnPropSymbols = Object.getOwnPropertySymbols;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __propIsEnum = Object.prototype.propertyIsEnumerable;
  var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
  var __spreadValues = (a, b) => {
    for (var prop in b || (b = {}))
      if (__hasOwnProp.call(b, prop))
        __defNormalProp(a, prop, b[prop]);
    if (__getOwnPropSymbols)
      for (var prop of __getOwnPropSymbols(b)) {
        if (__propIsEnum.call(b, prop))
          __defNormalProp(a, prop, b[prop]);
      }
    return a;
  };
  var __spreadProps = (a, b) => __defProps(a, __getOwnPropDescs(b));

  // src/taskpane/api.js
  var ApiError = class extends Error {
    /**
     * @param {number} status
     * @param {any} body
     * @param {number | null} [retryAfter]
     */
    constructor(status, body, retryAfter = null) {
      super(body && body.message || `HTTP ${status}`);
      this.name = "ApiError";
      this.status = status;
      this.code = body && body.code || "http_error";
      this.location = body && body.location || {};
      this.retryAfter = retryAfter;
    }
  };
  var UnreachableError = class extends Error {
    /** @param {string} server */
    constructor(server) {
      super(`no answer from ${server}`);
      this.name = "UnreachableError";
      this.server = server;
    }
  };
  var NoAnswerError = class extends Error {
    /** @param {string} server @param {number} seconds */
    constructor(server, seconds) {
      super(`no answer from ${server} within ${seconds} s`);
      this.name = "NoAnswerError";
      this.server = server;
      this.seconds = seconds;
    }
  };
  var TIMEOUTS = Object.freeze({ read: 30, work: 120 });
  var ApiClient = class {
    /**
     * @param {string} baseUrl where docplan is served (the API is at `<baseUrl>/api/v1`)
     * @param {string} token
     * @param {typeof fetch} [fetchImpl]
     * @param {{read: number, work: number}} [timeouts] seconds
     */
    constructor(baseUrl, token, fetchImpl = globalThis.fetch.bind(globalThis), timeouts = TIMEOUTS) {
      this.server = baseUrl.replace(/\/$/, "");
      this.baseUrl = this.server + "/api/v1";
      this.token = token;
      this.fetch = fetchImpl;
      this.timeouts = timeouts;
    }
    /**
     * @param {string} method
     * @param {string} path
     * @param {{json?: any, body?: BodyInit, contentType?: string}} [options]
     * @returns {Promise<any>}
     */
    async request(method, path, { json, body, contentType } = {}) {
      const headers = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
      if (json !== void 0) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(json);
      } else if (contentType) {
        headers["Content-Type"] = contentType;
      }
      const seconds = method === "GET" ? this.timeouts.read : this.timeouts.work;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), seconds * 1e3);
      let response;
      let data = null;
      try {
        try {
          response = await this.fetch(this.baseUrl + path, { method, headers, body, signal: abort.signal });
        } catch (e) {
          throw abort.signal.aborted ? new NoAnswerError(this.server, seconds) : new UnreachableError(this.server);
        }
        try {
          data = await response.json();
        } catch (e) {
          if (abort.signal.aborted) throw new NoAnswerError(this.server, seconds);
          data = null;
        }
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok) {
        const retry = Number(response.headers && response.headers.get ? response.headers.get("Retry-After") : NaN);
        throw new ApiError(response.status, data, Number.isFinite(retry) && retry > 0 ? retry : null);
      }
      return data;
    }
    me() {
      return this.request("GET", "/me");
    }
    plans() {
      return this.request("GET", "/plans");
    }
    /** @param {string} plan @param {string} number */
    base(plan, number) {
      return `/plans/${encodeURIComponent(plan)}/municipalities/${encodeURIComponent(number)}`;
    }
    /** @param {string} plan @param {string} number */
    catalogue(plan, number) {
      return this.request("GET", `${this.base(plan, number)}/catalogue`);
    }
    /** @param {string} plan @param {string} number @param {string} kind @param {string} id @param {Lang} [lang] */
    snippet(plan, number, kind, id, lang = "nb") {
      const item = id.split("/").map(encodeURIComponent).join("/");
      return this.request("GET", `${this.base(plan, number)}/snippets/${kind}/${item}?lang=${lang}`);
    }
    /**
     * Send the document: `{docx: Uint8Array}` as .docx bytes, or `{ooxml: string}` as JSON.
     * @param {string} plan @param {string} number @param {{docx?: Uint8Array, ooxml?: string}} doc @param {Lang} [lang]
     */
    check(plan, number, doc, lang = "nb") {
      const path = `${this.base(plan, number)}/check?lang=${lang}`;
      if (doc.docx) {
        return this.request("POST", path, {
          body: (
            /** @type {BodyInit} */
            /** @type {unknown} */
            doc.docx
          ),
          contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        });
      }
      return this.request("POST", path, { json: { ooxml: doc.ooxml } });
    }
    /**
     * Ask which docplan controls to refresh: `request` is {items, edition?} (word.refreshRequest).
     * @param {string} plan @param {string} number @param {object} request @param {Lang} [lang]
     */
    refresh(plan, number, request, lang = "nb") {
      return this.request("POST", `${this.base(plan, number)}/refresh?lang=${lang}`, { json: request });
    }
  };
  function groupFindings(findings) {
    const groups = /* @__PURE__ */ new Map();
    for (const f of findings) {
      if (!groups.has(f.rule)) groups.set(f.rule, []);
      groups.get(f.rule).push(f);
    }
    return groups;
  }
  var FOLDED = { ø: "o", æ: "ae", œ: "oe", ß: "ss", đ: "d", ł: "l", ð: "d", þ: "th" };
  function fold(text) {
    return String(text != null ? text : "").toLocaleLowerCase("nb").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[øæœßđłðþ]/g, (c) => FOLDED[c]);
  }
  function searchText(item) {
    const partners = Array.isArray(item.partners) ? item.partners.join(" ") : "";
    return fold([item.id, item.title, item.text, item.responsible, item.status, partners, item.ref, item.plan_name].filter(Boolean).join(" "));
  }
  function matches(item, query) {
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return true;
    const hay = searchText(item);
    return words.every((w) => hay.includes(w));
  }
  function filterItems(items, query) {
    return items.filter((item) => matches(item, query));
  }
  function goalTree(catalogue) {
    const placed = /* @__PURE__ */ new Set();
    const measuresOf = (goalId) => catalogue.measures.filter((m) => (m.goal_ids || []).includes(goalId)).map((m) => {
      placed.add(m.id);
      return (
        /** @type {TreeNode} */
        { kind: "measure", level: "measure", item: m, children: [] }
      );
    });
    const tree = catalogue.goals.map((g) => (
      /** @type {TreeNode} */
      {
        kind: "goal",
        level: "main",
        item: g,
        children: [
          ...(g.sub_goals || []).map((s) => (
            /** @type {TreeNode} */
            { kind: "goal", level: "sub", item: s, children: measuresOf(s.id) }
          )),
          ...measuresOf(g.id)
        ]
      }
    ));
    const others = catalogue.measures.filter((m) => !placed.has(m.id)).map((m) => (
      /** @type {TreeNode} */
      { kind: "measure", level: "measure", item: m, children: [] }
    ));
    return { tree, others };
  }
  function filterTree(nodes, query) {
    if (!fold(query).trim()) return nodes;
    const out = [];
    for (const node of nodes) {
      if (matches(node.item, query)) {
        out.push(node);
        continue;
      }
      const children = filterTree(node.children, query);
      if (children.length) out.push(__spreadProps(__spreadValues({}, node), { children }));
    }
    return out;
  }
  function shortPlanName(plan) {
    const title = String(plan.title || "").trim();
    const at = title.toLocaleLowerCase("nb").lastIndexOf(" for ");
    let short = at >= 0 ? title.slice(at + 5).trim() : title;
    if (!short) short = title;
    if (plan.period && !/\b\d{4}\b/.test(short)) short = `${short} ${plan.period.start_year}–${plan.period.end_year}`;
    return short;
  }

  // src/taskpane/errors.js
  var WORD_ERRORS = {
    AccessDenied: "wordAccessDenied",
    ItemNotFound: "wordItemNotFound",
    GeneralException: "wordGeneral",
    InvalidArgument: "wordInvalid",
    InvalidRequest: "wordInvalid",
    NotAllowed: "wordNotAllowed",
    ActivityLimitReached: "wordBusy",
    RequestPayloadSizeLimitExceeded: "wordTooLarge",
    ResponsePayloadSizeLimitExceeded: "wordTooLarge",
    ApiNotFound: "wordTooOld",
    Unauthenticated: "wordAccessDenied",
    InsufficientPermission: "wordAccessDenied"
  };
  var SERVER_CODES = {
    busy: "serverBusy",
    too_many_jobs: "serverBusy",
    time_limit: "serverTimeLimit",
    engine_unavailable: "serverUnavailable",
    too_large: "tooLarge",
    response_too_large: "tooLarge",
    too_many_items: "tooLarge",
    too_many_tables: "tooLarge"
  };
  function describeError(error) {
    var _a;
    if (error instanceof UnreachableError) return { key: "unreachable", values: { server: error.server } };
    if (error instanceof NoAnswerError) return { key: "noAnswer", values: { server: error.server, seconds: error.seconds } };
    if (error instanceof ApiError) {
      if (error.status === 401) return { key: "tokenInvalid" };
      if (SERVER_CODES[error.code]) {
        return { key: SERVER_CODES[error.code], values: { seconds: (_a = error.retryAfter) != null ? _a : 5, message: error.message } };
      }
      if (error.status === 502 || error.status === 503 || error.status === 504) {
        return { key: "serverUnavailable", values: { status: error.status } };
      }
      if (error.status >= 500) return { key: "serverFault" };
      return { key: "serverSaid", values: { message: error.message } };
    }
    const code = error && typeof error.code === "string" ? error.code : null;
    if (code && WORD_ERRORS[code]) return { key: WORD_ERRORS[code], values: { code } };
    if (code || error && error.name === "OfficeExtension.Error") return { key: "wordOther", values: { code: code || "?" } };
    if (error && typeof error.code === "number") return { key: "officeOther", values: { code: error.code } };
    return { key: "unexpected", values: { message: error && error.message ? String(error.message) : String(error) } };
  }

  // src/taskpane/i18n.js
  var nb = {
    title: "Handlingsplan",
    switchLanguage: "Nynorsk",
    switchLanguageLabel: "Bytt til nynorsk",
    sideload: "Dette tillegget må åpnes i Word. Se installasjonsveiledningen for docplan.",
    officeMissing: "Får ikke lastet Office.js fra Microsoft (appsforoffice.microsoft.com). Nettverket eller en brannmur stopper den; be IT-avdelingen åpne for adressen.",
    wordTooOld: "Denne versjonen av Word mangler det tillegget trenger (WordApi 1.3). Bruk Microsoft 365, Word 2021 eller nyere, eller Word på nettet.",
    tokenLabel: "Tilgangsnøkkel",
    tokenHelp: "Nøkkelen får du av planansvarlig eller KoRus.",
    remember: "Husk meg på denne maskinen",
    rememberHelp: "Ellers glemmes nøkkelen når du lukker Word. Ikke kryss av på en maskin andre også bruker.",
    connect: "Koble til",
    connecting: "Kobler til …",
    noPlans: "Nøkkelen gir ikke tilgang til noen plan. Spør den som ga deg nøkkelen.",
    planLabel: "Plan og kommune",
    contextName: "Plan: {name}",
    ready: "Klar: {name}.",
    logout: "Logg ut",
    loggedOut: "Du er logget ut. Nøkkelen er glemt på denne maskinen.",
    browse: "Mål, tiltak og kommuneplan",
    searchLabel: "Søk",
    searchHelp: "Søk i nummer, tittel, tekst, ansvarlig, status og samarbeidspartnere.",
    goalsTree: "Mål og tiltak",
    otherMeasures: "Andre tiltak",
    kpItems: "Kommuneplanen",
    noMatches: "Ingen treff.",
    emptyPreview: "(uten tekst)",
    insert: "Sett inn",
    insertItem: "Sett inn {item}",
    insertTable: "Sett inn tiltakstabellen",
    inserting: "Setter inn …",
    inserted: "{item} er satt inn.",
    insertedUnrecorded: "{item} er satt inn, men Word lot oss ikke registrere det. «Oppdater alle» spør før det overskrives.",
    cursorInTable: "Markøren står i en tabell. Flytt den til et tomt avsnitt utenfor tabellen og prøv igjen ({item} er ikke satt inn).",
    cursorInControl: "Markøren står inne i innhold fra docplan. Flytt den utenfor og prøv igjen ({item} er ikke satt inn).",
    nameTable: "tiltakstabellen",
    nameMeasure: "tiltak {id}",
    nameMainGoal: "hovedmål {id}",
    nameSubGoal: "delmål {id}",
    nameKp: "kommuneplanpunkt {id}",
    refreshAll: "Oppdater alle",
    refreshing: "Oppdaterer …",
    summary: "{list}.",
    summaryUpdated: "{n} oppdatert",
    summaryEdited: "{n} endret av deg – ikke overskrevet",
    summaryUnknown: "{n} uten registrering – ikke overskrevet",
    summaryOrphans: "{n} finnes ikke lenger i planen",
    summaryForbidden: "{n} tilhører en annen kommune",
    summaryNotApplied: "{n} har en annen form i dokumentet og ble ikke oppdatert",
    summaryFailed: "{n} avvist av Word, står som før",
    nothingStale: "Alt er oppdatert: dokumentet stemmer med planen.",
    unrecorded: "{n} kunne ikke registreres; «Oppdater alle» spør før de overskrives.",
    inDocument: "I dokumentet",
    documentStatus: "Oppdater listen",
    documentListed: "Listen viser dokumentet slik det er nå.",
    documentSummary: "{n} elementer fra docplan: {parts}.",
    documentEmpty: "Ingenting fra docplan i dokumentet ennå.",
    attentionOnly: "Vis bare det som trenger tilsyn",
    statusCurrent: "oppdatert",
    statusStale: "utdatert",
    statusEdited: "endret av deg",
    statusUnknown: "ukjent",
    statusOrphan: "ikke i planen",
    statusForbidden: "annen kommune",
    statusChildren: "endret inni",
    show: "Vis",
    showItem: "Vis {item} i dokumentet",
    selectedItem: "{item} er markert i dokumentet.",
    itemGone: "{item} finnes ikke lenger i dokumentet. Trykk «Oppdater listen».",
    overwrite: "Overskriv likevel",
    overwriteItem: "Overskriv likevel {item}",
    overwriting: "Overskriver …",
    overwritten: "{item} er overskrevet med teksten fra planen.",
    overwrittenUnrecorded: "{item} er overskrevet, men Word lot oss ikke registrere det.",
    confirmAsk: "Sammenlign tekstene før du overskriver {item}.",
    confirmTitle: "Overskrive {item}?",
    confirmHelp: "Teksten i dokumentet erstattes med teksten fra planen. Det du har endret, går tapt.",
    confirmWhole: "{item} kan bare overskrives sammen med {whole}. Alt annet du har endret der, blir også overskrevet.",
    confirmCurrent: "Nå i dokumentet",
    confirmNew: "Fra planen",
    confirmYes: "Overskriv",
    confirmYesItem: "Overskriv {item} med teksten fra planen",
    confirmNo: "Avbryt",
    overwriteCancelled: "Ingenting er endret.",
    alreadyCurrent: "{item} er allerede som i planen.",
    orphanItem: "{item} finnes ikke lenger i planen.",
    forbiddenItem: "{item} tilhører en annen kommune og kan ikke overskrives herfra.",
    notAppliedItem: "Word avviste endringen; {item} står som før.",
    shapeDiffersItem: "{item} har en annen form i dokumentet enn i planen (for eksempel en tabellrad) og ble ikke overskrevet.",
    check: "Kontroller dokumentet",
    checking: "Kontrollerer dokumentet …",
    findings: "Funn",
    findingCount: "{n} funn.",
    noFindings: "Ingen funn. Dokumentet stemmer med planen.",
    commentsAdded: "{n} lagt inn som kommentarer (docplans kommentarer fra forrige kontroll er erstattet).",
    commentsUnsupported: "Denne versjonen av Word kan ikke få kommentarer fra tillegg; se funnene her.",
    findingsCleared: "Dokumentet er endret siden kontrollen, så funnene er fjernet. Kontroller på nytt ved behov.",
    recheckForLanguage: "Kontroller dokumentet på nytt for å få funnene på bokmål.",
    howToFix: "Slik retter du:",
    selected: "Stedet er markert i dokumentet.",
    placeGone: "Stedet finnes ikke lenger i dokumentet; det er slettet eller endret etter kontrollen.",
    noPlace: "Dette funnet gjelder hele dokumentet eller plandataene, ikke ett sted i teksten.",
    "severity.error": "Feil",
    "severity.warning": "Advarsel",
    "severity.info": "Merknad",
    loading: "Henter …",
    unreachable: "Får ikke kontakt med docplan-tjeneren på {server}. Sjekk nettverket (og VPN), eller kontakt den som drifter docplan.",
    noAnswer: "docplan-tjeneren på {server} svarte ikke innen {seconds} sekunder. Prøv igjen; varer det, kontakt den som drifter docplan.",
    tokenInvalid: "Tilgangsnøkkelen er ikke gyldig. Sjekk at hele nøkkelen er limt inn, eller be om en ny.",
    serverBusy: "docplan-tjeneren er opptatt. Prøv igjen om {seconds} sekunder.",
    serverTimeLimit: "Tjeneren brukte for lang tid og stoppet. Prøv igjen, eller send en mindre del om gangen.",
    serverUnavailable: "docplan-tjeneren svarer ikke akkurat nå (feil {status}). Prøv igjen om litt; varer det, kontakt den som drifter docplan.",
    serverFault: "Det oppstod en feil på docplan-tjeneren. Feilen er logget; prøv igjen eller kontakt den som drifter docplan.",
    serverSaid: "Tjeneren svarte: {message}",
    tooLarge: "For mye på én gang: {message}",
    wordAccessDenied: "Word tillot ikke endringen: dokumentet eller dette stedet er låst eller skrivebeskyttet.",
    wordItemNotFound: "Word fant ikke elementet lenger; det kan være slettet. Trykk «Oppdater listen».",
    wordGeneral: "Word kunne ikke gjøre endringen her. Flytt markøren til et vanlig avsnitt og prøv igjen.",
    wordInvalid: "Word avviste innholdet ({code}). Prøv igjen; varer det, meld fra til den som drifter docplan.",
    wordNotAllowed: "Word tillater ikke dette nå (for eksempel mens et annet vindu eller en dialog er åpen).",
    wordBusy: "Word er opptatt. Vent litt og prøv igjen.",
    wordTooLarge: "Dokumentet er for stort til å sendes fra Word på én gang. Prøv Word for Windows eller Mac.",
    wordOther: "Word meldte en feil ({code}). Prøv igjen.",
    officeOther: "Office meldte en feil (kode {code}). Prøv igjen.",
    unexpected: "Noe gikk galt: {message}"
  };
  var nn = {
    title: "Handlingsplan",
    switchLanguage: "Bokmål",
    switchLanguageLabel: "Byt til bokmål",
    sideload: "Dette tillegget må opnast i Word. Sjå installasjonsrettleiinga for docplan.",
    officeMissing: "Får ikkje lasta Office.js frå Microsoft (appsforoffice.microsoft.com). Nettverket eller ein brannmur stoppar han; be IT-avdelinga opne for adressa.",
    wordTooOld: "Denne versjonen av Word manglar det tillegget treng (WordApi 1.3). Bruk Microsoft 365, Word 2021 eller nyare, eller Word på nettet.",
    tokenLabel: "Tilgangsnøkkel",
    tokenHelp: "Nøkkelen får du av planansvarleg eller KoRus.",
    remember: "Hugs meg på denne maskina",
    rememberHelp: "Elles blir nøkkelen gløymd når du lukkar Word. Ikkje kryss av på ei maskin andre òg brukar.",
    connect: "Kopla til",
    connecting: "Koplar til …",
    noPlans: "Nøkkelen gir ikkje tilgang til nokon plan. Spør den som gav deg nøkkelen.",
    planLabel: "Plan og kommune",
    contextName: "Plan: {name}",
    ready: "Klar: {name}.",
    logout: "Logg ut",
    loggedOut: "Du er logga ut. Nøkkelen er gløymd på denne maskina.",
    browse: "Mål, tiltak og kommuneplan",
    searchLabel: "Søk",
    searchHelp: "Søk i nummer, tittel, tekst, ansvarleg, status og samarbeidspartnarar.",
    goalsTree: "Mål og tiltak",
    otherMeasures: "Andre tiltak",
    kpItems: "Kommuneplanen",
    noMatches: "Ingen treff.",
    emptyPreview: "(utan tekst)",
    insert: "Set inn",
    insertItem: "Set inn {item}",
    insertTable: "Set inn tiltakstabellen",
    inserting: "Set inn …",
    inserted: "{item} er sett inn.",
    insertedUnrecorded: "{item} er sett inn, men Word lét oss ikkje registrere det. «Oppdater alle» spør før det blir overskrive.",
    cursorInTable: "Markøren står i ein tabell. Flytt han til eit tomt avsnitt utanfor tabellen og prøv igjen ({item} er ikkje sett inn).",
    cursorInControl: "Markøren står inne i innhald frå docplan. Flytt han utanfor og prøv igjen ({item} er ikkje sett inn).",
    nameTable: "tiltakstabellen",
    nameMeasure: "tiltak {id}",
    nameMainGoal: "hovudmål {id}",
    nameSubGoal: "delmål {id}",
    nameKp: "kommuneplanpunkt {id}",
    refreshAll: "Oppdater alle",
    refreshing: "Oppdaterer …",
    summary: "{list}.",
    summaryUpdated: "{n} oppdatert",
    summaryEdited: "{n} endra av deg – ikkje overskrive",
    summaryUnknown: "{n} utan registrering – ikkje overskrive",
    summaryOrphans: "{n} finst ikkje lenger i planen",
    summaryForbidden: "{n} høyrer til ein annan kommune",
    summaryNotApplied: "{n} har ei anna form i dokumentet og vart ikkje oppdatert",
    summaryFailed: "{n} avvist av Word, står som før",
    nothingStale: "Alt er oppdatert: dokumentet stemmer med planen.",
    unrecorded: "{n} kunne ikkje registrerast; «Oppdater alle» spør før dei blir overskrivne.",
    inDocument: "I dokumentet",
    documentStatus: "Oppdater lista",
    documentListed: "Lista viser dokumentet slik det er no.",
    documentSummary: "{n} element frå docplan: {parts}.",
    documentEmpty: "Ingenting frå docplan i dokumentet enno.",
    attentionOnly: "Vis berre det som treng tilsyn",
    statusCurrent: "oppdatert",
    statusStale: "utdatert",
    statusEdited: "endra av deg",
    statusUnknown: "ukjent",
    statusOrphan: "ikkje i planen",
    statusForbidden: "annan kommune",
    statusChildren: "endra inni",
    show: "Vis",
    showItem: "Vis {item} i dokumentet",
    selectedItem: "{item} er markert i dokumentet.",
    itemGone: "{item} finst ikkje lenger i dokumentet. Trykk «Oppdater lista».",
    overwrite: "Overskriv likevel",
    overwriteItem: "Overskriv likevel {item}",
    overwriting: "Overskriv …",
    overwritten: "{item} er overskrive med teksten frå planen.",
    overwrittenUnrecorded: "{item} er overskrive, men Word lét oss ikkje registrere det.",
    confirmAsk: "Samanlikn tekstane før du overskriv {item}.",
    confirmTitle: "Overskrive {item}?",
    confirmHelp: "Teksten i dokumentet blir erstatta med teksten frå planen. Det du har endra, går tapt.",
    confirmWhole: "{item} kan berre overskrivast saman med {whole}. Alt anna du har endra der, blir òg overskrive.",
    confirmCurrent: "No i dokumentet",
    confirmNew: "Frå planen",
    confirmYes: "Overskriv",
    confirmYesItem: "Overskriv {item} med teksten frå planen",
    confirmNo: "Avbryt",
    overwriteCancelled: "Ingenting er endra.",
    alreadyCurrent: "{item} er allereie som i planen.",
    orphanItem: "{item} finst ikkje lenger i planen.",
    forbiddenItem: "{item} høyrer til ein annan kommune og kan ikkje overskrivast herifrå.",
    notAppliedItem: "Word avviste endringa; {item} står som før.",
    shapeDiffersItem: "{item} har ei anna form i dokumentet enn i planen (til dømes ei tabellrad) og vart ikkje overskrive.",
    check: "Kontroller dokumentet",
    checking: "Kontrollerer dokumentet …",
    findings: "Funn",
    findingCount: "{n} funn.",
    noFindings: "Ingen funn. Dokumentet stemmer med planen.",
    commentsAdded: "{n} lagde inn som merknader (merknadene frå docplan ved førre kontroll er erstatta).",
    commentsUnsupported: "Denne versjonen av Word kan ikkje få merknader frå tillegg; sjå funna her.",
    findingsCleared: "Dokumentet er endra sidan kontrollen, så funna er fjerna. Kontroller på nytt ved behov.",
    recheckForLanguage: "Kontroller dokumentet på nytt for å få funna på nynorsk.",
    howToFix: "Slik rettar du:",
    selected: "Staden er markert i dokumentet.",
    placeGone: "Staden finst ikkje lenger i dokumentet; han er sletta eller endra etter kontrollen.",
    noPlace: "Dette funnet gjeld heile dokumentet eller plandataa, ikkje éin stad i teksten.",
    "severity.error": "Feil",
    "severity.warning": "Åtvaring",
    "severity.info": "Merknad",
    loading: "Hentar …",
    unreachable: "Får ikkje kontakt med docplan-tenaren på {server}. Sjekk nettverket (og VPN), eller kontakt den som driftar docplan.",
    noAnswer: "docplan-tenaren på {server} svarte ikkje innan {seconds} sekund. Prøv igjen; varer det, kontakt den som driftar docplan.",
    tokenInvalid: "Tilgangsnøkkelen er ikkje gyldig. Sjekk at heile nøkkelen er limt inn, eller be om ein ny.",
    serverBusy: "docplan-tenaren er oppteken. Prøv igjen om {seconds} sekund.",
    serverTimeLimit: "Tenaren brukte for lang tid og stoppa. Prøv igjen, eller send ein mindre del om gongen.",
    serverUnavailable: "docplan-tenaren svarar ikkje akkurat no (feil {status}). Prøv igjen om litt; varer det, kontakt den som driftar docplan.",
    serverFault: "Det oppstod ein feil på docplan-tenaren. Feilen er logga; prøv igjen eller kontakt den som driftar docplan.",
    serverSaid: "Tenaren svarte: {message}",
    tooLarge: "For mykje på ein gong: {message}",
    wordAccessDenied: "Word tillét ikkje endringa: dokumentet eller denne staden er låst eller skriveverna.",
    wordItemNotFound: "Word fann ikkje elementet lenger; det kan vere sletta. Trykk «Oppdater lista».",
    wordGeneral: "Word kunne ikkje gjere endringa her. Flytt markøren til eit vanleg avsnitt og prøv igjen.",
    wordInvalid: "Word avviste innhaldet ({code}). Prøv igjen; varer det, meld frå til den som driftar docplan.",
    wordNotAllowed: "Word tillèt ikkje dette no (til dømes medan eit anna vindauge eller ein dialog er open).",
    wordBusy: "Word er oppteken. Vent litt og prøv igjen.",
    wordTooLarge: "Dokumentet er for stort til å sendast frå Word på ein gong. Prøv Word for Windows eller Mac.",
    wordOther: "Word melde ein feil ({code}). Prøv igjen.",
    officeOther: "Office melde ein feil (kode {code}). Prøv igjen.",
    unexpected: "Noko gjekk gale: {message}"
  };
  var STRINGS = { nb, nn };
  function t(lang, key, values = {}) {
    var _a, _b;
    const table = lang === "nn" ? STRINGS.nn : STRINGS.nb;
    const text = (_b = (_a = table[key]) != null ? _a : STRINGS.nb[key]) != null ? _b : key;
    const filled = text.replace(/\{(\w+)\}/g, (_, name) => {
      var _a2;
      return String((_a2 = values[name]) != null ? _a2 : "");
    });
    return text.startsWith("{") ? filled.charAt(0).toLocaleUpperCase("nb") + filled.slice(1) : filled;
  }
  function applyTranslations(doc, lang) {
    doc.documentElement.lang = lang === "nn" ? "nn" : "nb";
    for (const el of Array.from(doc.querySelectorAll("[data-i18n]"))) {
      el.textContent = t(
        lang,
        /** @type {Key} */
        /** @type {HTMLElement} */
        el.dataset.i18n
      );
    }
    for (const el of Array.from(doc.querySelectorAll("[data-i18n-label]"))) {
      el.setAttribute("aria-label", t(
        lang,
        /** @type {Key} */
        /** @type {HTMLElement} */
        el.dataset.i18nLabel
      ));
    }
  }

  // src/taskpane/storage.js
  var TOKEN = "docplan.token";
  var LANG = "docplan.lang";
  var CHOICE = "docplan.choice";
  function store(which) {
    try {
      return which === "local" ? globalThis.localStorage : globalThis.sessionStorage;
    } catch (e) {
      return null;
    }
  }
  function loadToken() {
    var _a, _b;
    const session = (_a = store("session")) == null ? void 0 : _a.getItem(TOKEN);
    if (session) return { token: session, remembered: false };
    const local = (_b = store("local")) == null ? void 0 : _b.getItem(TOKEN);
    return local ? { token: local, remembered: true } : { token: null, remembered: false };
  }
  function saveToken(token, remember) {
    var _a;
    forgetToken();
    (_a = store(remember ? "local" : "session")) == null ? void 0 : _a.setItem(TOKEN, token);
  }
  function forgetToken() {
    var _a, _b;
    (_a = store("session")) == null ? void 0 : _a.removeItem(TOKEN);
    (_b = store("local")) == null ? void 0 : _b.removeItem(TOKEN);
  }
  function loadLanguage() {
    var _a;
    const lang = (_a = store("local")) == null ? void 0 : _a.getItem(LANG);
    return lang === "nn" || lang === "nb" ? lang : null;
  }
  function saveLanguage(lang) {
    var _a;
    (_a = store("local")) == null ? void 0 : _a.setItem(LANG, lang);
  }
  function loadChoice() {
    try {
      const value = Office.context.document.settings.get(CHOICE);
      if (value && typeof value.plan === "string" && typeof value.number === "string") {
        return { plan: value.plan, number: value.number };
      }
    } catch (e) {
    }
    return null;
  }
  function saveChoice(choice) {
    return new Promise((resolve) => {
      try {
        const settings = Office.context.document.settings;
        settings.set(CHOICE, { plan: choice.plan, number: choice.number });
        settings.saveAsync((result) => resolve(result.status === Office.AsyncResultStatus.Succeeded));
      } catch (e) {
        resolve(false);
      }
    });
  }

  // src/taskpane/word.js
  var SLICE_SIZE = 4 * 1024 * 1024;
  var TAG_PREFIX = "docplan:";
  var STATE_NS = "urn:docplan:state:1";
  function wordApi(version) {
    return Boolean(Office.context.requirements.isSetSupported("WordApi", version));
  }
  function commonApi(name) {
    return Boolean(Office.context.requirements.isSetSupported(name));
  }
  var WHITESPACE = /[\x07\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  var HASH = /^[0-9a-f]{16}$/;
  function normaliseText(text) {
    return String(text != null ? text : "").replace(WHITESPACE, " ").replace(/^ /, "").replace(/ $/, "");
  }
  async function textHash(text) {
    const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(normaliseText(text)));
    return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  var EDITION = /^\d{4}$/;
  function parseState(xml) {
    const state2 = /* @__PURE__ */ new Map();
    let doc;
    try {
      doc = new DOMParser().parseFromString(String(xml != null ? xml : ""), "application/xml");
    } catch (e) {
      return { state: state2, edition: null };
    }
    const root = doc && doc.documentElement;
    if (!root || root.namespaceURI !== STATE_NS || root.localName !== "state") return { state: state2, edition: null };
    for (const item of Array.from(root.getElementsByTagNameNS(STATE_NS, "item"))) {
      const tag = item.getAttribute("tag");
      const hashes = (item.getAttribute("hash") || "").split(/\s+/).filter((h) => HASH.test(h));
      if (tag && hashes.length) addHashes(state2, tag, hashes);
    }
    const edition = root.getAttribute("municipality");
    return { state: state2, edition: EDITION.test(edition || "") ? edition : null };
  }
  function addHashes(state2, tag, hashes) {
    const known = state2.get(tag) || [];
    for (const h of hashes) if (!known.includes(h)) known.push(h);
    state2.set(tag, known);
  }
  function escapeAttribute(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function serializeState(state2, edition = null) {
    const items = [...state2.keys()].sort().map((tag) => `<item tag="${escapeAttribute(tag)}" hash="${escapeAttribute(state2.get(tag).join(" "))}"/>`);
    const municipality = edition && EDITION.test(edition) ? ` municipality="${edition}"` : "";
    return `<state xmlns="${STATE_NS}"${municipality}>${items.join("")}</state>`;
  }
  async function readState() {
    const state2 = /* @__PURE__ */ new Map();
    if (!commonApi("CustomXmlParts")) return { state: state2, edition: null, parts: [] };
    const parts = await officeCall((cb) => Office.context.document.customXmlParts.getByNamespaceAsync(STATE_NS, cb));
    let edition = null;
    for (const part of parts) {
      const xml = await officeCall((cb) => part.getXmlAsync(cb));
      const parsed = parseState(xml);
      for (const [tag, hashes] of parsed.state) addHashes(state2, tag, hashes);
      edition || (edition = parsed.edition);
    }
    return { state: state2, edition, parts };
  }
  var stateWrites = Promise.resolve();
  function recordHashes(hashes) {
    const run = stateWrites.then(async () => {
      if (!commonApi("CustomXmlParts")) throw new Error("CustomXmlParts is not supported here");
      const { state: state2, edition, parts } = await readState();
      for (const [tag, value] of Object.entries(hashes)) {
        addHashes(state2, tag, (Array.isArray(value) ? value : String(value).split(/\s+/)).filter((h) => HASH.test(h)));
      }
      await officeCall((cb) => Office.context.document.customXmlParts.addAsync(serializeState(state2, edition), cb));
      for (const part of parts) await officeCall((cb) => part.deleteAsync(cb));
    });
    stateWrites = run.catch(() => {
    });
    return run;
  }
  async function hashesOf(controls) {
    var _a;
    const out = {};
    for (const c of controls) {
      const h = await textHash(c.text);
      (out[_a = c.tag] || (out[_a] = [])).includes(h) || out[c.tag].push(h);
    }
    return out;
  }
  function mergeHashes(...sources) {
    const out = {};
    for (const source of sources) {
      for (const [tag, value] of Object.entries(source || {})) {
        const list = Array.isArray(value) ? value : String(value).split(/\s+/);
        for (const h of list) if (HASH.test(h) && !(out[tag] || (out[tag] = [])).includes(h)) out[tag].push(h);
      }
    }
    return out;
  }
  var isDocplan = (c) => typeof c.tag === "string" && c.tag.startsWith(TAG_PREFIX);
  var kindOf = (tag) => String(tag).split(":")[1];
  async function tryRecord(hashes) {
    try {
      await recordHashes(hashes);
      return true;
    } catch (e) {
      return false;
    }
  }
  var MAX_NESTING = 32;
  async function cursorProblem(context, selection, inline) {
    const table = selection.parentTableOrNullObject;
    table.load("rowCount");
    let control = selection.parentContentControlOrNullObject;
    control.load("id,tag");
    await context.sync();
    if (!inline && !table.isNullObject) return "table";
    for (let depth = 0; !control.isNullObject && depth < MAX_NESTING; depth += 1) {
      if (isDocplan(control)) return "control";
      control = control.parentContentControlOrNullObject;
      control.load("id,tag");
      await context.sync();
    }
    return null;
  }
  async function insertSnippet(ooxml, hashes = {}, { inline = false } = {}) {
    const result = await Word.run(async (context) => {
      const selection = context.document.getSelection();
      const refused = await cursorProblem(context, selection, inline);
      if (refused) return { refused, inserted: [] };
      const range = selection.insertOoxml(ooxml, "Replace");
      const controls = range.contentControls;
      controls.load("items/id,items/tag,items/text");
      await context.sync();
      return { refused: null, inserted: controls.items.filter(isDocplan).map((c) => ({ id: c.id, tag: c.tag, text: c.text })) };
    });
    if (result.refused) return __spreadProps(__spreadValues({}, result), { recorded: false });
    return __spreadProps(__spreadValues({}, result), { recorded: await tryRecord(mergeHashes(hashes, await hashesOf(result.inserted))) });
  }
  var SHAPES = Object.freeze({
    RichTextInline: "inline",
    PlainTextInline: "inline",
    RichTextParagraphs: "block",
    PlainTextParagraph: "block",
    RichText: "block",
    RichTextTable: "block",
    RichTextTableRow: "row",
    RichTextTableCell: "cell"
  });
  async function readControls(context, { ooxml: withOoxml = true } = {}) {
    const all = context.document.contentControls;
    all.load("items/id,items/tag,items/text,items/subtype");
    await context.sync();
    const controls = all.items.filter(isDocplan);
    const parents = /* @__PURE__ */ new Map();
    let frontier = controls.map((c) => ({ id: c.id, node: c }));
    for (let depth = 0; frontier.length && depth < MAX_NESTING; depth += 1) {
      const above = frontier.map((f) => f.node.parentContentControlOrNullObject.load("id,tag"));
      await context.sync();
      const next = [];
      frontier.forEach((f, i) => {
        const parent = above[i];
        if (parent.isNullObject) parents.set(f.id, null);
        else if (isDocplan(parent)) parents.set(f.id, parent.id);
        else next.push({ id: f.id, node: parent });
      });
      frontier = next;
    }
    const containers = new Set([...parents.values()].filter((p) => p !== null && p !== void 0));
    const ooxml = /* @__PURE__ */ new Map();
    if (withOoxml) {
      for (const c of controls) if (containers.has(c.id)) ooxml.set(c.id, c.getRange("Whole").getOoxml());
    }
    if (ooxml.size) await context.sync();
    return controls.map((c) => {
      var _a, _b;
      return __spreadValues({
        id: c.id,
        tag: c.tag,
        text: c.text,
        shape: (_a = SHAPES[c.subtype]) != null ? _a : null,
        parent: (_b = parents.get(c.id)) != null ? _b : null
      }, ooxml.has(c.id) ? { ooxml: ooxml.get(c.id).value } : {});
    });
  }
  async function readItems(context, options) {
    const controls = await readControls(context, options);
    const { state: state2, edition } = await readState();
    const items = controls.map((c) => state2.has(c.tag) ? __spreadProps(__spreadValues({}, c), { hash: state2.get(c.tag).join(" ") }) : c);
    return { items, edition };
  }
  function refreshRequest(items, edition, force = void 0) {
    const sent = items.filter((i) => i.shape).map((i) => {
      var _a, _b;
      return __spreadValues(__spreadValues(__spreadValues({
        id: i.id,
        tag: i.tag,
        shape: i.shape,
        text: (_a = i.text) != null ? _a : "",
        parent: (_b = i.parent) != null ? _b : null
      }, i.hash ? { hash: i.hash } : {}), i.ooxml ? { ooxml: i.ooxml } : {}), force !== void 0 && i.id === force ? { force: true } : {});
    });
    return __spreadProps(__spreadValues({}, edition && EDITION.test(edition) ? { edition } : {}), { items: sent });
  }
  function ancestors(item, byId) {
    const out = [];
    const seen = /* @__PURE__ */ new Set([item.id]);
    for (let p = byId.get(item.parent); p && !seen.has(p.id); p = byId.get(p.parent)) {
      seen.add(p.id);
      out.push(p);
    }
    return out;
  }
  function descendants(item, items, byId) {
    return items.filter((i) => i !== item && ancestors(i, byId).includes(item));
  }
  var W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  var isW = (node, name) => Boolean(node && node.nodeType === 1 && node.namespaceURI === W && node.localName === name);
  function parseOoxml(ooxml) {
    try {
      const doc = new DOMParser().parseFromString(String(ooxml != null ? ooxml : ""), "application/xml");
      return doc && doc.getElementsByTagNameNS(W, "body")[0] ? doc : null;
    } catch (e) {
      return null;
    }
  }
  function sdtTag(sdt) {
    for (const pr of Array.from(sdt.childNodes)) {
      if (!isW(pr, "sdtPr")) continue;
      for (const t2 of Array.from(pr.childNodes)) {
        if (isW(t2, "tag")) return (
          /** @type {Element} */
          t2.getAttributeNS(W, "val") || /** @type {Element} */
          t2.getAttribute("w:val")
        );
      }
    }
    return null;
  }
  function outermostControl(doc) {
    const body = doc.getElementsByTagNameNS(W, "body")[0];
    return { body, sdt: body.getElementsByTagNameNS(W, "sdt")[0] || null };
  }
  function replacementShape(ooxml, tag) {
    const doc = parseOoxml(ooxml);
    if (!doc) return null;
    const { body, sdt } = outermostControl(doc);
    const found = sdt && sdtTag(sdt);
    if (!found || !found.startsWith(TAG_PREFIX) || kindOf(found) !== kindOf(tag)) return null;
    const parent = sdt.parentNode;
    if (parent === body) return "block";
    if (isW(parent, "tbl")) return parent.parentNode === body ? "row" : null;
    if (isW(parent, "tr")) return "cell";
    let p = parent;
    while (p && p !== body && !isW(p, "p")) p = p.parentNode;
    return p && p !== body && p.parentNode === body ? "inline" : null;
  }
  function elementText(el) {
    const parts = [];
    (function walk(node) {
      if (isW(node, "t")) {
        parts.push(node.textContent);
        return;
      }
      if (isW(node, "tab")) parts.push("	");
      else if (isW(node, "br") || isW(node, "cr")) parts.push("\n");
      else if (isW(node, "p") && parts.length) parts.push("\n");
      for (const child of Array.from(node.childNodes)) if (child.nodeType === 1) walk(
        /** @type {Element} */
        child
      );
    })(el);
    return parts.join("");
  }
  function replacementText(ooxml) {
    const doc = parseOoxml(ooxml);
    const sdt = doc && outermostControl(doc).sdt;
    const content = sdt && Array.from(sdt.childNodes).find((n) => isW(n, "sdtContent"));
    return content ? elementText(
      /** @type {Element} */
      content
    ) : "";
  }
  function snippetText(ooxml) {
    const doc = parseOoxml(ooxml);
    return doc ? displayText(elementText(outermostControl(doc).body)) : "";
  }
  function displayText(text) {
    return String(text != null ? text : "").replace(/\r\x07|\x07/g, "\n").replace(/\r\n?/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  }
  function canReplace(answer, item) {
    if (!item || !answer.ooxml || item.shape !== "block" && item.shape !== "inline") return false;
    return answer.shape === item.shape && replacementShape(answer.ooxml, answer.tag) === item.shape;
  }
  function heldEntry(item, status, byId) {
    let target = item;
    if (item.shape !== "block" && item.shape !== "inline") {
      target = ancestors(item, byId).find((a) => a.shape === "block" || a.shape === "inline") || item;
    }
    return {
      id: item.id,
      tag: item.tag,
      status,
      shape: item.shape,
      target: target.id,
      targetTag: target.tag,
      within: ancestors(item, byId).map((a) => a.id)
    };
  }
  function sortAnswers(answers, items) {
    const byId = new Map(items.map((i) => [i.id, i]));
    const out = { replace: [], held: (
      /** @type {HeldEntry[]} */
      []
    ), orphans: 0, forbidden: 0, notApplied: 0 };
    const heldIds = /* @__PURE__ */ new Set();
    const hold = (item, status) => {
      if (item && !heldIds.has(item.id)) {
        heldIds.add(item.id);
        out.held.push(heldEntry(item, status, byId));
      }
    };
    for (const answer of answers) {
      const item = byId.get(answer.id);
      if (answer.status === "forbidden") out.forbidden += 1;
      else if (answer.status === "orphan") out.orphans += 1;
      else if (answer.status === "edited" || answer.status === "unknown") hold(item, answer.status);
      if (item && answer.held && answer.held.length) {
        const inside = [item, ...descendants(item, items, byId)];
        for (const tag of answer.held) {
          const kept = inside.find((i) => i.tag === tag && !heldIds.has(i.id));
          if (kept === item) hold(item, "children");
          else if (kept) hold(kept, kept.hash ? "edited" : "unknown");
        }
      }
      if (answer.apply && answer.ooxml) {
        if (canReplace(answer, item)) {
          out.replace.push({
            id: item.id,
            tag: item.tag,
            shape: item.shape,
            ooxml: answer.ooxml,
            hashes: answer.hashes || {},
            held: answer.held || []
          });
        } else {
          out.notApplied += 1;
        }
      }
    }
    const replacing = new Set(out.replace.map((r) => r.id));
    out.replace = out.replace.filter((r) => !ancestors(byId.get(r.id), byId).some((a) => replacing.has(a.id)));
    return out;
  }
  function statusList(items, answers) {
    const byId = new Map(items.map((i) => [i.id, i]));
    const answerOf = new Map(answers.filter((a) => a.id !== void 0).map((a) => [a.id, a]));
    const { held } = sortAnswers(answers, items);
    const heldOf = new Map(held.map((h) => [h.id, h]));
    const out = [];
    for (const item of items) {
      if (!item.shape) continue;
      const above = ancestors(item, byId);
      let status = "current";
      const own = answerOf.get(item.id);
      const container = above.find((a) => answerOf.has(a.id) && a.ooxml);
      if (heldOf.has(item.id)) status = heldOf.get(item.id).status;
      else if (own && own.status !== "current") status = own.status;
      else if (container) {
        const through = answerOf.get(container.id);
        if (through.status === "forbidden") status = "forbidden";
        else if ((through.updated || []).includes(item.tag)) status = "stale";
      }
      out.push({
        id: item.id,
        tag: item.tag,
        text: item.text,
        shape: item.shape,
        parent: item.parent,
        depth: above.length,
        status,
        held: heldOf.get(item.id) || null
      });
    }
    return out;
  }
  async function documentStatus(api, plan, number, lang) {
    return Word.run(async (context) => {
      const { items, edition } = await readItems(context);
      const request = refreshRequest(items, edition);
      const answer = request.items.length ? await api.refresh(plan, number, request, lang) : { items: [] };
      return statusList(items, answer.items || []);
    });
  }
  async function replaceIn(context, list) {
    const controls = list.map((entry) => context.document.contentControls.getByIdOrNullObject(entry.id).load("id,tag,cannotDelete,cannotEdit"));
    await context.sync();
    const replaced = [];
    const failed = [];
    for (const [i, entry] of list.entries()) {
      const control = controls[i];
      if (control.isNullObject || control.tag !== entry.tag) {
        failed.push(entry);
        continue;
      }
      const locks = { cannotDelete: control.cannotDelete, cannotEdit: control.cannotEdit };
      let added = null;
      try {
        control.cannotDelete = false;
        control.cannotEdit = false;
        await context.sync();
        const range = control.getRange("Whole").insertOoxml(entry.ooxml, "Before");
        const inserted = range.contentControls;
        inserted.load("items/id,items/tag,items/text");
        await context.sync();
        added = range;
        control.delete(false);
        await context.sync();
        for (const c of inserted.items) if (c.tag === entry.tag) Object.assign(c, locks);
        await context.sync();
        replaced.push({ entry, inserted: inserted.items.filter(isDocplan).map((c) => ({ tag: c.tag, text: c.text })) });
      } catch (error) {
        failed.push(__spreadProps(__spreadValues({}, entry), { error }));
        await putBack(context, control, locks, added);
      }
    }
    return { replaced, failed };
  }
  async function putBack(context, control, locks, added) {
    for (const step of [() => added && added.delete(), () => Object.assign(control, locks)]) {
      try {
        step();
        await context.sync();
      } catch (e) {
      }
    }
  }
  async function replacedHashes(replaced) {
    const sources = [];
    for (const { entry, inserted } of replaced) {
      const written = new Set(Object.keys(entry.hashes || {}));
      const kept = new Set(entry.held || []);
      const shown = inserted.filter((c) => !kept.has(c.tag) && (!written.size || written.has(c.tag)));
      sources.push(entry.hashes, await hashesOf(shown));
    }
    return mergeHashes(...sources);
  }
  async function refreshDocument(api, plan, number, lang) {
    const result = await Word.run(async (context) => {
      const { items, edition } = await readItems(context);
      const request = refreshRequest(items, edition);
      const answer = request.items.length ? await api.refresh(plan, number, request, lang) : { items: [] };
      const sorted = sortAnswers(answer.items || [], items);
      const { replaced, failed } = sorted.replace.length ? await replaceIn(context, sorted.replace) : { replaced: [], failed: [] };
      sorted.notApplied += items.length - request.items.length;
      return __spreadProps(__spreadValues({ checked: request.items.length }, sorted), { replaced, failed });
    });
    const recorded = result.replaced.length ? await tryRecord(await replacedHashes(result.replaced)) : true;
    return {
      checked: result.checked,
      updated: result.replaced.length,
      held: result.held,
      orphans: result.orphans,
      forbidden: result.forbidden,
      notApplied: result.notApplied,
      failed: result.failed.length,
      unrecorded: recorded ? 0 : result.replaced.length
    };
  }
  async function prepareOverwrite(api, plan, number, lang, entry) {
    return Word.run(async (context) => {
      const { items, edition } = await readItems(context);
      const byId = new Map(items.map((i) => [i.id, i]));
      const target = byId.get(entry.target);
      if (!target || target.tag !== entry.targetTag) return { found: false };
      const request = refreshRequest([target, ...descendants(target, items, byId)], edition, target.id);
      const { items: answers } = await api.refresh(plan, number, request, lang);
      const answer = (answers || []).find((a) => a.id === target.id) || null;
      return {
        found: true,
        target,
        answer,
        current: displayText(target.text),
        proposed: answer && answer.ooxml ? displayText(replacementText(answer.ooxml)) : null
      };
    });
  }
  async function applyOverwrite(target, answer) {
    if (!canReplace(answer, target)) return { replaced: false, recorded: true, shapeDiffers: true };
    const entry = { id: target.id, tag: target.tag, ooxml: answer.ooxml, hashes: answer.hashes || {}, held: answer.held || [] };
    const { replaced } = await Word.run((context) => replaceIn(context, [entry]));
    if (!replaced.length) return { replaced: false, recorded: true, shapeDiffers: false };
    return { replaced: true, recorded: await tryRecord(await replacedHashes(replaced)), shapeDiffers: false };
  }
  function searchable(text) {
    return text.replace(/\^/g, "^^");
  }
  async function placeRanges(context, places) {
    const body = context.document.body;
    const searches = places.map((place) => {
      if (!place || !place.text) return null;
      const found = body.search(searchable(place.text), { matchCase: true });
      found.load("items/text");
      return found;
    });
    if (searches.some(Boolean)) await context.sync();
    return searches.map((found, i) => {
      if (!found || !found.items.length) return null;
      return found.items[Math.min(places[i].occurrence || 0, found.items.length - 1)];
    });
  }
  async function selectFinding(finding) {
    return Word.run(async (context) => {
      if (typeof finding.id === "number") {
        const control = context.document.contentControls.getByIdOrNullObject(finding.id);
        control.load("id");
        await context.sync();
        if (!control.isNullObject) {
          control.select();
          await context.sync();
          return true;
        }
      }
      if (finding.tag) {
        const controls = context.document.contentControls.getByTag(finding.tag);
        controls.load("items/id");
        await context.sync();
        if (controls.items.length) {
          controls.items[0].select();
          await context.sync();
          return true;
        }
      }
      const [range] = await placeRanges(context, [finding.place]);
      if (!range) return false;
      range.select();
      await context.sync();
      return true;
    });
  }
  var COMMENT_MARKER = "docplan:";
  var LEADING_SPACE = new RegExp(`^${WHITESPACE.source}`);
  function isDocplanComment(content) {
    return String(content != null ? content : "").replace(LEADING_SPACE, "").startsWith(COMMENT_MARKER);
  }
  function commentText(finding) {
    const text = finding.comment || `[${finding.rule}] ${finding.message}`;
    return isDocplanComment(text) ? text : `${COMMENT_MARKER} ${text}`;
  }
  function commentsSupported() {
    return wordApi("1.4");
  }
  async function addFindingComments(findings) {
    if (!wordApi("1.4")) return { added: 0, placed: 0 };
    return Word.run(async (context) => {
      const earlier = context.document.body.getComments();
      earlier.load("items/content");
      await context.sync();
      for (const comment of earlier.items) if (isDocplanComment(comment.content)) comment.delete();
      const ranges = await placeRanges(context, findings.map((f) => f.place));
      let added = 0;
      findings.forEach((f, i) => {
        if (!ranges[i]) return;
        ranges[i].insertComment(commentText(f));
        added += 1;
      });
      await context.sync();
      return { added, placed: findings.filter((f) => f.place).length };
    });
  }
  function officeCall(fn) {
    return new Promise((resolve, reject) => {
      fn((result) => {
        if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
        else reject(result.error || new Error("Office call failed"));
      });
    });
  }
  async function readDocumentFile() {
    const file = await officeCall((cb) => Office.context.document.getFileAsync(Office.FileType.Compressed, { sliceSize: SLICE_SIZE }, cb));
    try {
      const chunks = [];
      for (let i = 0; i < file.sliceCount; i += 1) {
        const slice = await officeCall((cb) => file.getSliceAsync(i, cb));
        chunks.push(Uint8Array.from(slice.data));
      }
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const c of chunks) {
        out.set(c, offset);
        offset += c.length;
      }
      return out;
    } finally {
      await new Promise((resolve) => file.closeAsync(() => resolve(void 0)));
    }
  }
  async function readBodyOoxml() {
    return Word.run(async (context) => {
      const ooxml = context.document.body.getOoxml();
      await context.sync();
      return ooxml.value;
    });
  }
  async function readDocument() {
    if (commonApi("CompressedFile")) {
      try {
        return { docx: await readDocumentFile() };
      } catch (e) {
      }
    }
    return { ooxml: await readBodyOoxml() };
  }
  async function watchDocumentChanges(handler) {
    if (!wordApi("1.6")) return false;
    await Word.run(async (context) => {
      const changed = async () => handler();
      context.document.onParagraphAdded.add(changed);
      context.document.onParagraphChanged.add(changed);
      context.document.onParagraphDeleted.add(changed);
      await context.sync();
    });
    return true;
  }

  // src/taskpane/taskpane.js
  window.docplanStarted = true;
  var state = {
    /** @type {Lang} */
    lang: "nb",
    /** @type {ApiClient | null} */
    api: null,
    /** @type {any[]} */
    plans: [],
    /** @type {string | null} */
    plan: null,
    /** @type {string | null} */
    number: null,
    /** @type {any} */
    catalogue: null,
    busy: false,
    /** @type {(() => string) | null} */
    status: null,
    /** @type {{findings: Finding[], summary: any} | null} */
    findings: null,
    /** @type {StatusEntry[] | null} */
    documentItems: null,
    /** @type {Map<string, Promise<any>>} */
    snippets: /* @__PURE__ */ new Map()
  };
  var $ = (id) => (
    /** @type {HTMLElement} */
    document.getElementById(id)
  );
  var input = (id) => (
    /** @type {HTMLInputElement} */
    document.getElementById(id)
  );
  var select = (id) => (
    /** @type {HTMLSelectElement} */
    document.getElementById(id)
  );
  var textarea = (id) => (
    /** @type {HTMLTextAreaElement} */
    document.getElementById(id)
  );
  var tr = (key, values) => t(state.lang, key, values);
  function say(key, values) {
    sayAll([{ key, values }]);
  }
  function sayAll(parts, { error = false } = {}) {
    state.status = () => {
      const listed = parts.filter((p) => p.key.startsWith("summary")).map((p) => tr(p.key, p.values));
      const rest = parts.filter((p) => !p.key.startsWith("summary")).map((p) => tr(p.key, p.values));
      return [...listed.length ? [tr("summary", { list: listed.join(", ") })] : [], ...rest].join(" ");
    };
    $("status").textContent = state.status();
    $("status").classList.toggle("error", error);
  }
  function sayError(error) {
    const message = describeError(error);
    sayAll([message], { error: true });
  }
  async function action(fn, progress) {
    if (state.busy) return;
    setBusy(true);
    if (progress) say(progress.key, progress.values);
    try {
      await fn();
    } catch (error) {
      sayError(error);
      if (error instanceof ApiError && error.status === 401 && state.api) signedOut();
    } finally {
      setBusy(false);
    }
  }
  var quietUntil = 0;
  function setBusy(busy) {
    state.busy = busy;
    if (!busy) quietUntil = Date.now() + 1500;
    $("main").setAttribute("aria-busy", String(busy));
    $("spinner").hidden = !busy;
    for (const el of document.querySelectorAll("#session button, #session select, #login button")) {
      el.disabled = busy;
    }
  }
  function setLanguage(lang) {
    const changed = lang !== state.lang;
    state.lang = lang;
    applyTranslations(document, lang);
    saveLanguage(lang);
    renderContext();
    if (state.catalogue) renderCatalogue();
    if (state.documentItems) renderDocumentItems();
    if (changed && state.findings) {
      clearFindings();
      say("recheckForLanguage");
      return;
    }
    if (state.status) $("status").textContent = state.status();
  }
  function serverBase() {
    return new URL("../", window.location.href).href;
  }
  async function connect(token, remember) {
    const api = new ApiClient(serverBase(), token);
    let plans;
    try {
      ({ plans } = await api.plans());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) forgetToken();
      throw error;
    }
    state.api = api;
    state.plans = plans;
    saveToken(token, remember);
    input("token").value = "";
    const choices = select("plan");
    choices.replaceChildren();
    for (const plan of plans) {
      for (const m of plan.municipalities) {
        const option = document.createElement("option");
        option.value = `${plan.id}|${m.number}`;
        option.textContent = `${m.name} – ${shortPlanName(plan)}`;
        option.title = `${plan.title} (${m.number})`;
        choices.append(option);
      }
    }
    $("login").hidden = true;
    $("session").hidden = false;
    if (!choices.options.length) {
      say("noPlans");
      return;
    }
    const saved = loadChoice();
    const wanted = saved && `${saved.plan}|${saved.number}`;
    if (wanted && Array.from(choices.options).some((o) => o.value === wanted)) choices.value = wanted;
    await choosePlan(choices.value, { remember: !saved });
  }
  async function choosePlan(value, { remember = true } = {}) {
    const [plan, number] = value.split("|");
    say("loading");
    const catalogue = await state.api.catalogue(plan, number);
    state.plan = plan;
    state.number = number;
    state.catalogue = catalogue;
    state.snippets.clear();
    clearFindings();
    renderContext();
    renderCatalogue();
    if (remember) await saveChoice({ plan, number });
    await loadDocumentStatus();
    say("ready", { name: contextName() });
  }
  function contextName() {
    const option = select("plan").selectedOptions[0];
    return option ? option.textContent : "";
  }
  function renderContext() {
    const name = state.plan ? contextName() : "";
    $("context-name").textContent = name ? tr("contextName", { name }) : "";
    $("context-name").hidden = !name;
  }
  function logout() {
    signedOut();
    say("loggedOut");
    input("token").focus();
  }
  function signedOut() {
    forgetToken();
    state.api = null;
    state.plans = [];
    state.plan = state.number = null;
    state.catalogue = null;
    state.documentItems = null;
    state.snippets.clear();
    clearFindings();
    hideConfirm();
    select("plan").replaceChildren();
    for (const id of ["tree", "others", "kp", "document-items"]) $(id).replaceChildren();
    $("session").hidden = true;
    $("login").hidden = false;
    input("token").value = "";
    input("remember").checked = false;
    renderContext();
  }
  function itemName(kind, id) {
    if (kind === "measure-table") return tr("nameTable");
    if (kind === "measure") return tr("nameMeasure", { id });
    if (kind === "kp-ref" || kind === "kp-quote") return tr("nameKp", { id: id.includes(":") ? id.slice(id.indexOf(":") + 1) : id });
    if (kind === "goal") {
      const main = state.catalogue && state.catalogue.goals.some((g) => g.id === id);
      return tr(main ? "nameMainGoal" : "nameSubGoal", { id });
    }
    return id;
  }
  var capitalise = (text) => text.charAt(0).toLocaleUpperCase("nb") + text.slice(1);
  var previewCount = 0;
  function itemRow(kind, id, label) {
    const li = document.createElement("li");
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "item";
    toggle.setAttribute("aria-expanded", "false");
    const strong = document.createElement("span");
    strong.className = "id";
    strong.textContent = kind === "kp-ref" && id.includes(":") ? id.slice(id.indexOf(":") + 1) : id;
    toggle.append(strong, document.createTextNode(label));
    const panel = document.createElement("div");
    panel.className = "preview";
    panel.id = `preview-${previewCount += 1}`;
    panel.hidden = true;
    toggle.setAttribute("aria-controls", panel.id);
    toggle.addEventListener("click", () => togglePreview(toggle, panel, kind, id));
    li.append(toggle, panel);
    return li;
  }
  function snippetFor(kind, id) {
    const key = [state.plan, state.number, kind, id, state.lang].join("|");
    if (!state.snippets.has(key)) {
      const pending2 = state.api.snippet(state.plan, state.number, kind, id, state.lang);
      pending2.catch(() => state.snippets.delete(key));
      state.snippets.set(key, pending2);
    }
    return state.snippets.get(key);
  }
  async function togglePreview(toggle, panel, kind, id) {
    if (toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      panel.hidden = true;
      return;
    }
    toggle.setAttribute("aria-expanded", "true");
    panel.hidden = false;
    const text = document.createElement("p");
    text.className = "preview-text";
    text.textContent = tr("loading");
    panel.replaceChildren(text);
    try {
      const snippet = await snippetFor(kind, id);
      text.textContent = snippetText(snippet.ooxml) || tr("emptyPreview");
      const insertButton = document.createElement("button");
      insertButton.type = "button";
      insertButton.textContent = tr("insert");
      insertButton.setAttribute("aria-label", tr("insertItem", { item: itemName(kind, id) }));
      insertButton.disabled = state.busy;
      insertButton.addEventListener("click", () => action(() => insert(kind, id), { key: "inserting" }));
      panel.append(insertButton);
    } catch (error) {
      const message = describeError(error);
      text.textContent = tr(message.key, message.values);
    }
  }
  function renderCatalogue() {
    const query = input("search").value;
    const { tree, others } = goalTree(state.catalogue);
    fillTree("tree", filterTree(tree, query));
    const otherNodes = filterTree(others, query);
    $("others").hidden = $("others-heading").hidden = !otherNodes.length;
    fillTree("others", otherNodes, { empty: false });
    const kp = filterItems(state.catalogue.kp_items, query);
    fill("kp", kp.map((k) => itemRow("kp-ref", k.ref, `${k.title} (${k.plan_name})`)));
  }
  function fill(listId, rows, { empty = true } = {}) {
    const list = $(listId);
    list.replaceChildren(...rows);
    if (!rows.length && empty) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = tr("noMatches");
      list.append(li);
    }
  }
  function fillTree(listId, nodes, options) {
    const row = (node) => {
      const li = itemRow(node.kind, node.item.id, node.item.title);
      li.classList.add(`level-${node.level}`);
      if (node.children.length) {
        const ul = document.createElement("ul");
        ul.append(...node.children.map(row));
        li.append(ul);
      }
      return li;
    };
    fill(listId, nodes.map(row), options);
  }
  async function insert(kind, id) {
    const snippet = await snippetFor(kind, id);
    const { refused, inserted, recorded } = await insertSnippet(
      snippet.ooxml,
      snippet.hashes,
      { inline: kind === "kp-ref" }
    );
    const item = itemName(kind, id);
    if (refused) {
      sayAll([{ key: refused === "table" ? "cursorInTable" : "cursorInControl", values: { item } }], { error: true });
      return;
    }
    clearFindings();
    addInserted(inserted);
    say(recorded ? "inserted" : "insertedUnrecorded", { item });
  }
  async function loadDocumentStatus() {
    state.documentItems = await documentStatus(state.api, state.plan, state.number, state.lang);
    renderDocumentItems();
  }
  function addInserted(inserted) {
    if (!state.documentItems) return;
    for (const c of inserted) {
      state.documentItems.push({
        id: c.id,
        tag: c.tag,
        text: c.text,
        shape: null,
        parent: null,
        depth: 0,
        status: "current",
        held: null
      });
    }
    renderDocumentItems();
  }
  var STATUS_KEYS = {
    current: "statusCurrent",
    stale: "statusStale",
    edited: "statusEdited",
    unknown: "statusUnknown",
    orphan: "statusOrphan",
    forbidden: "statusForbidden",
    children: "statusChildren"
  };
  var ATTENTION = /* @__PURE__ */ new Set(["stale", "edited", "unknown", "orphan", "children"]);
  function tagName(tag) {
    const [, kind, ...rest] = tag.split(":");
    return itemName(kind, rest.join(":"));
  }
  function renderDocumentItems() {
    const items = state.documentItems || [];
    const counts = {};
    for (const item of items) counts[item.status] = (counts[item.status] || 0) + 1;
    const parts = Object.keys(STATUS_KEYS).filter((s) => counts[s]).map((s) => `${counts[s]} ${tr(STATUS_KEYS[s])}`);
    $("document-summary").textContent = items.length ? tr("documentSummary", { n: items.length, parts: parts.join(", ") }) : tr("documentEmpty");
    const attentionOnly = input("attention-only").checked;
    const shown = attentionOnly ? items.filter((i) => ATTENTION.has(i.status)) : items;
    const rows = shown.map((entry) => {
      const li = document.createElement("li");
      li.className = `status-${entry.status}`;
      const label = document.createElement("span");
      label.className = "label";
      const strong = document.createElement("span");
      strong.className = "id";
      const name = tagName(entry.tag);
      strong.textContent = capitalise(name);
      const excerpt = displayText(entry.text).replace(/\s+/g, " ");
      label.append(strong, document.createTextNode(excerpt.length > 80 ? `${excerpt.slice(0, 79)}…` : excerpt));
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = tr(STATUS_KEYS[entry.status] || "statusUnknown");
      const show = document.createElement("button");
      show.type = "button";
      show.className = "secondary";
      show.textContent = tr("show");
      show.setAttribute("aria-label", tr("showItem", { item: name }));
      show.disabled = state.busy;
      show.addEventListener("click", () => action(async () => {
        if (await selectFinding({ id: entry.id, tag: entry.tag })) say("selectedItem", { item: name });
        else say("itemGone", { item: name });
      }));
      const tools = document.createElement("div");
      tools.className = "tools";
      tools.append(badge, show);
      if (entry.held) {
        const overwrite = document.createElement("button");
        overwrite.type = "button";
        overwrite.className = "warning";
        overwrite.textContent = tr("overwrite");
        overwrite.setAttribute("aria-label", tr("overwriteItem", { item: name }));
        overwrite.disabled = state.busy;
        const held = entry.held;
        overwrite.addEventListener("click", () => action(() => askOverwrite(held, overwrite), { key: "loading" }));
        tools.append(overwrite);
      }
      li.append(label, tools);
      return (
        /** @type {HTMLLIElement} */
        li
      );
    });
    $("document-items").replaceChildren(...rows);
  }
  async function refreshAll() {
    hideConfirm();
    const result = await refreshDocument(state.api, state.plan, state.number, state.lang);
    const { updated, held, orphans, forbidden, notApplied, failed, unrecorded } = result;
    if (updated) clearFindings();
    const edited = held.filter((h) => h.status === "edited").length;
    const unknown = held.filter((h) => h.status === "unknown").length;
    const parts = [];
    if (updated) parts.push({ key: "summaryUpdated", values: { n: updated } });
    if (edited) parts.push({ key: "summaryEdited", values: { n: edited } });
    if (unknown) parts.push({ key: "summaryUnknown", values: { n: unknown } });
    if (orphans) parts.push({ key: "summaryOrphans", values: { n: orphans } });
    if (forbidden) parts.push({ key: "summaryForbidden", values: { n: forbidden } });
    if (notApplied) parts.push({ key: "summaryNotApplied", values: { n: notApplied } });
    if (failed) parts.push({ key: "summaryFailed", values: { n: failed } });
    if (!parts.length) parts.push({ key: "nothingStale" });
    if (unrecorded) parts.push({ key: "unrecorded", values: { n: unrecorded } });
    await loadDocumentStatus();
    sayAll(parts);
    if (held.length) $("document-heading").focus();
  }
  var pending = null;
  async function askOverwrite(entry, button) {
    const name = tagName(entry.tag);
    const prepared = await prepareOverwrite(state.api, state.plan, state.number, state.lang, entry);
    if (!prepared.found) {
      say("itemGone", { item: name });
      return;
    }
    const { answer } = prepared;
    if (!answer || !answer.ooxml) {
      const key = { orphan: "orphanItem", forbidden: "forbiddenItem" }[answer && answer.status] || "alreadyCurrent";
      say(key, { item: name });
      return;
    }
    pending = { entry, prepared, button };
    $("confirm-title").textContent = tr("confirmTitle", { item: name });
    const whole = entry.target !== entry.id;
    $("confirm-whole").hidden = !whole;
    $("confirm-whole").textContent = whole ? tr("confirmWhole", { item: name, whole: tagName(entry.targetTag) }) : "";
    textarea("confirm-current").value = prepared.current;
    textarea("confirm-new").value = prepared.proposed;
    $("confirm-yes").setAttribute("aria-label", tr("confirmYesItem", { item: name }));
    $("confirm-panel").hidden = false;
    say("confirmAsk", { item: name });
    $("confirm-title").focus();
  }
  function hideConfirm() {
    pending = null;
    $("confirm-panel").hidden = true;
  }
  async function confirmOverwrite() {
    if (!pending) return;
    const { entry, prepared } = pending;
    hideConfirm();
    const name = tagName(entry.tag);
    const { replaced, recorded, shapeDiffers } = await applyOverwrite(prepared.target, prepared.answer);
    if (!replaced) {
      say(shapeDiffers ? "shapeDiffersItem" : "notAppliedItem", { item: name });
      return;
    }
    clearFindings();
    await loadDocumentStatus();
    say(recorded ? "overwritten" : "overwrittenUnrecorded", { item: name });
    $("document-heading").focus();
  }
  function cancelOverwrite() {
    const button = pending && pending.button;
    hideConfirm();
    say("overwriteCancelled");
    if (button && button.isConnected) button.focus();
  }
  async function runCheck() {
    const doc = await readDocument();
    const { findings, summary } = await state.api.check(state.plan, state.number, doc, state.lang);
    state.findings = { findings, summary };
    renderFindings();
    const { added } = await addFindingComments(findings);
    const parts = [findings.length ? { key: "findingCount", values: { n: summary.total } } : { key: "noFindings" }];
    if (added) parts.push({ key: "commentsAdded", values: { n: added } });
    else if (findings.length && !commentsSupported()) parts.push({ key: "commentsUnsupported" });
    sayAll(parts);
    $("findings-heading").focus();
  }
  function clearFindings() {
    state.findings = null;
    $("findings-panel").hidden = true;
    $("findings").replaceChildren();
  }
  function documentChanged() {
    if (!state.findings || state.busy || Date.now() < quietUntil) return;
    clearFindings();
    say("findingsCleared");
  }
  function renderFindings() {
    const { findings, summary } = state.findings;
    const panel = $("findings-panel");
    const box = $("findings");
    box.replaceChildren();
    panel.hidden = false;
    $("findings-summary").textContent = findings.length ? tr("findingCount", { n: summary.total }) : tr("noFindings");
    for (const [rule, items] of groupFindings(findings)) {
      const heading = document.createElement("h3");
      heading.textContent = `${items[0].title || rule} (${items.length})`;
      heading.title = rule;
      const list = document.createElement("ul");
      list.className = "finding-list";
      for (const finding of items) {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        const severity = document.createElement("span");
        severity.className = "severity";
        severity.textContent = tr(
          /** @type {Key} */
          `severity.${finding.severity}`
        );
        button.append(severity, document.createTextNode(finding.message));
        const placed = Boolean(finding.tag || finding.place);
        button.addEventListener("click", () => action(async () => {
          if (!placed) say("noPlace");
          else if (await selectFinding(finding)) say("selected");
          else say("placeGone");
        }));
        li.append(button);
        if (finding.fix) {
          const fix = document.createElement("p");
          fix.className = "fix";
          const lead = document.createElement("span");
          lead.className = "fix-lead";
          lead.textContent = tr("howToFix");
          fix.append(lead, document.createTextNode(` ${finding.fix}`));
          li.append(fix);
        }
        list.append(li);
      }
      box.append(heading, list);
    }
  }
  function showBoot(key, error = true) {
    $("boot").hidden = false;
    $("boot").className = error ? "notice error" : "notice";
    $("boot-text").textContent = tr(key);
  }
  function wire() {
    $("boot").hidden = true;
    $("app-body").hidden = false;
    $("language").addEventListener("click", () => setLanguage(state.lang === "nb" ? "nn" : "nb"));
    $("login").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = input("token").value.trim();
      if (!token) return;
      action(() => connect(token, input("remember").checked), { key: "connecting" });
    });
    $("logout").addEventListener("click", () => {
      if (!state.busy) logout();
    });
    $("plan").addEventListener("change", (event) => action(() => choosePlan(
      /** @type {HTMLSelectElement} */
      event.target.value
    ), { key: "loading" }));
    $("search").addEventListener("input", () => state.catalogue && renderCatalogue());
    $("insert-table").addEventListener("click", () => action(() => insert("measure-table", "all"), { key: "inserting" }));
    $("refresh").addEventListener("click", () => action(refreshAll, { key: "refreshing" }));
    $("confirm-yes").addEventListener("click", () => action(confirmOverwrite, { key: "overwriting" }));
    $("confirm-no").addEventListener("click", cancelOverwrite);
    $("check").addEventListener("click", () => action(runCheck, { key: "checking" }));
    $("document-status").addEventListener("click", () => action(async () => {
      await loadDocumentStatus();
      say("documentListed");
    }, { key: "loading" }));
    $("attention-only").addEventListener("change", renderDocumentItems);
    watchDocumentChanges(documentChanged).catch(() => {
    });
    const saved = loadToken();
    if (saved.token) {
      input("remember").checked = saved.remembered;
      action(() => connect(saved.token, saved.remembered), { key: "connecting" });
    }
  }
  function startLanguage(displayLanguage) {
    const saved = loadLanguage();
    if (saved) return saved;
    return /^(nn|nno)\b/i.test(displayLanguage || "") ? "nn" : "nb";
  }
  function start() {
    $("language").hidden = false;
    if (typeof Office === "undefined") {
      setLanguage(startLanguage(navigator.language));
      showBoot("officeMissing");
      return;
    }
    Office.onReady((info) => {
      setLanguage(startLanguage(Office.context && Office.context.displayLanguage));
      if (info.host !== Office.HostType.Word) showBoot("sideload", false);
      else if (!wordApi("1.3")) showBoot("wordTooOld");
      else wire();
    });
  }
  start();
})();
