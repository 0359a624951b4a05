// Word.run functions against office-addin-mock: the mock fails on properties read without load/sync.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import mock from "office-addin-mock";

import * as word from "../../src/taskpane/word.js";

const { OfficeMockObject } = mock;

function control(tag, text, log) {
  return {
    tag, text, cannotDelete: true,
    select() { log.push(["select", tag]); },
    delete(keep) { log.push(["delete", tag, keep, this.cannotDelete]); },
    getRange(where) { return { insertOoxml: (xml, loc) => log.push(["insertOoxml", tag, where, loc, xml]) }; },
  };
}

function paragraph(i, log) {
  return {
    text: `avsnitt ${i}`,
    select() { log.push(["select-paragraph", i]); },
    getRange(where) { return { insertComment: (text) => log.push(["comment", i, where, text]) }; },
  };
}

// A collection returned by a method (getByTag) is outside the mock's tree, so it tracks load itself.
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

function wordMock(log, { controls = [], paragraphs = 3, ooxml = "<pkg:package/>", comments = [] } = {}) {
  const all = controls.map(([tag, text]) => control(tag, text, log));
  let existing = comments.map((content) => ({
    content,
    delete() { log.push(["delete-comment", content]); existing = existing.filter((c) => c !== this); },
  }));
  return new OfficeMockObject({
    context: {
      document: {
        contentControls: {
          items: all,
          getByTag(tag) { return collection(all.filter((c) => c.tag === tag)); },
        },
        body: {
          paragraphs: { items: Array.from({ length: paragraphs }, (_, i) => paragraph(i, log)) },
          getOoxml() { return { value: ooxml }; },
          getComments() { return collection(existing); },
        },
        getSelection() { return { insertOoxml: (xml, loc) => log.push(["insert-at-cursor", loc, xml]) }; },
      },
    },
    run: async function (callback) { return callback(this.context); },
  });
}

function officeMock({ wordApi14 = true, file = null, failFile = false, log = [] } = {}) {
  return {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    FileType: { Compressed: "compressed" },
    context: {
      requirements: { isSetSupported: (name, version) => name === "WordApi" && (version === "1.3" || wordApi14) },
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
  it("selects the tagged control when the finding names one", async () => {
    globalThis.Word = wordMock(log, { controls: [["docplan:measure:T-04", "t"]] });
    assert.equal(await word.selectFinding({ tag: "docplan:measure:T-04", location: { paragraph: 1 } }), true);
    assert.deepEqual(log, [["select", "docplan:measure:T-04"]]);
  });

  it("falls back to the paragraph number", async () => {
    globalThis.Word = wordMock(log);
    assert.equal(await word.selectFinding({ tag: "docplan:measure:T-99", location: { paragraph: 2 } }), true);
    assert.deepEqual(log, [["select-paragraph", 2]]);
  });

  it("reports false for a paragraph that is not there", async () => {
    globalThis.Word = wordMock(log, { paragraphs: 1 });
    assert.equal(await word.selectFinding({ location: { paragraph: 7 } }), false);
    assert.equal(await word.selectFinding({ location: {} }), false);
  });
});

describe("addFindingComments", () => {
  const findings = [{ rule: "a.b", message: "m1", comment: "docplan: [advarsel] m1", location: { paragraph: 0 } },
    { rule: "c.d", message: "m2", location: {} }, { rule: "e.f", message: "m3", location: { paragraph: 2 } }];

  it("comments each placed finding with docplan's mark when WordApi 1.4 is supported", async () => {
    globalThis.Word = wordMock(log);
    assert.equal(await word.addFindingComments(findings), 2);
    assert.deepEqual(log, [["comment", 0, "Whole", "docplan: [advarsel] m1"], ["comment", 2, "Whole", "docplan: [e.f] m3"]]);
  });

  it("replaces docplan's comments from an earlier check and never touches the planner's", async () => {
    globalThis.Word = wordMock(log, { comments: ["docplan: [feil] gammel", "Husk å spørre rådmannen", "\n docplan: [merknad] x",
      "Se docplan: ikke vår", "Docplan: skrevet av planleggeren"] });
    assert.equal(await word.addFindingComments(findings), 2);
    assert.deepEqual(log.map((e) => e.slice(0, 2)), [["delete-comment", "docplan: [feil] gammel"],
      ["delete-comment", "\n docplan: [merknad] x"], ["comment", 0], ["comment", 2]]);
  });

  it("marks a comment text only once", () => {
    assert.equal(word.commentText({ comment: "docplan: [feil] x", rule: "r", message: "x" }), "docplan: [feil] x");
    assert.equal(word.commentText({ comment: "[feil] x", rule: "r", message: "x" }), "docplan: [feil] x");
    assert.equal(word.isDocplanComment("\u00a0docplan: x"), true);
    assert.equal(word.isDocplanComment(undefined), false);
  });

  it("adds and removes nothing without WordApi 1.4 (task pane only)", async () => {
    globalThis.Office = officeMock({ wordApi14: false, log });
    globalThis.Word = wordMock(log, { comments: ["docplan: [feil] gammel"] });
    assert.equal(word.commentsSupported(), false);
    assert.equal(await word.addFindingComments(findings), 0);
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
});
