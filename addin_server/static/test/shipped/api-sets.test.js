// Every Word API member the pane calls is in the set the manifest requires (WordApi 1.3), or is called only
// behind a run-time wordApi("1.x") check in the same function; none needs a desktop- or web-only set.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

import { audit, compilerOptions } from "./api-sets.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = path.join(ROOT, "src", "taskpane");
const { options } = compilerOptions(ROOT);
const sources = readdirSync(SRC).filter((f) => f.endsWith(".js") && f !== "support.js").map((f) => path.join(SRC, f));

describe("Word API requirement sets", () => {
  const { uses, problems } = audit(sources, options);

  it("needs nothing beyond WordApi 1.3 without a run-time check", () => {
    assert.deepEqual(problems, []);
  });

  it("reads the sets from the typings (comments need 1.4, paragraph events 1.6)", () => {
    const setOf = (member) => new Set(uses.filter((u) => u.member === member).map((u) => u.set));
    assert.deepEqual(setOf("getComments"), new Set(["WordApi 1.4"]));
    assert.deepEqual(setOf("insertComment"), new Set(["WordApi 1.4"]));
    assert.deepEqual(setOf("onParagraphChanged"), new Set(["WordApi 1.6"]));
    assert.deepEqual(setOf("getByIdOrNullObject"), new Set(["WordApi 1.3"]));
    assert.deepEqual(setOf("parentTableOrNullObject"), new Set(["WordApi 1.3"]));
    assert.ok(uses.length > 40, `only ${uses.length} uses found`);
  });

  it("finds an unguarded call, and a call guarded for too low a version", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "docplan-api-sets-"));
    const file = path.join(dir, "bad.js");
    writeFileSync(file, `
      const wordApi = (v) => Office.context.requirements.isSetSupported("WordApi", v);
      export async function unguarded() {
        await Word.run(async (context) => { context.document.body.getComments(); await context.sync(); });
      }
      export async function tooLow() {
        if (!wordApi("1.4")) return;
        await Word.run(async (context) => { context.document.onParagraphChanged.add(async () => {}); });
      }
      export async function guarded() {
        if (!wordApi("1.4")) return;
        await Word.run(async (context) => { context.document.body.getComments(); });
      }`);
    const found = audit([file], options).problems.map((p) => [p.member, p.set]);
    assert.deepEqual(found, [["getComments", "WordApi 1.4"], ["onParagraphChanged", "WordApi 1.6"]]);
  });
});
