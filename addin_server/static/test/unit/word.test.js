// Word.run functions against office-addin-mock: the mock fails on properties read without load/sync.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import mock from "office-addin-mock";

import * as word from "../../src/taskpane/word.js";
import { SETS, requirements } from "./office_parts.js";

const { OfficeMockObject } = mock;

function control(id, tag, text, log) {
  return {
    id, tag, text, cannotDelete: true,
    select() { log.push(["select", tag]); },
  };
}

// A collection returned by a method (getByTag, search) is outside the mock's tree, so it tracks load itself.
function collection(items) {
  let loaded = false;
  return {
    load() { loaded = true; return this; },
    get items() {
      if (!loaded) throw new Error("items read before load()");
      return items;
    },
  };
}

// The body's text, one string per paragraph; body.search finds each occurrence of a text in it (as Word
// does: no match across paragraphs, case as given).
function bodyOf(paragraphs, log) {
  return {
    search(text, options) {
      log.push(["search", text, options.matchCase]);
      const wanted = text.replace(/\^\^/g, "^");
      const ranges = [];
      paragraphs.forEach((p, i) => {
        for (let at = p.indexOf(wanted); at >= 0; at = p.indexOf(wanted, at + wanted.length)) {
          const n = ranges.length;
          ranges.push({
            text: wanted,
            select() { log.push(["select-range", i, n]); },
            insertComment(comment) { log.push(["comment", i, n, comment]); },
          });
        }
      });
      return collection(ranges);
    },
  };
}

function wordMock(log, { controls = [], paragraphs = ["Innledning", "Mål", "Tiltak"], ooxml = "<pkg:package/>",
  comments = [] } = {}) {
  const all = controls.map(([id, tag, text]) => control(id, tag, text, log));
  let existing = comments.map((content) => ({
    content,
    delete() { log.push(["delete-comment", content]); existing = existing.filter((c) => c !== this); },
  }));
  const root = new OfficeMockObject({
    context: { document: { body: { getOoxml() { return { value: ooxml }; } } } },
    run: async function (callback) { return callback(this.context); },
  });
  const body = root.context.document.body;
  Object.assign(body, bodyOf(paragraphs, log), { getComments() { return collection(existing); } });
  root.context.document.contentControls = {
    getByTag(tag) { return collection(all.filter((c) => c.tag === tag)); },
    getByIdOrNullObject(id) {
      const hit = all.find((c) => c.id === id);
      return hit ? { ...hit, isNullObject: false, load() { return this; } } : { isNullObject: true, load() { return this; } };
    },
  };
  return root;
}

function officeMock({ sets = SETS, file = null, failFile = false, log = [] } = {}) {
  return {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    FileType: { Compressed: "compressed" },
    context: {
      requirements: requirements(sets),
      document: {
        getFileAsync(type, options, cb) {
          log.push(["getFileAsync", type, options.sliceSize]);
          if (failFile) return cb({ status: "failed", error: new Error("not supported") });
          const slices = file;
          cb({ status: "succeeded", value: {
            sliceCount: slices.length,
            getSliceAsync: (i, done) => { log.push(["slice", i]); done({ status: "succeeded", value: { data: slices[i] } }); },
            closeAsync: (done) => { log.push(["close"]); done({ status: "succeeded" }); },
          } });
        },
      },
    },
  };
}

let log;
beforeEach(() => {
  log = [];
  globalThis.Office = officeMock({ log });
});

describe("selectFinding", () => {
  it("selects the control with the finding's id, else the first with its tag", async () => {
    globalThis.Word = wordMock(log, { controls: [[3, "docplan:measure:T-04", "t"], [4, "docplan:measure:T-04", "u"]] });
    assert.equal(await word.selectFinding({ id: 4, tag: "docplan:measure:T-04" }), true);
    assert.equal(await word.selectFinding({ id: 99, tag: "docplan:measure:T-04", place: { text: "Mål", occurrence: 0 } }), true);
    assert.deepEqual(log, [["select", "docplan:measure:T-04"], ["select", "docplan:measure:T-04"]]);
  });

  it("finds a paragraph by its text and occurrence, never by a paragraph number", async () => {
    globalThis.Word = wordMock(log, { paragraphs: ["Tiltak", "Om tiltak: Tiltak", "Tiltak"] });
    // the second match (case as given) is inside paragraph 1, whatever paragraph number the checker counted
    assert.equal(await word.selectFinding({ tag: "docplan:measure:T-99", place: { text: "Tiltak", occurrence: 1 },
      location: { paragraph: 0 } }), true);
    assert.deepEqual(log, [["search", "Tiltak", true], ["select-range", 1, 1]]);
  });

  it("takes the last match when paragraphs before it went, and escapes Word's ^ codes", async () => {
    globalThis.Word = wordMock(log, { paragraphs: ["Kostnad ^p i kroner", "Kostnad ^p i kroner"] });
    assert.equal(await word.selectFinding({ place: { text: "Kostnad ^p i kroner", occurrence: 5 } }), true);
    assert.deepEqual(log, [["search", "Kostnad ^^p i kroner", true], ["select-range", 1, 1]]);
  });

  it("reports false when the place is gone or the finding has none", async () => {
    globalThis.Word = wordMock(log, { paragraphs: ["Annen tekst"] });
    assert.equal(await word.selectFinding({ place: { text: "Slettet avsnitt", occurrence: 0 } }), false);
    assert.equal(await word.selectFinding({ location: { paragraph: 0 } }), false);
    assert.equal(await word.selectFinding({ place: null }), false);
  });
});

