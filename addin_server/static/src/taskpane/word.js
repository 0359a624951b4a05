// Word.run functions of the task pane; they use only the globals Office and Word, so the unit
// tests can replace both with office-addin-mock objects.

const SLICE_SIZE = 4 * 1024 * 1024;
const TAG_PREFIX = "docplan:";
export const STATE_NS = "urn:docplan:state:1";

// -- docplan state: what docplan inserted, to notice a planner's manual edits ------------------------
// The document keeps a custom XML part <state xmlns="urn:docplan:state:1"><item tag="…" hash="…"/>
// </state> (docplan/state.py writes the same part). `hash` is textHash() of a control's text as
// docplan wrote it; several distinct hashes are separated by spaces. Rule: a control whose text
// matches none of its tag's recorded hashes was edited by hand and is never replaced; a control
// with no record at all is "unknown" and is only replaced after the planner confirms.

// Python's `\s` (str patterns) exactly, so normaliseText() equals docplan.ooxml.sdt's normalisation.
const WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const HASH = /^[0-9a-f]{16}$/;

/** Return `text` with whitespace runs as one space, trimmed: `re.sub(r"\s+", " ", text).strip()`. */
export function normaliseText(text) {
  return String(text ?? "").replace(WHITESPACE, " ").replace(/^ /, "").replace(/ $/, "");
}

/** Return docplan's text fingerprint: sha256 of the normalised UTF-8 text, first 16 hex digits. */
export async function textHash(text) {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(normaliseText(text)));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Return tag → [hash, …] from the XML of a state part (an empty Map for anything else). */
export function parseState(xml) {
  const state = new Map();
  let doc;
  try {
    doc = new DOMParser().parseFromString(String(xml ?? ""), "application/xml");
  } catch {
    return state;
  }
  const root = doc && doc.documentElement;
  if (!root || root.namespaceURI !== STATE_NS || root.localName !== "state") return state;
  for (const item of Array.from(root.getElementsByTagNameNS(STATE_NS, "item"))) {
    const tag = item.getAttribute("tag");
    const hashes = (item.getAttribute("hash") || "").split(/\s+/).filter((h) => HASH.test(h));
    if (tag && hashes.length) addHashes(state, tag, hashes);
  }
  return state;
}

function addHashes(state, tag, hashes) {
  const known = state.get(tag) || [];
  for (const h of hashes) if (!known.includes(h)) known.push(h);
  state.set(tag, known);
}

