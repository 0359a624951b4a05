// «Oppdater alle» and «Overskriv likevel» against a mocked Word document: what the pane sends (shape,
// parent, a container's OOXML, recorded hashes, edition) and what it does with the server's answer
// (only `apply` answers of the control's own shape, one Word.run, one state write, per-item errors).
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { DOMParser } from "@xmldom/xmldom";
import mock from "office-addin-mock";

import * as word from "../../src/taskpane/word.js";
import { customXmlParts, freshOfficeEachTest, officeMock } from "./office_parts.js";

const { OfficeMockObject } = mock;
globalThis.DOMParser = DOMParser;

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS = "urn:docplan:state:1";
const H = { a: "0682c5f2076f099c", b: "d2800b35432d5a83", c: "006d73817d2d45ce", d: "fd60019d102d4804" };

// Flat OPC as docplan.ooxml.flatopc.to_flat_opc writes it: block controls in the body, an inline
// control in one paragraph, a row control in a table.
const sdt = (tag, inner) => `<w:sdt><w:sdtPr><w:tag w:val="${tag}"/><w:lock w:val="sdtLocked"/></w:sdtPr><w:sdtContent>${inner}</w:sdtContent></w:sdt>`;
const para = (text) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;
const run = (text) => `<w:r><w:t>${text}</w:t></w:r>`;
const trow = (text) => `<w:tr><w:tc>${para(text)}</w:tc></w:tr>`;
const pkg = (body) => `<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage"><pkg:part pkg:name="/word/document.xml"><pkg:xmlData><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document></pkg:xmlData></pkg:part></pkg:package>`;
const block = (tag, text) => pkg(sdt(tag, para(text)));
const inline = (tag, text) => pkg(`<w:p>${sdt(tag, run(text))}</w:p>`);
const row = (tag, text) => pkg(`<w:tbl><w:tblGrid/>${sdt(tag, trow(text))}</w:tbl><w:p/>`);
const cell = (tag, text) => pkg(`<w:tbl><w:tr>${sdt(tag, `<w:tc>${para(text)}</w:tc>`)}</w:tr></w:tbl><w:p/>`);
const table = (tag, rows) => pkg(`${sdt(tag, `<w:tbl>${rows.map(([t, text]) => sdt(t, trow(text))).join("")}</w:tbl>`)}<w:p/>`);

const stateXml = (items, edition = "3427") =>
  `<state xmlns="${NS}"${edition ? ` municipality="${edition}"` : ""}>${items.map(([tag, hash]) => `<item tag="${tag}" hash="${hash}"/>`).join("")}</state>`;


/**
 * Return Word with a document of content controls `specs` ({id, tag, text, subtype, parent, ooxml?,
 * refuse?: "insert" | "delete"}); `parent` may be a control of another add-in. Like Word, every object a
 * method or navigation returns (getByIdOrNullObject, parentContentControlOrNullObject, getOoxml, an
 * inserted range's controls) fails when read before load() and a later sync(), and an operation Word
 * refuses fails at the next sync.
 */
