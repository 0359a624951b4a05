// Where the token is kept (issue 15): this session only unless «Husk meg» was ticked, never in both places,
// and «Logg ut» forgets it in both; the plan and municipality are kept in the document's own settings.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";

import * as storage from "../../src/taskpane/storage.js";

class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  setItem(key, value) { this.map.set(key, String(value)); }
  removeItem(key) { this.map.delete(key); }
}

function settings(saved = {}, { fail = false } = {}) {
  const values = { ...saved };
  return {
    values,
    saves: 0,
    get(name) { return name in values ? values[name] : null; },
    set(name, value) { values[name] = value; },
    saveAsync(cb) { this.saves += 1; cb({ status: fail ? "failed" : "succeeded" }); },
  };
}

beforeEach(() => {
  globalThis.sessionStorage = new MemoryStorage();
  globalThis.localStorage = new MemoryStorage();
  globalThis.Office = { AsyncResultStatus: { Succeeded: "succeeded" }, context: { document: { settings: settings() } } };
});

describe("the access token", () => {
  it("is kept for this session only by default", () => {
    storage.saveToken("hemmelig", false);
    assert.equal(sessionStorage.getItem("docplan.token"), "hemmelig");
    assert.equal(localStorage.getItem("docplan.token"), null);
    assert.deepEqual(storage.loadToken(), { token: "hemmelig", remembered: false });
  });

  it("is kept on this machine only when the planner asks, and then not in the session too", () => {
    storage.saveToken("gammel", false);
    storage.saveToken("hemmelig", true);
    assert.equal(localStorage.getItem("docplan.token"), "hemmelig");
    assert.equal(sessionStorage.getItem("docplan.token"), null);
    assert.deepEqual(storage.loadToken(), { token: "hemmelig", remembered: true });
  });

  it("is forgotten everywhere on «Logg ut»", () => {
    sessionStorage.setItem("docplan.token", "a");
    localStorage.setItem("docplan.token", "b");
    storage.forgetToken();
    assert.deepEqual(storage.loadToken(), { token: null, remembered: false });
  });

  it("does not break the pane where storage is switched off", () => {
    Object.defineProperty(globalThis, "localStorage", { configurable: true, get() { throw new Error("SecurityError"); } });
    storage.saveToken("x", true);
    assert.deepEqual(storage.loadToken(), { token: null, remembered: false });
    assert.equal(storage.loadLanguage(), null);
    Object.defineProperty(globalThis, "localStorage", { configurable: true, writable: true, value: new MemoryStorage() });
  });
});

describe("the plan and municipality of a document", () => {
  it("are saved in the document's settings and read back when it is opened again", async () => {
    assert.equal(storage.loadChoice(), null);
    assert.equal(await storage.saveChoice({ plan: "osterdalen", number: "3427" }), true);
    const kept = Office.context.document.settings;
    assert.equal(kept.saves, 1);
    // reopened: a new pane, the same document settings
    globalThis.Office = { AsyncResultStatus: { Succeeded: "succeeded" }, context: { document: { settings: settings(kept.values) } } };
    assert.deepEqual(storage.loadChoice(), { plan: "osterdalen", number: "3427" });
  });

  it("ignore anything that is not a choice, and report a failed save", async () => {
    Office.context.document.settings = settings({ "docplan.choice": { plan: 1 } }, { fail: true });
    assert.equal(storage.loadChoice(), null);
    assert.equal(await storage.saveChoice({ plan: "p", number: "3427" }), false);
    delete Office.context.document.settings;
    assert.equal(storage.loadChoice(), null);
    assert.equal(await storage.saveChoice({ plan: "p", number: "3427" }), false);
  });
});
