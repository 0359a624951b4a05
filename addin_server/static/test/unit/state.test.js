// docplan's state part (urn:docplan:state:1) read and written through the Common API, its edition
// municipality, the text hash shared with docplan.ooxml.text.text_hash, and what an insert records.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { DOMParser } from "@xmldom/xmldom";
import mock from "office-addin-mock";

import * as word from "../../src/taskpane/word.js";
import { customXmlParts, freshOfficeEachTest, officeMock } from "./office_parts.js";

const { OfficeMockObject } = mock;
globalThis.DOMParser = DOMParser;

const NS = "urn:docplan:state:1";
const stateXml = (items) =>
  `<state xmlns="${NS}">${items.map(([tag, hash]) => `<item tag="${tag}" hash="${hash}"/>`).join("")}</state>`;

// Values computed by docplan.ooxml.text.text_hash (Python).
const PY = {
  "": "e3b0c44298fc1c14",
  Tiltak: "fd60019d102d4804",
  "  Tiltak\n\tT-01 \u00a0 Ungdata\u2003": "1d52a9f1b5b9cc39",
  "Æøå – «sitat»\r\nlinje\x1c2\x85": "74053d050810cbc4",
  original: "0682c5f2076f099c",
  "gammel tekst": "d2800b35432d5a83",
  "endret for hånd": "006d73817d2d45ce",
};


// A collection returned by a method is outside the mock's tree, so it tracks load itself.
function collection(items) {
  let loaded = false;
  return {
    load() { loaded = true; return this; },
    get items() { if (!loaded) throw new Error("items read before load()"); return items; },
  };
}

// What Word returns for an absent parent (a table or content control): a null object.
const NULL = { isNullObject: true, load() { return this; } };

// A content control around the cursor, its own parent `up` (or none).
function around(tag, up = NULL) {
  return { isNullObject: false, id: 7, tag, parentContentControlOrNullObject: up, load() { return this; } };
}

// Word with a selection only: inserting there gives the controls `inserted`. The cursor may be in a
// table (`inTable`) and inside a content control (`control`, from `around`).
function wordMock(log, inserted = [], { inTable = false, control = NULL } = {}) {
  return new OfficeMockObject({
    context: {
      document: {
        getSelection() {
          return {
            parentTableOrNullObject: inTable ? { isNullObject: false, load() { return this; } } : NULL,
            parentContentControlOrNullObject: control,
            insertOoxml: (xml, loc) => { log.push(["insert-at-cursor", loc, xml]); return { contentControls: collection(inserted) }; },
          };
        },
      },
    },
    run: async function (callback) { return callback(this.context); },
  });
}

const office = freshOfficeEachTest(beforeEach);

describe("textHash", () => {
  for (const [text, expected] of Object.entries(PY)) {
    it(`equals docplan's text_hash for ${JSON.stringify(text)}`, async () => {
      assert.equal(await word.textHash(text), expected);
    });
  }

  it("normalises whitespace like re.sub(r'\\s+', ' ', text).strip()", () => {
    assert.equal(word.normaliseText(" \u3000a \t\r\n b\u2028"), "a b");
    assert.equal(word.normaliseText("a\ufeffb"), "a\ufeffb", "U+FEFF is not whitespace in Python");
  });
});