function wordDocument(log, specs) {
  const world = { syncs: 0, pending: null };
  const records = specs.map((s) => ({ cannotDelete: true, cannotEdit: false, ...s }));
  const find = (id) => records.find((r) => r.id === id && !r.deleted) || null;

  function deferred(fields, extra = {}) {
    let loadedAt = null;
    const obj = Object.defineProperties({ load() { loadedAt = world.syncs; return obj; } },
      Object.getOwnPropertyDescriptors(extra));
    for (const [name, get] of Object.entries(fields)) {
      Object.defineProperty(obj, name, {
        enumerable: true,
        configurable: true,
        get() {
          if (loadedAt === null || world.syncs <= loadedAt) throw new Error(`${name} read before load() and sync()`);
          return get();
        },
      });
    }
    return obj;
  }

  // a ClientResult: its value is there after the next sync, without load()
  function result(get) {
    const createdAt = world.syncs;
    return { get value() {
      if (world.syncs <= createdAt) throw new Error("value read before sync()");
      return get();
    } };
  }

  function range(record) {
    return {
      getOoxml: () => result(() => record.ooxml),
      insertOoxml(xml, where) {
        log.push(["insertOoxml", record.id, where, xml]);
        if (record.refuse === "insert") {
          world.pending = new Error("GeneralException");
          return { contentControls: deferred({ items: () => [] }), delete() { log.push(["deleteRange", record.id]); } };
        }
        const doc = new DOMParser().parseFromString(xml, "application/xml");
        const items = Array.from(doc.getElementsByTagNameNS(W, "sdt")).map((el) => {
          const tag = el.getElementsByTagNameNS(W, "tag")[0].getAttributeNS(W, "val");
          const lock = (name) => ({ set(value) { log.push(["lock", tag, name, value]); } });
          return Object.defineProperties({ tag, text: el.getElementsByTagNameNS(W, "sdtContent")[0].textContent },
            { cannotDelete: lock("cannotDelete"), cannotEdit: lock("cannotEdit") });
        });
        return { contentControls: deferred({ items: () => items }), delete() { log.push(["deleteRange", record.id]); } };
      },
    };
  }

  function actions(record) {
    return {
      getRange: (where) => { assert.equal(where, "Whole"); return range(record); },
      delete(keep) {
        if (record.cannotDelete || (!keep && record.cannotEdit) || record.refuse === "delete") {
          world.pending = new Error("AccessDenied");
          return;
        }
        log.push(["delete", record.id]);
        record.deleted = true;
      },
      get parentContentControlOrNullObject() { return proxy(find(record.parent)); },
    };
  }

  function proxy(record) {
    const obj = deferred({
      isNullObject: () => !record, id: () => record.id, tag: () => record.tag,
      cannotDelete: () => record.cannotDelete, cannotEdit: () => record.cannotEdit,
    }, record ? actions(record) : {});
    for (const lock of ["cannotDelete", "cannotEdit"]) {
      const { get } = Object.getOwnPropertyDescriptor(obj, lock);
      Object.defineProperty(obj, lock, { get, set(value) { record[lock] = value; } });
    }
    return obj;
  }

  const items = records.map((record) => Object.defineProperties(actions(record), {
    id: { get: () => record.id, enumerable: true }, tag: { get: () => record.tag, enumerable: true },
    text: { get: () => record.text, enumerable: true }, subtype: { get: () => record.subtype, enumerable: true },
  }));
  const root = new OfficeMockObject({
    context: { document: {} },
    run: async function (callback) { log.push(["Word.run"]); return callback(this.context); },
  });
  // office-addin-mock cannot load "items/id,items/tag" of a collection (Word can): this one checks load and sync itself
  root.context.document.contentControls = deferred({ items: () => items },
    { getByIdOrNullObject(id) { return proxy(find(id)); } });
  const base = root.context.sync.bind(root.context);
  root.context.sync = async () => {
    await base();
    world.syncs += 1;
    const error = world.pending;
    world.pending = null;
    if (error) throw error;
  };
  return { Word: root, records };
}

function fakeApi(answers) {
  const calls = [];
  return {
    calls,
    async refresh(plan, number, request, lang) {
      calls.push({ plan, number, request, lang });
      return { checked: request.items.length, items: typeof answers === "function" ? answers(request) : answers };
    },
  };
}

const office = freshOfficeEachTest(beforeEach);

function setUp(specs, state = []) {
  office.parts = customXmlParts([stateXml(state)], office.log);
  globalThis.Office = officeMock(office.parts);
  const { Word, records } = wordDocument(office.log, specs);
  globalThis.Word = Word;
  return records;
}

async function recorded() {
  return Object.fromEntries((await word.readState()).state);
}

const ops = (...names) => office.log.filter((e) => names.includes(e[0]));