describe("addFindingComments", () => {
  const findings = [
    { rule: "a.b", message: "m1", comment: "docplan: [advarsel] m1", place: { text: "Mål", occurrence: 0 } },
    { rule: "c.d", message: "m2", place: null },
    { rule: "e.f", message: "m3", place: { text: "Tiltak", occurrence: 0 } },
    { rule: "g.h", message: "m4", place: { text: "Borte", occurrence: 0 } },
  ];

  it("comments each finding at its place, with docplan's mark, when WordApi 1.4 is there", async () => {
    globalThis.Word = wordMock(log);
    assert.deepEqual(await word.addFindingComments(findings), { added: 2, placed: 3 });
    assert.deepEqual(log.filter((e) => e[0] === "comment"),
      [["comment", 1, 0, "docplan: [advarsel] m1"], ["comment", 2, 0, "docplan: [e.f] m3"]]);
  });

  it("replaces docplan's comments from an earlier check and never touches the planner's", async () => {
    globalThis.Word = wordMock(log, { comments: ["docplan: [feil] gammel", "Husk å spørre rådmannen", "\n docplan: [merknad] x",
      "Se docplan: ikke vår", "Docplan: skrevet av planleggeren"] });
    assert.equal((await word.addFindingComments(findings)).added, 2);
    assert.deepEqual(log.filter((e) => e[0] !== "search").map((e) => e.slice(0, 2)),
      [["delete-comment", "docplan: [feil] gammel"], ["delete-comment", "\n docplan: [merknad] x"], ["comment", 1], ["comment", 2]]);
  });

  it("marks a comment text only once", () => {
    assert.equal(word.commentText({ comment: "docplan: [feil] x", rule: "r", message: "x" }), "docplan: [feil] x");
    assert.equal(word.commentText({ comment: "[feil] x", rule: "r", message: "x" }), "docplan: [feil] x");
    assert.equal(word.isDocplanComment("\u00a0docplan: x"), true);
    assert.equal(word.isDocplanComment(undefined), false);
  });

  it("adds and removes nothing without WordApi 1.4 (task pane only)", async () => {
    globalThis.Office = officeMock({ sets: { WordApi: "1.3", CustomXmlParts: "1.1" }, log });
    globalThis.Word = wordMock(log, { comments: ["docplan: [feil] gammel"] });
    assert.equal(word.commentsSupported(), false);
    assert.deepEqual(await word.addFindingComments(findings), { added: 0, placed: 0 });
    assert.deepEqual(log, []);
  });
});

describe("readDocument", () => {
  it("reads every slice, joins the bytes and closes the file", async () => {
    globalThis.Office = officeMock({ file: [[80, 75], [3, 4], [9]], log });
    globalThis.Word = wordMock(log);
    const doc = await word.readDocument();
    assert.deepEqual(Array.from(doc.docx), [80, 75, 3, 4, 9]);
    assert.deepEqual(log.map((e) => e[0]), ["getFileAsync", "slice", "slice", "slice", "close"]);
    assert.equal(log[0][2], 4 * 1024 * 1024);
  });

  it("falls back to body.getOoxml() when getFileAsync fails", async () => {
    globalThis.Office = officeMock({ failFile: true, log });
    globalThis.Word = wordMock(log, { ooxml: "<pkg:package>body</pkg:package>" });
    assert.deepEqual(await word.readDocument(), { ooxml: "<pkg:package>body</pkg:package>" });
  });

  it("reads the body without trying getFileAsync where CompressedFile is not supported (Word on the web)", async () => {
    globalThis.Office = officeMock({ sets: { WordApi: "1.4", CustomXmlParts: "1.1" }, file: [[80, 75]], log });
    globalThis.Word = wordMock(log, { ooxml: "<pkg:package>body</pkg:package>" });
    assert.deepEqual(await word.readDocument(), { ooxml: "<pkg:package>body</pkg:package>" });
    assert.deepEqual(log, []);
  });
});

describe("watchDocumentChanges", () => {
  function eventWord(handlers) {
    const event = (name) => ({ add(h) { handlers.push([name, h]); return {}; } });
    return { run: async (fn) => fn({ document: { onParagraphAdded: event("added"), onParagraphChanged: event("changed"),
      onParagraphDeleted: event("deleted") }, sync: async () => {} }) };
  }

  it("calls the handler on paragraph events where WordApi 1.6 is there", async () => {
    const handlers = [];
    let calls = 0;
    globalThis.Office = officeMock({ sets: { WordApi: "1.6" }, log });
    globalThis.Word = eventWord(handlers);
    assert.equal(await word.watchDocumentChanges(() => { calls += 1; }), true);
    assert.deepEqual(handlers.map(([name]) => name), ["added", "changed", "deleted"]);
    await handlers[1][1]({});
    assert.equal(calls, 1);
  });

  it("registers nothing on older Word", async () => {
    const handlers = [];
    globalThis.Word = eventWord(handlers);
    assert.equal(await word.watchDocumentChanges(() => {}), false);
    assert.deepEqual(handlers, []);
  });
});