describe("parseState / serializeState", () => {
  it("reads tag → hashes, several per tag, and ignores anything that is not a hash", () => {
    const { state, edition } = word.parseState(stateXml([["docplan:goal:HM-1", "0682c5f2076f099c d2800b35432d5a83"],
      ["docplan:measure:T-01", "not-a-hash"], ["docplan:measure:T-02", "006d73817d2d45ce"]]));
    assert.deepEqual([...state], [["docplan:goal:HM-1", ["0682c5f2076f099c", "d2800b35432d5a83"]],
      ["docplan:measure:T-02", ["006d73817d2d45ce"]]]);
    assert.equal(edition, null);
  });

  it("reads the edition municipality from the root, and only a four-digit number", () => {
    assert.equal(word.parseState(`<state xmlns="${NS}" municipality="3427"/>`).edition, "3427");
    assert.equal(word.parseState(`<state xmlns="${NS}" municipality="all"/>`).edition, null);
  });

  it("gives an empty state for another namespace, another root or broken XML", () => {
    assert.equal(word.parseState('<state xmlns="urn:other"><item tag="a" hash="0682c5f2076f099c"/></state>').state.size, 0);
    assert.equal(word.parseState(`<other xmlns="${NS}" municipality="3427"/>`).state.size, 0);
    assert.equal(word.parseState(`<other xmlns="${NS}" municipality="3427"/>`).edition, null);
    assert.equal(word.parseState("").state.size, 0);
  });

  it("round-trips with tags sorted, attributes escaped and the edition kept", () => {
    const state = new Map([["docplan:measure:T-02", ["006d73817d2d45ce"]], ['docplan:goal:"&<', ["0682c5f2076f099c"]]]);
    const xml = word.serializeState(state, "3427");
    assert.ok(xml.startsWith(`<state xmlns="${NS}" municipality="3427"><item tag="docplan:goal:&quot;&amp;&lt;"`));
    const parsed = word.parseState(xml);
    assert.deepEqual([...parsed.state], [...state].sort());
    assert.equal(parsed.edition, "3427");
    assert.ok(!word.serializeState(state).includes("municipality"));
  });
});

describe("readState / recordHashes", () => {
  it("reads the union of every state part through customXmlParts.getByNamespaceAsync", async () => {
    globalThis.Office = officeMock(customXmlParts([stateXml([["docplan:goal:HM-1", PY.original]]),
      stateXml([["docplan:goal:HM-1", PY.Tiltak], ["docplan:goal:HM-2", PY[""]]]), "<other/>"], office.log));
    const { state, parts: found } = await word.readState();
    assert.equal(found.length, 2);
    assert.deepEqual(Object.fromEntries(state), { "docplan:goal:HM-1": [PY.original, PY.Tiltak], "docplan:goal:HM-2": [PY[""]] });
  });

  it("creates the part when the document has none", async () => {
    await word.recordHashes({ "docplan:measure:T-01": PY.original });
    assert.deepEqual(office.log, [["addPart", "part1", stateXml([["docplan:measure:T-01", PY.original]])]]);
  });

  it("updates by adding the merged part first, then deleting the old one", async () => {
    globalThis.Office = officeMock(customXmlParts([stateXml([["docplan:goal:HM-1", PY.original]])], office.log));
    await word.recordHashes({ "docplan:goal:HM-1": `${PY.Tiltak} junk`, "docplan:goal:HM-2": [PY[""]] });
    assert.deepEqual(office.log.map((e) => e.slice(0, 2)), [["addPart", "part2"], ["deletePart", "part1"]]);
    const { state } = await word.readState();
    assert.deepEqual(Object.fromEntries(state), { "docplan:goal:HM-1": [PY.original, PY.Tiltak], "docplan:goal:HM-2": [PY[""]] });
  });

  it("keeps the edition municipality when it rewrites the part", async () => {
    globalThis.Office = officeMock(customXmlParts([`<state xmlns="${NS}" municipality="3427"><item tag="docplan:goal:HM-1" hash="${PY.original}"/></state>`], office.log));
    await word.recordHashes({ "docplan:goal:HM-2": PY.Tiltak });
    const { state, edition, parts: found } = await word.readState();
    assert.equal(edition, "3427");
    assert.equal(found.length, 1);
    assert.deepEqual([...state.keys()], ["docplan:goal:HM-1", "docplan:goal:HM-2"]);
  });

  it("queues writes so two quick inserts keep both records", async () => {
    await Promise.all([word.recordHashes({ "docplan:goal:HM-1": PY.original }),
      word.recordHashes({ "docplan:goal:HM-2": PY.Tiltak })]);
    const { state, parts: found } = await word.readState();
    assert.equal(found.length, 1);
    assert.deepEqual([...state.keys()], ["docplan:goal:HM-1", "docplan:goal:HM-2"]);
  });
});