describe("listTaggedItems", () => {
  it("reads shape, the nearest docplan control around each, a container's OOXML, records and the edition", async () => {
    const tableXml = table("docplan:measure-table:3427", [["docplan:measure:T-01", "T-01"]]);
    setUp([
      { id: 1, tag: "docplan:measure-table:3427", text: "Nr.\x07T-01\r\x07", subtype: "RichTextTable", parent: null, ooxml: tableXml },
      { id: 2, tag: "docplan:measure:T-01", text: "T-01\x07", subtype: "RichTextTableRow", parent: 1 },
      { id: 3, tag: "kunde:ramme", text: "HM-1 …", subtype: "RichTextParagraphs", parent: null },
      { id: 4, tag: "docplan:goal:HM-1", text: "HM-1 jf. KP-3.2", subtype: "RichTextParagraphs", parent: 3, ooxml: "<hm1/>" },
      { id: 5, tag: "kunde:merke", text: "jf. KP-3.2", subtype: "RichTextInline", parent: 4 },
      { id: 6, tag: "docplan:kp-ref:3427:KP-3.2", text: "jf. KP-3.2", subtype: "RichTextInline", parent: 5 },
      { id: 7, tag: "docplan:goal:HM-9", text: "☐", subtype: "CheckBox", parent: null },
    ], [["docplan:measure:T-01", `${H.a} ${H.b}`]]);
    const { items, edition } = await word.listTaggedItems();
    assert.equal(edition, "3427");
    assert.deepEqual(items, [
      { id: 1, tag: "docplan:measure-table:3427", text: "Nr.\x07T-01\r\x07", shape: "block", parent: null, ooxml: tableXml },
      { id: 2, tag: "docplan:measure:T-01", text: "T-01\x07", shape: "row", parent: 1, hash: `${H.a} ${H.b}` },
      { id: 4, tag: "docplan:goal:HM-1", text: "HM-1 jf. KP-3.2", shape: "block", parent: null, ooxml: "<hm1/>" },
      { id: 6, tag: "docplan:kp-ref:3427:KP-3.2", text: "jf. KP-3.2", shape: "inline", parent: 4 },
      { id: 7, tag: "docplan:goal:HM-9", text: "☐", shape: null, parent: null },
    ]);
  });

  it("maps each subtype Word reports to the server's shape", () => {
    assert.deepEqual(word.SHAPES, {
      RichTextInline: "inline", PlainTextInline: "inline", RichTextParagraphs: "block", PlainTextParagraph: "block",
      RichText: "block", RichTextTable: "block", RichTextTableRow: "row", RichTextTableCell: "cell" });
  });
});

describe("refreshRequest", () => {
  const items = [
    { id: 1, tag: "docplan:measure-table:3427", text: "t", shape: "block", parent: null, ooxml: "<x/>", hash: H.a },
    { id: 2, tag: "docplan:measure:T-01", text: "r", shape: "row", parent: 1 },
    { id: 3, tag: "docplan:goal:HM-9", text: "☐", shape: null, parent: null },
  ];

  it("sends every control with a shape, its parent, hash and OOXML, and the edition", () => {
    assert.deepEqual(word.refreshRequest(items, "3427"), { edition: "3427", items: [
      { id: 1, tag: "docplan:measure-table:3427", shape: "block", text: "t", parent: null, hash: H.a, ooxml: "<x/>" },
      { id: 2, tag: "docplan:measure:T-01", shape: "row", text: "r", parent: 1 }] });
  });

  it("leaves out an edition that is not a municipality number, and forces only the one control asked for", () => {
    const request = word.refreshRequest(items, null, 1);
    assert.equal("edition" in request, false);
    assert.deepEqual(request.items.map((i) => i.force), [true, undefined]);
    assert.equal("edition" in word.refreshRequest(items, "all"), false);
  });
});

