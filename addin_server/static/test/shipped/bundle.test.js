// What the server serves (dist/) is what the sources build to, parses as ES2017 (the start-up check as
// ES5), and the page loads nothing but its own files and Microsoft's office.js.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import * as acorn from "acorn";

import { build } from "../../build.mjs";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist");
const OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const read = (name) => readFileSync(path.join(DIST, name), "utf8");
const html = read("taskpane.html");
const referenced = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
const local = referenced.filter((r) => !r.startsWith("https://"));
const parses = (text, ecmaVersion) => {
  try {
    acorn.parse(text, { ecmaVersion, sourceType: "script" });
    return true;
  } catch {
    return false;
  }
};

describe("the built pane", () => {
  it("is what the sources build to (run `npm run build` and commit dist/ after a change)", async () => {
    const wanted = await build();
    assert.deepEqual(readdirSync(DIST).sort(), Object.keys(wanted).sort());
    for (const [name, text] of Object.entries(wanted)) assert.equal(read(name), text, name);
  });

  it("names its script and stylesheet by a hash of their content", () => {
    assert.deepEqual(local.map((r) => r.replace(/-[0-9a-f]{10}\./, "-#.")), ["taskpane-#.css", "support-#.js", "taskpane-#.js"]);
    for (const name of local) assert.ok(readdirSync(DIST).includes(name), name);
  });

  it("is one script that parses as ES2017, and a start-up check that parses as ES5", () => {
    const script = local.find((r) => r.startsWith("taskpane-") && r.endsWith(".js"));
    const support = local.find((r) => r.startsWith("support-"));
    assert.ok(parses(read(script), 2017), "the pane's script is not ES2017");
    assert.ok(parses(read(support), 5), "support.js is not ES5");
    assert.ok(!/^\s*(import|export)\s/m.test(read(script)), "the bundle must not need ES modules");
    // the check can fail: newer syntax is refused
    assert.equal(parses("const o = { ...a };", 2017), false);
    assert.equal(parses("a ??= b;", 2017), false);
    assert.equal(parses("const f = async () => 1;", 5), false);
  });

  it("loads only office.js from elsewhere, and has no inline script or style", () => {
    assert.deepEqual(referenced.filter((r) => r.startsWith("http")), [OFFICE_JS]);
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "inline script");
    assert.ok(!/<style|\sstyle=/.test(html), "inline style");
  });
});