describe("insertSnippet records what it inserted", () => {
  it("records the server's hashes and the hash of each inserted control's text as Word shows it", async () => {
    globalThis.Word = wordMock(office.log, [{ tag: "docplan:measure-table:all", text: "Tiltak" },
      { tag: "docplan:measure:T-01", text: "original" }, { tag: "kunde:x", text: "annet" }]);
    const { inserted, recorded, refused } = await word.insertSnippet("<pkg:package/>", { "docplan:measure-table:all": PY[""] });
    assert.equal(recorded, true);
    assert.equal(refused, null);
    assert.deepEqual(inserted.map((c) => c.tag), ["docplan:measure-table:all", "docplan:measure:T-01"]);
    assert.deepEqual(office.log[0], ["insert-at-cursor", "Replace", "<pkg:package/>"]);
    const { state } = await word.readState();
    assert.deepEqual(Object.fromEntries(state), {
      "docplan:measure-table:all": [PY[""], PY.Tiltak], "docplan:measure:T-01": [PY.original] });
  });
});

describe("insertSnippet when Word refuses the custom XML part", () => {
  it("still inserts, and reports the item as not recorded", async () => {
    office.parts.addAsync = (xml, cb) => cb({ status: "failed", error: new Error("CustomXmlParts not supported") });
    globalThis.Word = wordMock(office.log, [{ tag: "docplan:goal:HM-1", text: "Mål" }]);
    const { inserted, recorded } = await word.insertSnippet("<pkg:package/>", {});
    assert.equal(recorded, false);
    assert.deepEqual(inserted.map((c) => [c.tag, c.text]), [["docplan:goal:HM-1", "Mål"]]);
    assert.deepEqual(office.log, [["insert-at-cursor", "Replace", "<pkg:package/>"]]);
  });
});

describe("insertSnippet where the cursor is", () => {
  const inserted = [{ tag: "docplan:goal:HM-1", text: "Mål" }];

  it("refuses a block in a table (it would nest a table or split the cell) and records nothing", async () => {
    globalThis.Word = wordMock(office.log, inserted, { inTable: true });
    const result = await word.insertSnippet("<pkg:package/>", { "docplan:goal:HM-1": PY.original });
    assert.deepEqual(result, { refused: "table", inserted: [], recorded: false });
    assert.deepEqual(office.log, []);
  });

  it("puts an inline reference into a table cell", async () => {
    globalThis.Word = wordMock(office.log, [{ tag: "docplan:kp-ref:3427:KP-3.2", text: "jf. KP-3.2" }], { inTable: true });
    const result = await word.insertSnippet("<pkg:package/>", {}, { inline: true });
    assert.equal(result.refused, null);
    assert.deepEqual(office.log.map((e) => e[0]), ["insert-at-cursor", "addPart"]);
  });

  it("never puts a docplan control inside another, even with another add-in's control between them", async () => {
    for (const control of [around("docplan:measure:T-01"), around("kunde:ramme", around("docplan:goal:HM-2"))]) {
      globalThis.Word = wordMock(office.log, inserted, { control });
      const result = await word.insertSnippet("<pkg:package/>", {}, { inline: true });
      assert.equal(result.refused, "control");
    }
    assert.deepEqual(office.log, []);
  });

  it("inserts inside another add-in's control", async () => {
    globalThis.Word = wordMock(office.log, inserted, { control: around("kunde:ramme") });
    const result = await word.insertSnippet("<pkg:package/>", {});
    assert.equal(result.refused, null);
    assert.equal(office.log[0][0], "insert-at-cursor");
  });
});

describe("without the CustomXmlParts requirement set", () => {
  it("reads an empty record and reports an insert as not recorded, without touching custom XML parts", async () => {
    globalThis.Office = officeMock(customXmlParts([stateXml([["docplan:goal:HM-1", PY.original]])], office.log),
      { WordApi: "1.3" });
    assert.equal((await word.readState()).state.size, 0);
    globalThis.Word = wordMock(office.log, inserted());
    const { recorded } = await word.insertSnippet("<pkg:package/>", {});
    assert.equal(recorded, false);
    assert.deepEqual(office.log.map((e) => e[0]), ["insert-at-cursor"]);
  });

  function inserted() {
    return [{ tag: "docplan:goal:HM-1", text: "Mål" }];
  }
});