describe("replacementShape", () => {
  it("reads the shape from where the replacement's control sits", () => {
    assert.equal(word.replacementShape(block("docplan:goal:HM-1", "x"), "docplan:goal:HM-1"), "block");
    assert.equal(word.replacementShape(inline("docplan:kp-ref:3427:KP-3.2", "x"), "docplan:kp-ref:3427:KP-3.2"), "inline");
    assert.equal(word.replacementShape(row("docplan:measure:T-01", "x"), "docplan:measure:T-01"), "row");
    assert.equal(word.replacementShape(cell("docplan:measure:T-01", "x"), "docplan:measure:T-01"), "cell");
    assert.equal(word.replacementShape(table("docplan:measure-table:3427", [["docplan:measure:T-01", "x"]]),
      "docplan:measure-table:all"), "block");
  });

  it("gives null for another kind of item, no control, or what is not a package", () => {
    assert.equal(word.replacementShape(block("docplan:measure:T-01", "x"), "docplan:goal:HM-1"), null);
    assert.equal(word.replacementShape(pkg(para("x")), "docplan:goal:HM-1"), null);
    assert.equal(word.replacementShape("ikke xml <", "docplan:goal:HM-1"), null);
    assert.equal(word.replacementShape(block("kunde:x", "x"), "docplan:goal:HM-1"), null);
  });

  it("reads the replacement's text for the planner to compare", () => {
    assert.equal(word.replacementText(table("docplan:measure-table:3427", [["docplan:measure:T-01", "T-01"], ["docplan:measure:T-02", "T-02"]])),
      "T-01\nT-02");
    assert.equal(word.displayText("T-01\x07Tittel\x07\r\x07HM-1\r"), "T-01\nTittel\n\nHM-1");
  });
});

