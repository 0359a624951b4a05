import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ApiClient, ApiError, filterItems, groupFindings } from "../../src/taskpane/api.js";
import { STRINGS, t } from "../../src/taskpane/i18n.js";

function fakeFetch(status, body, calls) {
  return async (url, init) => {
    calls.push({ url, ...init });
    return { ok: status < 400, status, json: async () => body };
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
    await api.check("p", "3427", { docx: new Uint8Array([80, 75]) });
    await api.check("p", "3427", { ooxml: "<pkg:package/>" });
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
  it("has the same keys in bokmål and nynorsk", () => {
    assert.deepEqual(Object.keys(STRINGS.nn).sort(), Object.keys(STRINGS.nb).sort());
  });

  it("fills placeholders and differs where the written standards differ", () => {
    assert.equal(t("nb", "insertItem", { item: "T-01" }), "Sett inn T-01");
    assert.equal(t("nn", "insertItem", { item: "T-01" }), "Set inn T-01");
    assert.equal(t("xx", "connect"), "Koble til");
    assert.equal(t("nn", "severity.warning"), "Åtvaring");
  });
});