function escapeAttribute(value) {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Return the XML of a state part for `state` (tag → [hash, …]), tags sorted as docplan writes them. */
export function serializeState(state) {
  const items = [...state.keys()].sort().map((tag) =>
    `<item tag="${escapeAttribute(tag)}" hash="${escapeAttribute(state.get(tag).join(" "))}"/>`);
  return `<state xmlns="${STATE_NS}">${items.join("")}</state>`;
}

/** Return {state, parts}: the union of every docplan state part in the document, and those parts. */
export async function readState() {
  const parts = await officeCall((cb) => Office.context.document.customXmlParts.getByNamespaceAsync(STATE_NS, cb));
  const state = new Map();
  for (const part of parts) {
    const xml = await officeCall((cb) => part.getXmlAsync(cb));
    for (const [tag, hashes] of parseState(xml)) addHashes(state, tag, hashes);
  }
  return { state, parts };
}

let stateWrites = Promise.resolve();

/**
 * Add `hashes` (tag → "h1 h2" or [h1, …]) to the document's state part. The new part is added
 * before the old ones are deleted, so a failure never leaves the document without a record; writes
 * are queued so two quick inserts cannot lose each other's hashes.
 */
export function recordHashes(hashes) {
  const run = stateWrites.then(async () => {
    const { state, parts } = await readState();
    for (const [tag, value] of Object.entries(hashes)) {
      addHashes(state, tag, (Array.isArray(value) ? value : String(value).split(/\s+/)).filter((h) => HASH.test(h)));
    }
    await officeCall((cb) => Office.context.document.customXmlParts.addAsync(serializeState(state), cb));
    for (const part of parts) await officeCall((cb) => part.deleteAsync(cb));
  });
  stateWrites = run.catch(() => {});
  return run;
}

/** Return tag → [hash, …] of the docplan controls `controls` ({tag, text}) as Word shows them now. */
async function hashesOf(controls) {
  const out = {};
  for (const c of controls) {
    const h = await textHash(c.text);
    (out[c.tag] ||= []).includes(h) || out[c.tag].push(h);
  }
  return out;
}

function mergeHashes(server = {}, shown = {}) {
  const out = {};
  for (const source of [server, shown]) {
    for (const [tag, value] of Object.entries(source)) {
      const list = Array.isArray(value) ? value : String(value).split(/\s+/);
      for (const h of list) if (HASH.test(h) && !(out[tag] ||= []).includes(h)) out[tag].push(h);
    }
  }
  return out;
}

const isDocplan = (c) => typeof c.tag === "string" && c.tag.startsWith(TAG_PREFIX);

/**
 * Insert a flat-OPC snippet (tagged content controls) at the cursor, replacing any selection, and
 * record what was inserted: the server's `hashes` and the hash of each inserted control's text as
 * Word shows it. Returns {inserted: [{tag, text}], recorded}; `recorded` is false when the record
 * could not be written (the item then counts as "unknown" and is never replaced unasked).
 */
export async function insertSnippet(ooxml, hashes = {}) {
  const inserted = await Word.run(async (context) => {
    const range = context.document.getSelection().insertOoxml(ooxml, "Replace");
    const controls = range.contentControls;
    controls.load("items");
    await context.sync();
    return controls.items.filter(isDocplan).map((c) => ({ tag: c.tag, text: c.text }));
  });
  return { inserted, recorded: await tryRecord(hashes, inserted) };
}

async function tryRecord(hashes, inserted) {
  try {
    await recordHashes(mergeHashes(hashes, await hashesOf(inserted)));
    return true;
  } catch {
    return false;
  }
}

/** Return every docplan content control as {id, tag, text, hash?} in document order; `hash` is its record. */
export async function listTaggedItems() {
  const items = await Word.run(async (context) => {
    const controls = context.document.contentControls;
    controls.load("items");
    await context.sync();
    return controls.items.filter(isDocplan).map((c) => ({ id: c.id, tag: c.tag, text: c.text }));
  });
  const { state } = await readState();
  return items.map((item) => (state.has(item.tag) ? { ...item, hash: state.get(item.tag).join(" ") } : item));
}

/**
 * Replace the ONE control with id `id` by fresh OOXML (which carries its own tagged control) and
 * record the new content's hashes. Other controls with the same tag are left alone. Returns
 * {inserted, recorded} as insertSnippet does.
 */
export async function replaceItem(id, ooxml, hashes = {}) {
  const inserted = await Word.run(async (context) => {
    const control = context.document.contentControls.getById(id);
    control.cannotDelete = false;
    const range = control.getRange("Whole").insertOoxml(ooxml, "Before");
    const controls = range.contentControls;
    controls.load("items");
    control.delete(false);
    await context.sync();
    return controls.items.filter(isDocplan).map((c) => ({ tag: c.tag, text: c.text }));
  });
  return { inserted, recorded: await tryRecord(hashes, inserted) };
}

/**
 * «Oppdater alle»: send every docplan control with its recorded hash to the server (`api.refresh`)
 * and replace only the controls it reports "stale" (as docplan wrote them, plan changed). Returns
 * {updated, held, missing, unrecorded}: `held` are the "changed" (edited by hand) and "unknown" (no record)
 * items, left alone for the planner to decide.
 */
export async function refreshDocument(api, plan, number, lang) {
  const items = await listTaggedItems();
  const { stale } = await api.refresh(plan, number, items, lang);
  let updated = 0;
  const held = [];
  let missing = 0;
  let unrecorded = 0;
  for (const item of stale) {
    if (item.status === "stale" && item.ooxml && item.id !== undefined) {
      const { recorded } = await replaceItem(item.id, item.ooxml, item.hashes);
      updated += 1;
      if (!recorded) unrecorded += 1;
    } else if (item.status === "changed" || item.status === "unknown") {
      held.push(item);
    } else if (item.status === "missing") {
      missing += 1;
    }
  }
  return { updated, held, missing, unrecorded };
}

/**
 * Select the place a finding points at: the control with its `id`, else its tagged control, else its
 * paragraph (0-based index over the body's paragraphs, as the checker counts them).
 */
export async function selectFinding(finding) {
  return Word.run(async (context) => {
    if (finding.id !== undefined) {
      const all = context.document.contentControls;
      all.load("items");
      await context.sync();
      const hit = all.items.find((c) => c.id === finding.id);
      if (hit) {
        hit.select();
        await context.sync();
        return true;
      }
    }
    if (finding.tag) {
      const controls = context.document.contentControls.getByTag(finding.tag);
      controls.load("items");
      await context.sync();
      if (controls.items.length) {
        controls.items[0].select();
        await context.sync();
        return true;
      }
    }
    const index = finding.location && finding.location.paragraph;
    if (typeof index !== "number") return false;
    const paragraphs = context.document.body.paragraphs;
    paragraphs.load("items");
    await context.sync();
    const paragraph = paragraphs.items[index];
    if (!paragraph) return false;
    paragraph.select();
    await context.sync();
    return true;
  });
}

/** Return true when Word can add comments (WordApi 1.4). */
export function commentsSupported() {
  return Boolean(Office.context.requirements.isSetSupported("WordApi", "1.4"));
}

/** Add one Word comment per finding that has a paragraph; return how many were added (0 without WordApi 1.4). */
export async function addFindingComments(findings) {
  if (!commentsSupported()) return 0;
  return Word.run(async (context) => {
    const paragraphs = context.document.body.paragraphs;
    paragraphs.load("items");
    await context.sync();
    let added = 0;
    for (const f of findings) {
      const paragraph = f.location && typeof f.location.paragraph === "number" ? paragraphs.items[f.location.paragraph] : null;
      if (!paragraph) continue;
      paragraph.getRange("Whole").insertComment(f.comment || `[${f.rule}] ${f.message}`);
      added += 1;
    }
    await context.sync();
    return added;
  });
}

function officeCall(fn) {
  return new Promise((resolve, reject) => {
    fn((result) => {
      if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
      else reject(result.error || new Error("Office call failed"));
    });
  });
}

/** Return the whole document as .docx bytes, read in slices; the file is always closed. */
export async function readDocumentFile() {
  const file = await officeCall((cb) =>
    Office.context.document.getFileAsync(Office.FileType.Compressed, { sliceSize: SLICE_SIZE }, cb));
  try {
    const chunks = [];
    for (let i = 0; i < file.sliceCount; i += 1) {
      const slice = await officeCall((cb) => file.getSliceAsync(i, cb));
      chunks.push(Uint8Array.from(slice.data));
    }
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  } finally {
    await new Promise((resolve) => file.closeAsync(() => resolve()));
  }
}

/** Return the body as flat OPC (used where getFileAsync fails, e.g. some Word on the web sessions). */
export async function readBodyOoxml() {
  return Word.run(async (context) => {
    const ooxml = context.document.body.getOoxml();
    await context.sync();
    return ooxml.value;
  });
}

/** Return the document for the check endpoint: {docx} when possible, else {ooxml}. */
export async function readDocument() {
  try {
    return { docx: await readDocumentFile() };
  } catch {
    return { ooxml: await readBodyOoxml() };
  }
}