describe("refreshDocument («Oppdater alle»)", () => {
  it("applies only `apply` answers whose replacement has the control's shape; held, orphan and forbidden are counted", async () => {
    const records = setUp([
      { id: 1, tag: "docplan:goal:HM-2", text: "gammel", subtype: "RichTextParagraphs", parent: null },
      { id: 2, tag: "docplan:kp-ref:3427:KP-3.2", text: "jf. gammel", subtype: "RichTextInline", parent: null },
      { id: 3, tag: "docplan:goal:HM-3", text: "HM-3", subtype: "RichTextInline", parent: null },
      { id: 4, tag: "docplan:measure:T-20", text: "T-20", subtype: "RichTextTableRow", parent: null },
      { id: 5, tag: "docplan:goal:HM-1", text: "min tekst", subtype: "RichTextParagraphs", parent: null },
      { id: 6, tag: "docplan:goal:HM-4", text: "uten registrering", subtype: "RichTextParagraphs", parent: null },
      { id: 7, tag: "docplan:measure:T-99", text: "borte", subtype: "RichTextParagraphs", parent: null },
      { id: 8, tag: "docplan:measure:T-10", text: "Alvdals", subtype: "RichTextParagraphs", parent: null },
      { id: 9, tag: "docplan:goal:HM-5", text: "celle", subtype: "RichTextTableCell", parent: null },
    ], [["docplan:goal:HM-2", H.a], ["docplan:kp-ref:3427:KP-3.2", H.a]]);
    records[0].cannotEdit = true;
    const api = fakeApi([
      { id: 1, tag: "docplan:goal:HM-2", shape: "block", status: "stale", apply: true, ooxml: block("docplan:goal:HM-2", "HM-2 ny"), hashes: { "docplan:goal:HM-2": H.b } },
      { id: 2, tag: "docplan:kp-ref:3427:KP-3.2", shape: "inline", status: "stale", apply: true, ooxml: inline("docplan:kp-ref:3427:KP-3.2", "jf. ny"), hashes: { "docplan:kp-ref:3427:KP-3.2": H.c } },
      // a block for an inline control, a row and a cell: Word cannot take them in place of the control
      { id: 3, tag: "docplan:goal:HM-3", shape: "inline", status: "stale", apply: true, ooxml: block("docplan:goal:HM-3", "HM-3 ny") },
      { id: 4, tag: "docplan:measure:T-20", shape: "row", status: "stale", apply: true, ooxml: row("docplan:measure:T-20", "T-20 ny") },
      { id: 9, tag: "docplan:goal:HM-5", shape: "cell", status: "stale", apply: true, ooxml: cell("docplan:goal:HM-5", "ny") },
      { id: 5, tag: "docplan:goal:HM-1", shape: "block", status: "edited", apply: false, ooxml: block("docplan:goal:HM-1", "plan") },
      { id: 6, tag: "docplan:goal:HM-4", shape: "block", status: "unknown", apply: false, ooxml: block("docplan:goal:HM-4", "plan") },
      { id: 7, tag: "docplan:measure:T-99", shape: "block", status: "orphan", apply: false },
      { id: 8, tag: "docplan:measure:T-10", shape: "block", status: "forbidden", apply: false },
    ]);
    const result = await word.refreshDocument(api, "osterdalen", "3427", "nn");

    assert.equal(api.calls[0].request.edition, "3427");
    assert.equal(api.calls[0].lang, "nn");
    assert.deepEqual(ops("insertOoxml", "delete").map((e) => [e[0], e[1]]),
      [["insertOoxml", 1], ["delete", 1], ["insertOoxml", 2], ["delete", 2]]);
    assert.ok(ops("insertOoxml").every((e) => e[2] === "Before"));
    assert.deepEqual({ ...result, held: result.held.map((h) => [h.id, h.status]) }, {
      checked: 9, updated: 2, held: [[5, "edited"], [6, "unknown"]], orphans: 1, forbidden: 1, notApplied: 3,
      failed: 0, unrecorded: 0 });
    // both locks were cleared before the control went, and the new control has the old one's
    assert.deepEqual([records[0].cannotDelete, records[0].cannotEdit], [false, false]);
    assert.deepEqual(ops("lock").map((e) => e.slice(1)), [["docplan:goal:HM-2", "cannotDelete", true],
      ["docplan:goal:HM-2", "cannotEdit", true], ["docplan:kp-ref:3427:KP-3.2", "cannotDelete", true],
      ["docplan:kp-ref:3427:KP-3.2", "cannotEdit", false]]);
    // one Word.run and one state write for the whole refresh, edition kept
    assert.equal(ops("Word.run").length, 1);
    assert.equal(ops("addPart").length, 1);
    assert.ok(ops("addPart")[0][2].includes('municipality="3427"'));
    const state = await recorded();
    assert.ok(state["docplan:goal:HM-2"].includes(H.a) && state["docplan:goal:HM-2"].includes(H.b));
    assert.ok(state["docplan:goal:HM-2"].includes(await word.textHash("HM-2 ny")), "Word's text of the new control");
    assert.ok(state["docplan:kp-ref:3427:KP-3.2"].includes(H.c));
    assert.equal(state["docplan:goal:HM-1"], undefined);
  });

  it("replaces the others when Word refuses one, and puts that one back as it was", async () => {
    const records = setUp([
      { id: 1, tag: "docplan:goal:HM-1", text: "a", subtype: "RichTextParagraphs", parent: null, refuse: "insert" },
      { id: 2, tag: "docplan:goal:HM-2", text: "b", subtype: "RichTextParagraphs", parent: null },
      { id: 3, tag: "docplan:goal:HM-3", text: "c", subtype: "RichTextParagraphs", parent: null, refuse: "delete" },
    ]);
    const api = fakeApi(["HM-1", "HM-2", "HM-3"].map((id, n) => ({
      id: n + 1, tag: `docplan:goal:${id}`, shape: "block", status: "stale", apply: true,
      ooxml: block(`docplan:goal:${id}`, `${id} ny`), hashes: { [`docplan:goal:${id}`]: [H.a, H.b, H.c][n] } })));
    const result = await word.refreshDocument(api, "osterdalen", "3427", "nb");

    assert.equal(result.updated, 1);
    assert.equal(result.failed, 2);
    assert.deepEqual(ops("delete").map((e) => e[1]), [2]);
    // the copy inserted before HM-3 went again, and both refused controls are locked as before
    assert.deepEqual(ops("deleteRange").map((e) => e[1]), [3]);
    assert.deepEqual(records.map((r) => r.cannotDelete), [true, false, true]);
    assert.equal(ops("addPart").length, 1);
    const state = await recorded();
    assert.deepEqual(Object.keys(state).sort(), ["docplan:goal:HM-2"]);
  });

  it("replaces a table once, as a whole; the row kept inside it is held and its text never recorded", async () => {
    const tableNow = table("docplan:measure-table:3427", [["docplan:measure:T-01", "T-01 gammel"], ["docplan:measure:T-05", "T-05 Karis"]]);
    const tableNew = table("docplan:measure-table:3427", [["docplan:measure:T-01", "T-01 ny"], ["docplan:measure:T-05", "T-05 Karis"]]);
    const rowNow = pkg(`<w:tbl>${sdt("docplan:measure:T-01", `<w:tr><w:tc><w:p>${sdt("docplan:kp-ref:3427:KP-3.2", run("jf."))}</w:p></w:tc></w:tr>`)}</w:tbl>`);
    setUp([
      { id: 1, tag: "docplan:measure-table:3427", text: "T-01 gammel\x07T-05 Karis\x07", subtype: "RichTextTable", parent: null, ooxml: tableNow },
      { id: 2, tag: "docplan:measure:T-01", text: "T-01 gammel\x07", subtype: "RichTextTableRow", parent: 1, ooxml: rowNow },
      { id: 3, tag: "docplan:kp-ref:3427:KP-3.2", text: "jf.", subtype: "RichTextInline", parent: 2 },
      { id: 4, tag: "docplan:measure:T-05", text: "T-05 Karis\x07", subtype: "RichTextTableRow", parent: 1 },
    ], [["docplan:measure-table:3427", H.a], ["docplan:measure:T-01", H.a], ["docplan:measure:T-05", H.b]]);
    const api = fakeApi([
      { id: 1, tag: "docplan:measure-table:3427", shape: "block", status: "stale", apply: true, ooxml: tableNew,
        held: ["docplan:measure:T-05"], updated: ["docplan:measure-table:3427", "docplan:measure:T-01"],
        hashes: { "docplan:measure-table:3427": H.c, "docplan:measure:T-01": H.d } },
      // an answer for a control inside the table being replaced is not applied on its own
      { id: 3, tag: "docplan:kp-ref:3427:KP-3.2", shape: "inline", status: "stale", apply: true, ooxml: inline("docplan:kp-ref:3427:KP-3.2", "jf. ny") },
    ]);
    const result = await word.refreshDocument(api, "osterdalen", "3427", "nb");

    const sent = api.calls[0].request.items;
    assert.deepEqual(sent.map((i) => [i.id, i.shape, i.parent, Boolean(i.ooxml), i.hash ?? null]),
      [[1, "block", null, true, H.a], [2, "row", 1, true, H.a], [3, "inline", 2, false, null], [4, "row", 1, false, H.b]]);
    assert.deepEqual(ops("insertOoxml", "delete").map((e) => [e[0], e[1]]), [["insertOoxml", 1], ["delete", 1]]);
    assert.equal(result.updated, 1);
    assert.equal(result.notApplied, 0);
    assert.deepEqual(result.held.map((h) => [h.id, h.status, h.target, h.targetTag]),
      [[4, "edited", 1, "docplan:measure-table:3427"]]);
    const state = await recorded();
    assert.deepEqual(state["docplan:measure:T-05"], [H.b], "the planner's row is not recorded as docplan's");
    assert.ok(state["docplan:measure:T-01"].includes(H.d) && state["docplan:measure:T-01"].includes(await word.textHash("T-01 ny")));
    assert.ok(state["docplan:measure-table:3427"].includes(H.c));
  });

  it("lists a container kept because of what is inside it, and sends nothing to Word when nothing applies", async () => {
    setUp([
      { id: 1, tag: "docplan:goal:HM-2", text: "HM-2 jf.", subtype: "RichTextParagraphs", parent: null, ooxml: "<hm2/>" },
      { id: 2, tag: "docplan:kp-ref:3427:KP-4.1", text: "jf.", subtype: "RichTextInline", parent: 1 },
    ], [["docplan:goal:HM-2", H.a]]);
    const api = fakeApi([{ id: 1, tag: "docplan:goal:HM-2", shape: "block", status: "stale", apply: false,
      held: ["docplan:goal:HM-2", "docplan:kp-ref:3427:KP-4.1"] }]);
    const result = await word.refreshDocument(api, "osterdalen", "3427", "nb");
    assert.deepEqual(result.held.map((h) => [h.id, h.status, h.target]), [[1, "children", 1], [2, "unknown", 2]]);
    assert.equal(result.updated, 0);
    assert.deepEqual(ops("insertOoxml", "delete", "addPart"), []);
  });
});

