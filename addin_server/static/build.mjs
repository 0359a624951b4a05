// Build the task pane into dist/: one ES2017 script and one stylesheet, each named by a hash of its
// content, an ES5 start-up check (support.js) that shows a clear message where the bundle cannot run
// (Office before 2019/2021 shows add-ins in Internet Explorer 11), and taskpane.html naming them.
//
//   node build.mjs           write dist/ (the folder is committed: `docplan serve` needs no Node.js)
//   node build.mjs --check   fail when dist/ differs from what the sources build to (npm test, CI)
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(HERE, "src", "taskpane");
const DIST = path.join(HERE, "dist");
/** Browsers of the supported hosts: Microsoft 365 (Edge WebView2), Office 2021, Word on the web. */
export const TARGET = "es2017";

const hashed = (name, ext, text) => `${name}-${createHash("sha256").update(text).digest("hex").slice(0, 10)}.${ext}`;

/** Return {file name → text} of everything dist/ must hold. */
export async function build() {
  const common = { bundle: true, write: false, logLevel: "silent", legalComments: "none", charset: "utf8" };
  const [script, style, support] = await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(SRC, "taskpane.js")], format: "iife", target: TARGET }),
    esbuild.build({ ...common, entryPoints: [path.join(SRC, "taskpane.css")], target: ["chrome80"] }),
    // written in ES5 by hand; target es5 makes esbuild refuse anything newer
    esbuild.build({ ...common, entryPoints: [path.join(SRC, "support.js")], format: "iife", target: "es5" }),
  ]);
  const files = {};
  const names = {};
  for (const [key, result, ext] of [["taskpane.js", script, "js"], ["taskpane.css", style, "css"],
    ["support.js", support, "js"]]) {
    const text = result.outputFiles[0].text;
    names[key] = hashed(key.replace(/\.\w+$/, ""), ext, text);
    files[names[key]] = text;
  }
  let html = await readFile(path.join(SRC, "taskpane.html"), "utf8");
  for (const [source, built] of Object.entries(names)) {
    const reference = new RegExp(`(src|href)="${source.replace(".", "\\.")}"`, "g");
    if (!reference.test(html)) throw new Error(`taskpane.html does not reference ${source}`);
    html = html.replace(reference, `$1="${built}"`);
  }
  files["taskpane.html"] = html;
  return files;
}

async function current() {
  const out = {};
  let names = [];
  try {
    names = await readdir(DIST);
  } catch {
    return out;
  }
  for (const name of names) out[name] = await readFile(path.join(DIST, name), "utf8");
  return out;
}

async function main() {
  const wanted = await build();
  if (process.argv.includes("--check")) {
    const have = await current();
    const differ = [...new Set([...Object.keys(wanted), ...Object.keys(have)])]
      .filter((name) => wanted[name] !== have[name]).sort();
    if (differ.length) {
      console.error(`dist/ is not what the sources build to (${differ.join(", ")}): run \`npm run build\` ` +
        "in addin_server/static and commit dist/");
      process.exit(1);
    }
    console.log(`dist/ is up to date (${Object.keys(wanted).length} files)`);
    return;
  }
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });
  for (const [name, text] of Object.entries(wanted)) await writeFile(path.join(DIST, name), text);
  console.log(`wrote ${Object.keys(wanted).sort().map((n) => `dist/${n}`).join(", ")}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
