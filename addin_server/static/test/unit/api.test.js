import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ApiClient, ApiError, NoAnswerError, UnreachableError, filterItems, filterTree, fold, goalTree, groupFindings, shortPlanName }
  from "../../src/taskpane/api.js";
import { describeError } from "../../src/taskpane/errors.js";
import { STRINGS, t } from "../../src/taskpane/i18n.js";

function fakeFetch(status, body, calls, headers = {}) {
  return async (url, init) => {
    calls.push({ url, ...init });
    return { ok: status < 400, status, json: async () => body, headers: new Map(Object.entries(headers)) };
  };
}

describe("ApiClient", () => {
  it("sends the bearer token and encodes path segments", async () => {
    const calls = [];
    const api = new ApiClient("https://plan.example.no/", "hemmelig", fakeFetch(200, { kind: "kp-ref" }, calls));
    await api.snippet("osterdalen", "3427", "kp-ref", "3427:KP 3.2", "nn");
    assert.equal(calls[0].url,
      "https://plan.example.no/api/v1/plans/osterdalen/municipalities/3427/snippets/kp-ref/3427%3AKP%203.2?lang=nn");
    assert.equal(calls[0].headers.Authorization, "Bearer hemmelig");
  });

  it("posts .docx bytes as a document and body OOXML as JSON", async () => {
    const calls = [];
    const api = new ApiClient("http://x", "t", fakeFetch(200, { findings: [] }, calls));
    await api.check("p", "3427", { docx: new Uint8Array([80, 75]) }, "nn");
    await api.check("p", "3427", { ooxml: "<pkg:package/>" });
    assert.equal(calls[0].url, "http://x/api/v1/plans/p/municipalities/3427/check?lang=nn");
    assert.equal(calls[1].url, "http://x/api/v1/plans/p/municipalities/3427/check?lang=nb");
    assert.equal(calls[0].headers["Content-Type"],
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert.deepEqual(JSON.parse(calls[1].body), { ooxml: "<pkg:package/>" });
  });

  it("posts a refresh request as it is built, with the language in the query", async () => {
    const calls = [];
    const api = new ApiClient("http://x", "t", fakeFetch(200, { checked: 1, items: [] }, calls));
    const request = { edition: "3427", items: [{ id: 1, tag: "docplan:goal:HM-1", shape: "block", text: "x", parent: null }] };
    await api.refresh("osterdalen", "3427", request, "nn");
    assert.equal(calls[0].url, "http://x/api/v1/plans/osterdalen/municipalities/3427/refresh?lang=nn");
    assert.deepEqual(JSON.parse(calls[0].body), request);
  });

  it("turns a JSON error into an ApiError with the Norwegian message", async () => {
    const api = new ApiClient("http://x", "t", fakeFetch(403, { code: "forbidden", message: "ingen tilgang", location: {} }, []));
    await assert.rejects(api.catalogue("p", "3428"), (e) => e instanceof ApiError && e.status === 403 &&
      e.code === "forbidden" && e.message === "ingen tilgang");
  });
});

describe("failures", () => {
  it("tells a server that does not answer from one that answers with an error", async () => {
    const down = new ApiClient("http://127.0.0.1:9/", "t", async () => { throw new TypeError("Failed to fetch"); });
    await assert.rejects(down.plans(), (e) => e instanceof UnreachableError && e.server === "http://127.0.0.1:9");
    const busy = new ApiClient("http://x", "t", fakeFetch(503, { code: "busy", message: "opptatt" }, [], { "Retry-After": "7" }));
    await assert.rejects(busy.plans(), (e) => e instanceof ApiError && e.status === 503 && e.retryAfter === 7);
  });

  it("gives up on a server that takes the request and never answers", async () => {
    const hung = (url, init) => new Promise((resolve, reject) => {
      init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
    });
    const api = new ApiClient("http://x", "t", hung, { read: 0.05, work: 0.1 });
    const started = Date.now();
    await assert.rejects(api.plans(), (e) => e instanceof NoAnswerError && e.seconds === 0.05);
    await assert.rejects(api.check("p", "3427", { ooxml: "x" }), (e) => e instanceof NoAnswerError && e.seconds === 0.1);
    assert.ok(Date.now() - started < 5000, "the pane does not hang");
    const m = describeError(new NoAnswerError("http://x", 120));
    assert.equal(t("nb", m.key, m.values), "docplan-tjeneren på http://x svarte ikke innen 120 sekunder. Prøv igjen; " +
      "varer det, kontakt den som drifter docplan.");
  });

  it("says what to do, in the chosen målform", () => {
    const say = (error, lang = "nb") => { const m = describeError(error); return t(lang, m.key, m.values); };
    assert.equal(say(new UnreachableError("https://plan.kommune.no")),
      "Får ikke kontakt med docplan-tjeneren på https://plan.kommune.no. Sjekk nettverket (og VPN), eller kontakt den som drifter docplan.");
    assert.match(say(new UnreachableError("https://p.no"), "nn"), /^Får ikkje kontakt med docplan-tenaren på https:\/\/p\.no\./);
    assert.match(say(new ApiError(401, { code: "unauthorized", message: "mangler gyldig tilgangsnøkkel" })),
      /^Tilgangsnøkkelen er ikke gyldig\./);
    assert.match(say(new ApiError(503, { code: "busy", message: "x" }, 7)), /Prøv igjen om 7 sekunder/);
    assert.match(say(new ApiError(502, null)), /svarer ikke akkurat nå \(feil 502\)/);
    assert.match(say(new ApiError(504, { code: "http_error" }), "nn"), /svarar ikkje akkurat no \(feil 504\)/);
    assert.match(say(new ApiError(500, { code: "internal", message: "en uventet feil" })), /feil på docplan-tjeneren/);
    assert.equal(say(new ApiError(404, { code: "not_found", message: "målet «HM-9» finnes ikke i planen" })),
      "Tjeneren svarte: målet «HM-9» finnes ikke i planen");
  });

  it("translates Word's own errors", () => {
    const say = (error, lang = "nb") => { const m = describeError(error); return t(lang, m.key, m.values); };
    const wordError = (code) => Object.assign(new Error(code), { name: "OfficeExtension.Error", code });
    assert.match(say(wordError("AccessDenied")), /låst eller skrivebeskyttet/);
    assert.match(say(wordError("GeneralException"), "nn"), /Flytt markøren til eit vanleg avsnitt/);
    assert.match(say(wordError("ItemNotFound")), /slettet/);
    assert.equal(say(wordError("SomethingNew")), "Word meldte en feil (SomethingNew). Prøv igjen.");
    assert.equal(say(Object.assign(new Error("x"), { code: 7000 })), "Office meldte en feil (kode 7000). Prøv igjen.");
    assert.equal(say(new Error("kaboom")), "Noe gikk galt: kaboom");
  });
});

describe("search, the goal tree and plan names", () => {
  const catalogue = {
    goals: [{ id: "HM-1", title: "Senere debut", text: "Færre unge drikker", sub_goals: [
      { id: "DM-1.1", title: "Trygge møteplasser", text: null }, { id: "DM-1.2", title: "Foreldre", text: null }] },
    { id: "HM-2", title: "Ansvarlig skjenking", sub_goals: [] }],
    measures: [
      { id: "T-01", title: "Ungdata", goal_ids: ["DM-1.1"], responsible: "Kommuneoverlegen", status: "pågår", partners: ["KoRus Øst"] },
      { id: "T-02", title: "Foreldremøter", goal_ids: ["DM-1.2", "HM-2"], responsible: null, status: null, partners: [] },
      { id: "T-03", title: "Uten mål", goal_ids: ["DM-9.9"], partners: [] }],
  };
  const ids = (nodes) => nodes.map((n) => [n.item.id, ids(n.children)]);

  it("folds case and diacritics, ø and æ included", () => {
    assert.equal(fold("Møteplass ÆRE på Åmot, Café"), "moteplass aere pa amot, cafe");
  });

  it("builds hovedmål → delmål → tiltak, a tiltak under every goal it names, the rest apart", () => {
    const { tree, others } = goalTree(catalogue);
    assert.deepEqual(ids(tree), [["HM-1", [["DM-1.1", [["T-01", []]]], ["DM-1.2", [["T-02", []]]]]], ["HM-2", [["T-02", []]]]]);
    assert.deepEqual(ids(others), [["T-03", []]]);
  });

  it("finds by id, title, text, responsible, status and partners, without diacritics", () => {
    const { tree } = goalTree(catalogue);
    assert.deepEqual(ids(filterTree(tree, "moteplasser")), [["HM-1", [["DM-1.1", [["T-01", []]]]]]]);
    assert.deepEqual(ids(filterTree(tree, "kommuneoverlegen")), [["HM-1", [["DM-1.1", [["T-01", []]]]]]]);
    assert.deepEqual(ids(filterTree(tree, "korus ost")), [["HM-1", [["DM-1.1", [["T-01", []]]]]]]);
    assert.deepEqual(ids(filterTree(tree, "pagar")), [["HM-1", [["DM-1.1", [["T-01", []]]]]]]);
    assert.deepEqual(ids(filterTree(tree, "faerre unge")).map(([id]) => id), ["HM-1"]);
    // a matching goal keeps all its tiltak as context
    assert.deepEqual(ids(filterTree(tree, "ansvarlig")), [["HM-2", [["T-02", []]]]]);
    assert.deepEqual(filterTree(tree, "finnes ikke"), []);
    assert.equal(filterTree(tree, "  "), tree);
  });

  it("names a plan by what follows «for», with the period", () => {
    assert.equal(shortPlanName({ title: "Interkommunal rusmiddelpolitisk handlingsplan for Østerdalen 2024–2027",
      period: { start_year: 2024, end_year: 2027 } }), "Østerdalen 2024–2027");
    assert.equal(shortPlanName({ title: "Rusplan for Tynset", period: { start_year: 2025, end_year: 2028 } }),
      "Tynset 2025–2028");
    assert.equal(shortPlanName({ title: "Ruspolitisk plan", period: { start_year: 2025, end_year: 2028 } }),
      "Ruspolitisk plan 2025–2028");
  });
});

describe("filterItems and groupFindings", () => {
  const items = [{ id: "T-01", title: "Felles Ungdata-undersøkelse" }, { id: "T-02", title: "Foreldremøter" },
    { id: "KP-3.2", title: "Forebygging", ref: "3427:KP-3.2" }];

  it("matches every word, case-insensitively, in id, title or ref", () => {
    assert.deepEqual(filterItems(items, "ungdata").map((i) => i.id), ["T-01"]);
    assert.deepEqual(filterItems(items, "t-0 FORELDRE").map((i) => i.id), ["T-02"]);
    assert.deepEqual(filterItems(items, "3427:").map((i) => i.id), ["KP-3.2"]);
    assert.equal(filterItems(items, "  ").length, 3);
  });

  it("groups findings by rule in first-seen order", () => {
    const groups = groupFindings([{ rule: "b" }, { rule: "a" }, { rule: "b" }]);
    assert.deepEqual([...groups.keys()], ["b", "a"]);
    assert.equal(groups.get("b").length, 2);
  });
});

describe("i18n", () => {
  it("has the same keys in bokmål and nynorsk, with the same placeholders", () => {
    assert.deepEqual(Object.keys(STRINGS.nn).sort(), Object.keys(STRINGS.nb).sort());
    const holes = (text) => (text.match(/\{\w+\}/g) || []).sort();
    for (const key of Object.keys(STRINGS.nb)) assert.deepEqual(holes(STRINGS.nn[key]), holes(STRINGS.nb[key]), key);
  });

  it("says the refresh summary in one sentence, as the planner reads it", () => {
    const list = [t("nb", "summaryUpdated", { n: 3 }), t("nb", "summaryEdited", { n: 1 })].join(", ");
    assert.equal(t("nb", "summary", { list }), "3 oppdatert, 1 endret av deg – ikke overskrevet.");
    const nn = [t("nn", "summaryUpdated", { n: 3 }), t("nn", "summaryEdited", { n: 1 })].join(", ");
    assert.equal(t("nn", "summary", { list: nn }), "3 oppdatert, 1 endra av deg – ikkje overskrive.");
  });

  it("capitalises a value that opens the sentence, and only then", () => {
    assert.equal(t("nb", "inserted", { item: "tiltak T-01" }), "Tiltak T-01 er satt inn.");
    assert.equal(t("nn", "inserted", { item: "hovudmål HM-1" }), "Hovudmål HM-1 er sett inn.");
    assert.equal(t("nb", "overwriteItem", { item: "hovedmål HM-1" }), "Overskriv likevel hovedmål HM-1");
  });

  it("fills placeholders and differs where the written standards differ", () => {
    assert.equal(t("nb", "insertItem", { item: "T-01" }), "Sett inn T-01");
    assert.equal(t("nn", "insertItem", { item: "T-01" }), "Set inn T-01");
    assert.equal(t("xx", "connect"), "Koble til");
    assert.equal(t("nn", "severity.warning"), "Åtvaring");
  });
});