describe("«Overskriv likevel»", () => {
  const specs = () => [
    { id: 1, tag: "docplan:measure-table:3427", text: "T-05 Karis\x07", subtype: "RichTextTable", parent: null, ooxml: "<table/>" },
    { id: 2, tag: "docplan:measure:T-05", text: "T-05 Karis\x07", subtype: "RichTextTableRow", parent: 1 },
    { id: 3, tag: "docplan:goal:HM-3", text: "uten registrering", subtype: "RichTextParagraphs", parent: null },
  ];

  it("rebuilds a held row through its table: the table and what is inside it are sent, only the table forced", async () => {
    setUp(specs(), [["docplan:measure:T-05", H.b]]);
    const tableNew = table("docplan:measure-table:3427", [["docplan:measure:T-05", "T-05 fra planen"]]);
    const api = fakeApi([{ id: 1, tag: "docplan:measure-table:3427", shape: "block", status: "stale", apply: true,
      ooxml: tableNew, hashes: { "docplan:measure:T-05": H.c } }]);
    const entry = { id: 2, tag: "docplan:measure:T-05", status: "edited", target: 1, targetTag: "docplan:measure-table:3427" };
    const prepared = await word.prepareOverwrite(api, "osterdalen", "3427", "nb", entry);

    assert.deepEqual(api.calls[0].request, { edition: "3427", items: [
      { id: 1, tag: "docplan:measure-table:3427", shape: "block", text: "T-05 Karis\x07", parent: null, ooxml: "<table/>", force: true },
      { id: 2, tag: "docplan:measure:T-05", shape: "row", text: "T-05 Karis\x07", parent: 1, hash: H.b }] });
    assert.equal(prepared.current, "T-05 Karis");
    assert.equal(prepared.proposed, "T-05 fra planen");
    assert.deepEqual(ops("insertOoxml", "delete"), [], "nothing changes before the planner confirms");

    const done = await word.applyOverwrite(prepared.target, prepared.answer);
    assert.deepEqual(done, { replaced: true, recorded: true, shapeDiffers: false });
    assert.deepEqual(ops("insertOoxml", "delete").map((e) => [e[0], e[1]]), [["insertOoxml", 1], ["delete", 1]]);
    assert.ok((await recorded())["docplan:measure:T-05"].includes(H.c));
  });

  it("never applies a forced answer that Word cannot take in the control's place", async () => {
    setUp(specs());
    const api = fakeApi([{ id: 3, tag: "docplan:goal:HM-3", shape: "block", status: "unknown", apply: false,
      ooxml: inline("docplan:goal:HM-3", "HM-3") }]);
    const entry = { id: 3, tag: "docplan:goal:HM-3", status: "unknown", target: 3, targetTag: "docplan:goal:HM-3" };
    const prepared = await word.prepareOverwrite(api, "osterdalen", "3427", "nb", entry);
    assert.equal(api.calls[0].request.items.length, 1);
    assert.deepEqual(await word.applyOverwrite(prepared.target, prepared.answer),
      { replaced: false, recorded: true, shapeDiffers: true });
    assert.deepEqual(ops("insertOoxml", "delete", "addPart"), []);
  });

  it("reports a control that is gone or is another one now", async () => {
    setUp(specs());
    const api = fakeApi([]);
    assert.deepEqual(await word.prepareOverwrite(api, "p", "3427", "nb", { id: 9, target: 9, targetTag: "docplan:goal:HM-9" }),
      { found: false });
    assert.deepEqual(await word.prepareOverwrite(api, "p", "3427", "nb", { id: 3, target: 3, targetTag: "docplan:goal:HM-1" }),
      { found: false });
    assert.equal(api.calls.length, 0);
  });
});

describe("an item gone before «Oppdater alle» reaches it", () => {
  it("is counted as failed (getByIdOrNullObject), and the others are still replaced", async () => {
    const records = setUp([
      { id: 1, tag: "docplan:goal:HM-1", text: "a", subtype: "RichTextParagraphs", parent: null },
      { id: 2, tag: "docplan:goal:HM-2", text: "b", subtype: "RichTextParagraphs", parent: null },
    ], [["docplan:goal:HM-1", H.a], ["docplan:goal:HM-2", H.a]]);
    // the planner deletes HM-1 while the server is answering
    const api = fakeApi((request) => {
      records[0].deleted = true;
      return request.items.map((i) => ({ id: i.id, tag: i.tag, shape: "block", status: "stale", apply: true,
        ooxml: block(i.tag, `${i.tag} ny`), hashes: { [i.tag]: H.b } }));
    });
    const result = await word.refreshDocument(api, "osterdalen", "3427", "nb");
    assert.deepEqual([result.updated, result.failed], [1, 1]);
    assert.deepEqual(ops("delete").map((e) => e[1]), [2]);
  });
});

describe("statusList («I dokumentet»)", () => {
  const items = [
    { id: 1, tag: "docplan:measure-table:3427", text: "t", shape: "block", parent: null, ooxml: "<t/>", hash: H.a },
    { id: 2, tag: "docplan:measure:T-01", text: "r1", shape: "row", parent: 1, hash: H.a },
    { id: 3, tag: "docplan:measure:T-05", text: "r5", shape: "row", parent: 1, hash: H.b },
    { id: 4, tag: "docplan:measure:T-07", text: "r7", shape: "row", parent: 1 },
    { id: 5, tag: "docplan:goal:HM-1", text: "min tekst", shape: "block", parent: null, hash: H.c },
    { id: 6, tag: "docplan:goal:HM-2", text: "HM-2", shape: "block", parent: null },
    { id: 7, tag: "docplan:goal:HM-3", text: "HM-3", shape: "block", parent: null },
    { id: 8, tag: "docplan:measure:T-99", text: "borte", shape: "block", parent: null },
    { id: 9, tag: "docplan:goal:HM-9", text: "☐", shape: null, parent: null },
  ];
  const answers = [
    { id: 1, tag: "docplan:measure-table:3427", shape: "block", status: "stale", apply: true, ooxml: "<new/>",
      held: ["docplan:measure:T-05"], updated: ["docplan:measure-table:3427", "docplan:measure:T-01"] },
    { id: 5, tag: "docplan:goal:HM-1", shape: "block", status: "edited", apply: false },
    { id: 6, tag: "docplan:goal:HM-2", shape: "block", status: "unknown", apply: false },
    { id: 8, tag: "docplan:measure:T-99", shape: "block", status: "orphan", apply: false },
  ];

  it("gives every control with a shape its status, rows through their table", () => {
    const list = word.statusList(items, answers);
    assert.deepEqual(list.map((e) => [e.id, e.status, e.depth]), [[1, "stale", 0], [2, "stale", 1], [3, "edited", 1],
      [4, "current", 1], [5, "edited", 0], [6, "unknown", 0], [7, "current", 0], [8, "orphan", 0]]);
  });

  it("marks what «Overskriv likevel» rebuilds: a held row through its table, a block itself", () => {
    const list = word.statusList(items, answers);
    const held = Object.fromEntries(list.filter((e) => e.held).map((e) => [e.id, [e.held.target, e.held.targetTag]]));
    assert.deepEqual(held, { 3: [1, "docplan:measure-table:3427"], 5: [5, "docplan:goal:HM-1"], 6: [6, "docplan:goal:HM-2"] });
  });

  it("reads the document and asks the server without changing anything", async () => {
    setUp([
      { id: 1, tag: "docplan:goal:HM-1", text: "min tekst", subtype: "RichTextParagraphs", parent: null },
      { id: 2, tag: "docplan:goal:HM-2", text: "HM-2", subtype: "RichTextParagraphs", parent: null },
    ], [["docplan:goal:HM-1", H.a]]);
    const api = fakeApi([{ id: 1, tag: "docplan:goal:HM-1", shape: "block", status: "edited", apply: false }]);
    const list = await word.documentStatus(api, "osterdalen", "3427", "nn");
    assert.deepEqual(list.map((e) => [e.tag, e.status]), [["docplan:goal:HM-1", "edited"], ["docplan:goal:HM-2", "current"]]);
    assert.equal(api.calls[0].lang, "nn");
    assert.deepEqual(ops("insertOoxml", "delete", "addPart", "deletePart"), []);
  });

  it("asks nothing of the server for a document without docplan content", async () => {
    setUp([]);
    const api = fakeApi([]);
    assert.deepEqual(await word.documentStatus(api, "osterdalen", "3427", "nb"), []);
    assert.equal(api.calls.length, 0);
  });
});
