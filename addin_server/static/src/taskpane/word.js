// Word.run functions of the task pane; they use only the globals Office and Word, so the unit tests can
// replace both with office-addin-mock objects. Every Word API member used is in the requirement set the
// manifest asks for (WordApi 1.3) or guarded by `wordApi(...)` in the same function; `npm test` checks
// both against @types/office-js (test/typecheck).

const SLICE_SIZE = 4 * 1024 * 1024;
const TAG_PREFIX = "docplan:";
export const STATE_NS = "urn:docplan:state:1";

/**
 * @typedef {"block" | "inline" | "row" | "cell"} Shape
 * @typedef {{id: number, tag: string, text: string, shape: Shape | null, parent: number | null, ooxml?: string, hash?: string}} Item
 * @typedef {{id?: number, tag: string, shape?: string, status: string, apply?: boolean, ooxml?: string,
 *   hashes?: Record<string, string>, held?: string[], updated?: string[]}} Answer
 * @typedef {{id: number, tag: string, status: string, shape: Shape | null, target: number, targetTag: string,
 *   within: number[]}} HeldEntry
 */

// -- requirement sets -------------------------------------------------------------------------------
/**
 * Return whether Word offers WordApi `version` here (comments need 1.4, document events 1.6).
 * @param {string} version
 */
export function wordApi(version) {
  return Boolean(Office.context.requirements.isSetSupported("WordApi", version));
}

/**
 * Return whether the Common API requirement set `name` is there (CustomXmlParts, CompressedFile, Settings).
 * @param {string} name
 */
export function commonApi(name) {
  return Boolean(Office.context.requirements.isSetSupported(name));
}

// -- docplan state: what docplan inserted, to notice a planner's manual edits ------------------------
// The document keeps a custom XML part <state xmlns="urn:docplan:state:1"><item tag="…" hash="…"/>
// </state> (docplan/state.py writes the same part). `hash` is textHash() of a control's text as
// docplan wrote it; several distinct hashes are separated by spaces. Rule: a control whose text
// matches none of its tag's recorded hashes was edited by hand and is never replaced; a control
// with no record at all is "unknown" and is only replaced after the planner confirms.

// Python's `\s` (str patterns) exactly, plus Word's cell mark U+0007 (ContentControl.text of a table or row
// control holds one at each cell's end), so normaliseText() equals docplan.ooxml.text.normalise_text.
const WHITESPACE = /[\x07\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const HASH = /^[0-9a-f]{16}$/;

/**
 * Return `text` with whitespace runs as one space, trimmed: `re.sub(r"\s+", " ", text).strip()`.
 * @param {unknown} text
 */
export function normaliseText(text) {
  return String(text ?? "").replace(WHITESPACE, " ").replace(/^ /, "").replace(/ $/, "");
}

/**
 * Return docplan's text fingerprint: sha256 of the normalised UTF-8 text, first 16 hex digits.
 * @param {unknown} text
 */
export async function textHash(text) {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(normaliseText(text)));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

const EDITION = /^\d{4}$/;

/**
 * Return {state, edition} from the XML of a state part: tag → [hash, …], and the edition municipality
 * (`<state municipality="3427">`, written by `docplan render --kommune`), or null. Anything that is not
 * a state part gives an empty state.
 * @param {unknown} xml
 * @returns {{state: Map<string, string[]>, edition: string | null}}
 */
export function parseState(xml) {
  const state = new Map();
  let doc;
  try {
    doc = new DOMParser().parseFromString(String(xml ?? ""), "application/xml");
  } catch {
    return { state, edition: null };
  }
  const root = doc && doc.documentElement;
  if (!root || root.namespaceURI !== STATE_NS || root.localName !== "state") return { state, edition: null };
  for (const item of Array.from(root.getElementsByTagNameNS(STATE_NS, "item"))) {
    const tag = item.getAttribute("tag");
    const hashes = (item.getAttribute("hash") || "").split(/\s+/).filter((h) => HASH.test(h));
    if (tag && hashes.length) addHashes(state, tag, hashes);
  }
  const edition = root.getAttribute("municipality");
  return { state, edition: EDITION.test(edition || "") ? edition : null };
}

/** @param {Map<string, string[]>} state @param {string} tag @param {string[]} hashes */
function addHashes(state, tag, hashes) {
  const known = state.get(tag) || [];
  for (const h of hashes) if (!known.includes(h)) known.push(h);
  state.set(tag, known);
}

/** @param {unknown} value */
function escapeAttribute(value) {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Return the XML of a state part for `state` (tag → [hash, …]), tags sorted as docplan writes them;
 * `edition` (the edition municipality) is kept as the root's `municipality`.
 * @param {Map<string, string[]>} state
 * @param {string | null} [edition]
 */
export function serializeState(state, edition = null) {
  const items = [...state.keys()].sort().map((tag) =>
    `<item tag="${escapeAttribute(tag)}" hash="${escapeAttribute(state.get(tag).join(" "))}"/>`);
  const municipality = edition && EDITION.test(edition) ? ` municipality="${edition}"` : "";
  return `<state xmlns="${STATE_NS}"${municipality}>${items.join("")}</state>`;
}

/**
 * Return {state, edition, parts}: the union of every docplan state part in the document, the edition
 * municipality of the first part that names one, and those parts. A host without custom XML parts
 * (the CustomXmlParts requirement set) has no record: every differing item is then "unknown".
 * @returns {Promise<{state: Map<string, string[]>, edition: string | null, parts: Office.CustomXmlPart[]}>}
 */
export async function readState() {
  const state = new Map();
  if (!commonApi("CustomXmlParts")) return { state, edition: null, parts: [] };
  /** @type {Office.CustomXmlPart[]} */
  const parts = await officeCall((cb) => Office.context.document.customXmlParts.getByNamespaceAsync(STATE_NS, cb));
  let edition = null;
  for (const part of parts) {
    const xml = await officeCall((cb) => part.getXmlAsync(cb));
    const parsed = parseState(xml);
    for (const [tag, hashes] of parsed.state) addHashes(state, tag, hashes);
    edition ||= parsed.edition;
  }
  return { state, edition, parts };
}

let stateWrites = Promise.resolve();

/**
 * Add `hashes` (tag → "h1 h2" or [h1, …]) to the document's state part, keeping its edition. The new
 * part is added before the old ones are deleted, so a failure never leaves the document without a
 * record; writes are queued so two quick inserts cannot lose each other's hashes.
 * @param {Record<string, string | string[]>} hashes
 */
export function recordHashes(hashes) {
  const run = stateWrites.then(async () => {
    if (!commonApi("CustomXmlParts")) throw new Error("CustomXmlParts is not supported here");
    const { state, edition, parts } = await readState();
    for (const [tag, value] of Object.entries(hashes)) {
      addHashes(state, tag, (Array.isArray(value) ? value : String(value).split(/\s+/)).filter((h) => HASH.test(h)));
    }
    await officeCall((cb) => Office.context.document.customXmlParts.addAsync(serializeState(state, edition), cb));
    for (const part of parts) await officeCall((cb) => part.deleteAsync(cb));
  });
  stateWrites = run.catch(() => {});
  return run;
}

/**
 * Return tag → [hash, …] of the docplan controls `controls` ({tag, text}) as Word shows them now.
 * @param {{tag: string, text: string}[]} controls
 */
async function hashesOf(controls) {
  /** @type {Record<string, string[]>} */
  const out = {};
  for (const c of controls) {
    const h = await textHash(c.text);
    (out[c.tag] ||= []).includes(h) || out[c.tag].push(h);
  }
  return out;
}

/** @param {...(Record<string, string | string[]> | undefined)} sources */
function mergeHashes(...sources) {
  /** @type {Record<string, string[]>} */
  const out = {};
  for (const source of sources) {
    for (const [tag, value] of Object.entries(source || {})) {
      const list = Array.isArray(value) ? value : String(value).split(/\s+/);
      for (const h of list) if (HASH.test(h) && !(out[tag] ||= []).includes(h)) out[tag].push(h);
    }
  }
  return out;
}

/** @param {{tag?: string | null}} c */
const isDocplan = (c) => typeof c.tag === "string" && c.tag.startsWith(TAG_PREFIX);
/** @param {string} tag */
const kindOf = (tag) => String(tag).split(":")[1];

/** @param {Record<string, string | string[]>} hashes */
async function tryRecord(hashes) {
  try {
    await recordHashes(hashes);
    return true;
  } catch {
    return false;
  }
}

// -- inserting at the cursor ---------------------------------------------------------------------------
// Controls nested deeper than this below their nearest docplan control count as outermost.
const MAX_NESTING = 32;

/**
 * Return why the cursor is no place for docplan content, or null: "table" (a block there would nest a
 * table or split the cell; only an `inline` snippet may go into a cell) or "control" (inside a docplan
 * control: a refresh would replace what goes in with it).
 * @param {Word.RequestContext} context
 * @param {Word.Range} selection
 * @param {boolean} inline
 * @returns {Promise<"table" | "control" | null>}
 */
async function cursorProblem(context, selection, inline) {
  const table = selection.parentTableOrNullObject;
  table.load("rowCount");
  let control = selection.parentContentControlOrNullObject;
  control.load("id,tag");
  await context.sync();
  if (!inline && !table.isNullObject) return "table";
  for (let depth = 0; !control.isNullObject && depth < MAX_NESTING; depth += 1) {
    if (isDocplan(control)) return "control";
    control = control.parentContentControlOrNullObject;
    control.load("id,tag");
    await context.sync();
  }
  return null;
}

/**
 * Insert a flat-OPC snippet (tagged content controls) at the cursor, replacing any selection, and
 * record what was inserted: the server's `hashes` and the hash of each inserted control's text as
 * Word shows it. Nothing is inserted where the cursor is in a table (unless `inline`) or inside a
 * docplan control. Returns {refused, inserted: [{id, tag, text}], recorded}; `refused` is "table",
 * "control" or null; `recorded` is false when the record could not be written (the item then counts
 * as "unknown" and is never replaced unasked).
 * @param {string} ooxml
 * @param {Record<string, string | string[]>} [hashes]
 * @param {{inline?: boolean}} [options]
 */
export async function insertSnippet(ooxml, hashes = {}, { inline = false } = {}) {
  const result = await Word.run(async (context) => {
    const selection = context.document.getSelection();
    const refused = await cursorProblem(context, selection, inline);
    if (refused) return { refused, inserted: [] };
    const range = selection.insertOoxml(ooxml, "Replace");
    const controls = range.contentControls;
    controls.load("items/id,items/tag,items/text");
    await context.sync();
    return { refused: null, inserted: controls.items.filter(isDocplan).map((c) => ({ id: c.id, tag: c.tag, text: c.text })) };
  });
  if (result.refused) return { ...result, recorded: false };
  return { ...result, recorded: await tryRecord(mergeHashes(hashes, await hashesOf(result.inserted))) };
}

// -- reading the document's docplan controls --------------------------------------------------------
// ContentControl.subtype → the shape the server speaks of (docplan.ooxml.sdt.Shape). A control of
// another subtype is neither sent nor replaced.
/** @type {Readonly<Record<string, Shape>>} */
export const SHAPES = Object.freeze({
  RichTextInline: "inline", PlainTextInline: "inline",
  RichTextParagraphs: "block", PlainTextParagraph: "block", RichText: "block", RichTextTable: "block",
  RichTextTableRow: "row", RichTextTableCell: "cell",
});

/**
 * Return every docplan control as {id, tag, text, shape, parent, ooxml?} in document order. `parent` is
 * the id of the nearest docplan control around it (controls of other add-ins in between are skipped),
 * or null; with `ooxml`, a control holding docplan controls comes with its own flat OPC (getOoxml).
 * Only the properties used are loaded.
 * @param {Word.RequestContext} context
 * @param {{ooxml?: boolean}} [options]
 * @returns {Promise<Item[]>}
 */
async function readControls(context, { ooxml: withOoxml = true } = {}) {
  const all = context.document.contentControls;
  all.load("items/id,items/tag,items/text,items/subtype");
  await context.sync();
  const controls = all.items.filter(isDocplan);
  const parents = new Map();
  /** @type {{id: number, node: Word.ContentControl}[]} */
  let frontier = controls.map((c) => ({ id: c.id, node: c }));
  for (let depth = 0; frontier.length && depth < MAX_NESTING; depth += 1) {
    const above = frontier.map((f) => f.node.parentContentControlOrNullObject.load("id,tag"));
    await context.sync();
    /** @type {{id: number, node: Word.ContentControl}[]} */
    const next = [];
    frontier.forEach((f, i) => {
      const parent = above[i];
      if (parent.isNullObject) parents.set(f.id, null);
      else if (isDocplan(parent)) parents.set(f.id, parent.id);
      else next.push({ id: f.id, node: parent });
    });
    frontier = next;
  }
  const containers = new Set([...parents.values()].filter((p) => p !== null && p !== undefined));
  /** @type {Map<number, OfficeExtension.ClientResult<string>>} */
  const ooxml = new Map();
  if (withOoxml) for (const c of controls) if (containers.has(c.id)) ooxml.set(c.id, c.getRange("Whole").getOoxml());
  if (ooxml.size) await context.sync();
  return controls.map((c) => ({
    id: c.id, tag: c.tag, text: c.text, shape: SHAPES[c.subtype] ?? null, parent: parents.get(c.id) ?? null,
    ...(ooxml.has(c.id) ? { ooxml: ooxml.get(c.id).value } : {}),
  }));
}

/**
 * @param {Word.RequestContext} context
 * @param {{ooxml?: boolean}} [options]
 * @returns {Promise<{items: Item[], edition: string | null}>}
 */
async function readItems(context, options) {
  const controls = await readControls(context, options);
  const { state, edition } = await readState();
  const items = controls.map((c) => (state.has(c.tag) ? { ...c, hash: state.get(c.tag).join(" ") } : c));
  return { items, edition };
}

/**
 * Return {items, edition}: every docplan control ({id, tag, text, shape, parent, ooxml?, hash?}, `hash`
 * its tag's record) and the document's edition municipality (or null).
 * @param {{ooxml?: boolean}} [options]
 */
export async function listTaggedItems(options) {
  return Word.run((context) => readItems(context, options));
}

/**
 * Return the body of POST …/refresh for `items`: each control whose shape is known, as the server
 * reads it, and the edition when the record names one. `force` (an id) marks the one control the
 * planner asked to overwrite.
 * @param {Item[]} items
 * @param {string | null} edition
 * @param {number} [force]
 */
export function refreshRequest(items, edition, force = undefined) {
  const sent = items.filter((i) => i.shape).map((i) => ({
    id: i.id, tag: i.tag, shape: i.shape, text: i.text ?? "", parent: i.parent ?? null,
    ...(i.hash ? { hash: i.hash } : {}), ...(i.ooxml ? { ooxml: i.ooxml } : {}),
    ...(force !== undefined && i.id === force ? { force: true } : {}),
  }));
  return { ...(edition && EDITION.test(edition) ? { edition } : {}), items: sent };
}

/**
 * @param {Item} item
 * @param {Map<number, Item>} byId
 * @returns {Item[]}
 */
function ancestors(item, byId) {
  const out = [];
  const seen = new Set([item.id]);
  for (let p = byId.get(item.parent); p && !seen.has(p.id); p = byId.get(p.parent)) {
    seen.add(p.id);
    out.push(p);
  }
  return out;
}

/** @param {Item} item @param {Item[]} items @param {Map<number, Item>} byId */
function descendants(item, items, byId) {
  return items.filter((i) => i !== item && ancestors(i, byId).includes(item));
}

// -- what the server's answer may replace -------------------------------------------------------------
const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/** @param {any} node @param {string} name @returns {boolean} */
const isW = (node, name) => Boolean(node && node.nodeType === 1 && node.namespaceURI === W && node.localName === name);

/** @param {unknown} ooxml */
function parseOoxml(ooxml) {
  try {
    const doc = new DOMParser().parseFromString(String(ooxml ?? ""), "application/xml");
    return doc && doc.getElementsByTagNameNS(W, "body")[0] ? doc : null;
  } catch {
    return null;
  }
}

/** @param {Element} sdt */
function sdtTag(sdt) {
  for (const pr of Array.from(sdt.childNodes)) {
    if (!isW(pr, "sdtPr")) continue;
    for (const t of Array.from(pr.childNodes)) {
      if (isW(t, "tag")) return /** @type {Element} */ (t).getAttributeNS(W, "val") || /** @type {Element} */ (t).getAttribute("w:val");
    }
  }
  return null;
}

/** @param {Document} doc */
function outermostControl(doc) {
  const body = doc.getElementsByTagNameNS(W, "body")[0];
  return { body, sdt: body.getElementsByTagNameNS(W, "sdt")[0] || null };
}

/**
 * Return the shape of a replacement (flat OPC), read from where its outermost control sits in the body:
 * "block" (a body-level control), "inline" (a control in a body paragraph), "row" (a control in a
 * table, around a row), "cell" — or null when that is none of these or the control is not a docplan
 * control of `tag`'s kind.
 * @param {string} ooxml
 * @param {string} tag
 * @returns {Shape | null}
 */
export function replacementShape(ooxml, tag) {
  const doc = parseOoxml(ooxml);
  if (!doc) return null;
  const { body, sdt } = outermostControl(doc);
  const found = sdt && sdtTag(sdt);
  if (!found || !found.startsWith(TAG_PREFIX) || kindOf(found) !== kindOf(tag)) return null;
  const parent = sdt.parentNode;
  if (parent === body) return "block";
  if (isW(parent, "tbl")) return parent.parentNode === body ? "row" : null;
  if (isW(parent, "tr")) return "cell";
  let p = parent;
  while (p && p !== body && !isW(p, "p")) p = p.parentNode;
  return p && p !== body && p.parentNode === body ? "inline" : null;
}

/**
 * Text as docplan.ooxml.text.element_text reads it: runs' text, tabs, breaks, a newline between paragraphs.
 * @param {Element} el
 */
function elementText(el) {
  /** @type {string[]} */
  const parts = [];
  (function walk(/** @type {Element} */ node) {
    if (isW(node, "t")) { parts.push(node.textContent); return; }
    if (isW(node, "tab")) parts.push("\t");
    else if (isW(node, "br") || isW(node, "cr")) parts.push("\n");
    else if (isW(node, "p") && parts.length) parts.push("\n");
    for (const child of Array.from(node.childNodes)) if (child.nodeType === 1) walk(/** @type {Element} */ (child));
  })(el);
  return parts.join("");
}

/**
 * Return the text of a replacement's outermost control (what the planner would see), or "".
 * @param {string} ooxml
 */
export function replacementText(ooxml) {
  const doc = parseOoxml(ooxml);
  const sdt = doc && outermostControl(doc).sdt;
  const content = sdt && Array.from(sdt.childNodes).find((n) => isW(n, "sdtContent"));
  return content ? elementText(/** @type {Element} */ (content)) : "";
}

/**
 * Return the text a snippet shows once inserted (its whole body), for the preview.
 * @param {string} ooxml
 */
export function snippetText(ooxml) {
  const doc = parseOoxml(ooxml);
  return doc ? displayText(elementText(outermostControl(doc).body)) : "";
}

/**
 * Return Word's text of a control for reading: cell marks as line ends, paragraph marks as newlines.
 * @param {unknown} text
 */
export function displayText(text) {
  return String(text ?? "").replace(/\r\x07|\x07/g, "\n").replace(/\r\n?/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}

/**
 * Whether `answer` (with `ooxml`) may replace the control `item`: the same shape, and one Word can insert.
 * @param {Answer} answer
 * @param {Item | undefined} item
 */
export function canReplace(answer, item) {
  if (!item || !answer.ooxml || (item.shape !== "block" && item.shape !== "inline")) return false;
  return answer.shape === item.shape && replacementShape(answer.ooxml, answer.tag) === item.shape;
}

/**
 * @param {Item} item
 * @param {string} status
 * @param {Map<number, Item>} byId
 * @returns {HeldEntry}
 */
function heldEntry(item, status, byId) {
  // a row or cell cannot be inserted alone: overwriting it means rebuilding the control around it
  let target = item;
  if (item.shape !== "block" && item.shape !== "inline") {
    target = ancestors(item, byId).find((a) => a.shape === "block" || a.shape === "inline") || item;
  }
  return { id: item.id, tag: item.tag, status, shape: item.shape, target: target.id, targetTag: target.tag,
    within: ancestors(item, byId).map((a) => a.id) };
}

/**
 * Sort the server's answers for `items`: {replace, held, orphans, forbidden, notApplied}. `replace`
 * holds the answers the pane may apply unasked (`apply`, same shape), none inside another one being
 * replaced; `held` the controls left alone (edited by hand, no record, or kept inside a container),
 * each with the id of the control «Overskriv likevel» rebuilds (`target`).
 * @param {Answer[]} answers
 * @param {Item[]} items
 */
export function sortAnswers(answers, items) {
  const byId = new Map(items.map((i) => [i.id, i]));
  const out = { replace: [], held: /** @type {HeldEntry[]} */ ([]), orphans: 0, forbidden: 0, notApplied: 0 };
  const heldIds = new Set();
  /** @param {Item | undefined} item @param {string} status */
  const hold = (item, status) => {
    if (item && !heldIds.has(item.id)) {
      heldIds.add(item.id);
      out.held.push(heldEntry(item, status, byId));
    }
  };
  for (const answer of answers) {
    const item = byId.get(answer.id);
    if (answer.status === "forbidden") out.forbidden += 1;
    else if (answer.status === "orphan") out.orphans += 1;
    else if (answer.status === "edited" || answer.status === "unknown") hold(item, answer.status);
    if (item && answer.held && answer.held.length) {
      const inside = [item, ...descendants(item, items, byId)];
      for (const tag of answer.held) {
        const kept = inside.find((i) => i.tag === tag && !heldIds.has(i.id));
        if (kept === item) hold(item, "children");
        else if (kept) hold(kept, kept.hash ? "edited" : "unknown");
      }
    }
    if (answer.apply && answer.ooxml) {
      if (canReplace(answer, item)) {
        out.replace.push({ id: item.id, tag: item.tag, shape: item.shape, ooxml: answer.ooxml,
          hashes: answer.hashes || {}, held: answer.held || [] });
      } else {
        out.notApplied += 1;
      }
    }
  }
  const replacing = new Set(out.replace.map((r) => r.id));
  out.replace = out.replace.filter((r) => !ancestors(byId.get(r.id), byId).some((a) => replacing.has(a.id)));
  return out;
}

/**
 * @typedef {{id: number, tag: string, text: string, shape: Shape, parent: number | null, depth: number,
 *   status: string, held: HeldEntry | null}} StatusEntry
 */

/**
 * Return each docplan control of `items` (those with a shape) with its status from the server's
 * `answers`: its own answer's status; for a control answered through the control around it, "edited"
 * or "unknown" when that answer kept it, "stale" when it was among those rebuilt, else "current"; a
 * control without an answer is "current". A container kept for what is inside it is "children".
 * Those the planner may overwrite carry their `held` entry (what «Overskriv likevel» rebuilds).
 * @param {Item[]} items
 * @param {Answer[]} answers
 * @returns {StatusEntry[]}
 */
export function statusList(items, answers) {
  const byId = new Map(items.map((i) => [i.id, i]));
  const answerOf = new Map(answers.filter((a) => a.id !== undefined).map((a) => [a.id, a]));
  const { held } = sortAnswers(answers, items);
  const heldOf = new Map(held.map((h) => [h.id, h]));
  /** @type {StatusEntry[]} */
  const out = [];
  for (const item of items) {
    if (!item.shape) continue;
    const above = ancestors(item, byId);
    let status = "current";
    const own = answerOf.get(item.id);
    const container = above.find((a) => answerOf.has(a.id) && a.ooxml);
    if (heldOf.has(item.id)) status = heldOf.get(item.id).status;
    else if (own && own.status !== "current") status = own.status;
    else if (container) {
      const through = answerOf.get(container.id);
      if (through.status === "forbidden") status = "forbidden";
      else if ((through.updated || []).includes(item.tag)) status = "stale";
    }
    out.push({ id: item.id, tag: item.tag, text: item.text, shape: item.shape, parent: item.parent,
      depth: above.length, status, held: heldOf.get(item.id) || null });
  }
  return out;
}

/**
 * Ask the server for the status of every docplan control in the document (nothing is changed): the
 * «I dokumentet» list. Returns `statusList`'s entries.
 * @param {{refresh: Function}} api
 * @param {string} plan
 * @param {string} number
 * @param {"nb" | "nn"} lang
 */
export async function documentStatus(api, plan, number, lang) {
  return Word.run(async (context) => {
    const { items, edition } = await readItems(context);
    const request = refreshRequest(items, edition);
    const answer = request.items.length ? await api.refresh(plan, number, request, lang) : { items: [] };
    return statusList(items, answer.items || []);
  });
}

// -- replacing controls -------------------------------------------------------------------------------
/**
 * Replace each control of `list` ({id, tag, ooxml}) by its OOXML inside one Word.run `context`: both
 * locks (cannotDelete, cannotEdit) are cleared, the new content goes before the control's whole range,
 * the control goes, and the new control gets the old one's locks. A control already gone
 * (getByIdOrNullObject) or one Word refuses does not stop the others. Returns {replaced: [{entry,
 * inserted}], failed: [entry]}.
 * @param {Word.RequestContext} context
 * @param {{id: number, tag: string, ooxml: string, hashes?: Record<string, string>, held?: string[]}[]} list
 */
async function replaceIn(context, list) {
  const controls = list.map((entry) =>
    context.document.contentControls.getByIdOrNullObject(entry.id).load("id,tag,cannotDelete,cannotEdit"));
  await context.sync();
  const replaced = [];
  const failed = [];
  for (const [i, entry] of list.entries()) {
    const control = controls[i];
    if (control.isNullObject || control.tag !== entry.tag) {
      failed.push(entry);
      continue;
    }
    const locks = { cannotDelete: control.cannotDelete, cannotEdit: control.cannotEdit };
    /** @type {Word.Range | null} */
    let added = null;
    try {
      // one sync per step, so a refusal leaves either nothing or only the new copy to take back
      control.cannotDelete = false;
      control.cannotEdit = false;
      await context.sync();
      const range = control.getRange("Whole").insertOoxml(entry.ooxml, "Before");
      const inserted = range.contentControls;
      inserted.load("items/id,items/tag,items/text");
      await context.sync();
      added = range;
      control.delete(false);
      await context.sync();
      // the new control is locked as the old one was (a planner may have locked its content too)
      for (const c of inserted.items) if (c.tag === entry.tag) Object.assign(c, locks);
      await context.sync();
      replaced.push({ entry, inserted: inserted.items.filter(isDocplan).map((c) => ({ tag: c.tag, text: c.text })) });
    } catch (error) {
      failed.push({ ...entry, error });
      await putBack(context, control, locks, added);
    }
  }
  return { replaced, failed };
}

/**
 * Undo a replacement Word refused half-way: remove the new copy (when it went in) and restore the locks.
 * @param {Word.RequestContext} context
 * @param {Word.ContentControl} control
 * @param {{cannotDelete: boolean, cannotEdit: boolean}} locks
 * @param {Word.Range | null} added
 */
async function putBack(context, control, locks, added) {
  for (const step of [() => added && added.delete(), () => Object.assign(control, locks)]) {
    try {
      step();
      await context.sync();
    } catch {
      // gone already (or Word refuses this too): the planner sees the control as it is
    }
  }
}

/**
 * Return the hashes to record for `replaced`: the server's, and Word's text of what docplan wrote (never of a kept item).
 * @param {{entry: {hashes?: Record<string, string>, held?: string[]}, inserted: {tag: string, text: string}[]}[]} replaced
 */
async function replacedHashes(replaced) {
  const sources = [];
  for (const { entry, inserted } of replaced) {
    const written = new Set(Object.keys(entry.hashes || {}));
    const kept = new Set(entry.held || []);
    const shown = inserted.filter((c) => !kept.has(c.tag) && (!written.size || written.has(c.tag)));
    sources.push(entry.hashes, await hashesOf(shown));
  }
  return mergeHashes(...sources);
}

/**
 * «Oppdater alle»: send every docplan control (shape, parent, recorded hash, a container's OOXML) and
 * the edition to the server (`api.refresh`); replace, in one Word.run, only the controls it answers
 * `apply` for with a replacement of the control's own shape; record all new hashes in one write.
 * Returns {checked, updated, held, orphans, forbidden, notApplied, failed, unrecorded}: `held` are the
 * controls left alone for the planner to decide.
 * @param {{refresh: Function}} api
 * @param {string} plan
 * @param {string} number
 * @param {"nb" | "nn"} lang
 */
export async function refreshDocument(api, plan, number, lang) {
  const result = await Word.run(async (context) => {
    const { items, edition } = await readItems(context);
    const request = refreshRequest(items, edition);
    const answer = request.items.length ? await api.refresh(plan, number, request, lang) : { items: [] };
    const sorted = sortAnswers(answer.items || [], items);
    const { replaced, failed } = sorted.replace.length ? await replaceIn(context, sorted.replace) : { replaced: [], failed: [] };
    // a control of a subtype without a shape is neither checked nor replaced
    sorted.notApplied += items.length - request.items.length;
    return { checked: request.items.length, ...sorted, replaced, failed };
  });
  const recorded = result.replaced.length ? await tryRecord(await replacedHashes(result.replaced)) : true;
  return {
    checked: result.checked, updated: result.replaced.length, held: result.held, orphans: result.orphans,
    forbidden: result.forbidden, notApplied: result.notApplied, failed: result.failed.length,
    unrecorded: recorded ? 0 : result.replaced.length,
  };
}

/**
 * «Overskriv likevel», first half: read the control `entry.target` again and ask the server to rebuild
 * it with `force`. Returns {found, target, answer, current, proposed}: the control, the server's
 * answer for it (or null), and both texts for the planner to compare; nothing is changed yet.
 * @param {{refresh: Function}} api
 * @param {string} plan
 * @param {string} number
 * @param {"nb" | "nn"} lang
 * @param {{target: number, targetTag: string}} entry
 */
export async function prepareOverwrite(api, plan, number, lang, entry) {
  return Word.run(async (context) => {
    const { items, edition } = await readItems(context);
    const byId = new Map(items.map((i) => [i.id, i]));
    const target = byId.get(entry.target);
    if (!target || target.tag !== entry.targetTag) return { found: false };
    const request = refreshRequest([target, ...descendants(target, items, byId)], edition, target.id);
    const { items: answers } = await api.refresh(plan, number, request, lang);
    /** @type {Answer | null} */
    const answer = (answers || []).find((/** @type {Answer} */ a) => a.id === target.id) || null;
    return {
      found: true, target, answer, current: displayText(target.text),
      proposed: answer && answer.ooxml ? displayText(replacementText(answer.ooxml)) : null,
    };
  });
}

/**
 * «Overskriv likevel», second half (the planner confirmed): replace `target` by `answer.ooxml` when it
 * has the control's shape, and record it. Returns {replaced, recorded, shapeDiffers}; `replaced` is false
 * when Word refused it or the shapes differ (`shapeDiffers`).
 * @param {Item} target
 * @param {Answer} answer
 */
export async function applyOverwrite(target, answer) {
  if (!canReplace(answer, target)) return { replaced: false, recorded: true, shapeDiffers: true };
  const entry = { id: target.id, tag: target.tag, ooxml: answer.ooxml, hashes: answer.hashes || {}, held: answer.held || [] };
  const { replaced } = await Word.run((context) => replaceIn(context, [entry]));
  if (!replaced.length) return { replaced: false, recorded: true, shapeDiffers: false };
  return { replaced: true, recorded: await tryRecord(await replacedHashes(replaced)), shapeDiffers: false };
}

// -- finding places -----------------------------------------------------------------------------------
// A finding's place is found by its control (id or tag) or by the text of its paragraph (`place`: the
// text and which occurrence of it in the body, from the server), never by a paragraph number: the
// checker counts paragraphs Word's body.paragraphs leaves out (text boxes, once per
// mc:AlternateContent branch).

/**
 * Return `text` for body.search: `^` starts Word's special codes (^p, ^t) even without wildcards.
 * @param {string} text
 */
export function searchable(text) {
  return text.replace(/\^/g, "^^");
}

/**
 * Return, in one sync, the range of each place ({text, occurrence} or null): the occurrence-th match
 * (or the last one, when paragraphs before it went), or null when its text is no longer in the body.
 * @param {Word.RequestContext} context
 * @param {({text: string, occurrence: number} | null | undefined)[]} places
 * @returns {Promise<(Word.Range | null)[]>}
 */
async function placeRanges(context, places) {
  const body = context.document.body;
  const searches = places.map((place) => {
    if (!place || !place.text) return null;
    const found = body.search(searchable(place.text), { matchCase: true });
    found.load("items/text");
    return found;
  });
  if (searches.some(Boolean)) await context.sync();
  return searches.map((found, i) => {
    if (!found || !found.items.length) return null;
    return found.items[Math.min(places[i].occurrence || 0, found.items.length - 1)];
  });
}

/**
 * Select the place a finding (or a listed item) points at: the control with its `id`, else the first
 * control with its `tag`, else its `place`. Returns false when none of them is in the document any more.
 * @param {{id?: number, tag?: string | null, place?: {text: string, occurrence: number} | null}} finding
 */
export async function selectFinding(finding) {
  return Word.run(async (context) => {
    if (typeof finding.id === "number") {
      const control = context.document.contentControls.getByIdOrNullObject(finding.id);
      control.load("id");
      await context.sync();
      if (!control.isNullObject) {
        control.select();
        await context.sync();
        return true;
      }
    }
    if (finding.tag) {
      const controls = context.document.contentControls.getByTag(finding.tag);
      controls.load("items/id");
      await context.sync();
      if (controls.items.length) {
        controls.items[0].select();
        await context.sync();
        return true;
      }
    }
    const [range] = await placeRanges(context, [finding.place]);
    if (!range) return false;
    range.select();
    await context.sync();
    return true;
  });
}

// -- comments -----------------------------------------------------------------------------------------
// docplan's comments start with this mark (docplan.ooxml.comments.MARKER); Word takes the author from
// the signed-in planner (Comment.authorName is read-only), so only the text can tell them from the
// planner's own comments.
export const COMMENT_MARKER = "docplan:";
const LEADING_SPACE = new RegExp(`^${WHITESPACE.source}`);

/**
 * Whether a comment's text is one docplan wrote (it starts with `COMMENT_MARKER`).
 * @param {unknown} content
 */
export function isDocplanComment(content) {
  return String(content ?? "").replace(LEADING_SPACE, "").startsWith(COMMENT_MARKER);
}

/**
 * Return a finding's comment text, always starting with docplan's mark.
 * @param {{comment?: string, rule: string, message: string}} finding
 */
export function commentText(finding) {
  const text = finding.comment || `[${finding.rule}] ${finding.message}`;
  return isDocplanComment(text) ? text : `${COMMENT_MARKER} ${text}`;
}

/** Return true when Word can add comments (WordApi 1.4). */
export function commentsSupported() {
  return wordApi("1.4");
}

/**
 * Replace docplan's comments: delete those an earlier check added (never the planner's), then add one
 * per finding whose place is found in the body. Returns {added, placed}: comments added, and how many
 * findings had a place (0 and 0 without WordApi 1.4).
 * @param {{comment?: string, rule: string, message: string, place?: {text: string, occurrence: number} | null}[]} findings
 */
export async function addFindingComments(findings) {
  if (!wordApi("1.4")) return { added: 0, placed: 0 };
  return Word.run(async (context) => {
    const earlier = context.document.body.getComments();
    earlier.load("items/content");
    await context.sync();
    for (const comment of earlier.items) if (isDocplanComment(comment.content)) comment.delete();
    const ranges = await placeRanges(context, findings.map((f) => f.place));
    let added = 0;
    findings.forEach((f, i) => {
      if (!ranges[i]) return;
      ranges[i].insertComment(commentText(f));
      added += 1;
    });
    await context.sync();
    return { added, placed: findings.filter((f) => f.place).length };
  });
}

// -- the document as a whole ----------------------------------------------------------------------------
/**
 * Call a Common API method that takes a callback; resolve with its value, reject with its error.
 * @template T
 * @param {(cb: (result: Office.AsyncResult<T>) => void) => void} fn
 * @returns {Promise<T>}
 */
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
  /** @type {Office.File} */
  const file = await officeCall((cb) =>
    Office.context.document.getFileAsync(Office.FileType.Compressed, { sliceSize: SLICE_SIZE }, cb));
  try {
    const chunks = [];
    for (let i = 0; i < file.sliceCount; i += 1) {
      /** @type {Office.Slice} */
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
    await new Promise((resolve) => file.closeAsync(() => resolve(undefined)));
  }
}

/** Return the body as flat OPC (Word on the web, and wherever getFileAsync is missing or fails). */
export async function readBodyOoxml() {
  return Word.run(async (context) => {
    const ooxml = context.document.body.getOoxml();
    await context.sync();
    return ooxml.value;
  });
}

/**
 * Return the document for the check endpoint: {docx} where the CompressedFile requirement set is
 * there and getFileAsync works, else {ooxml}.
 * @returns {Promise<{docx?: Uint8Array, ooxml?: string}>}
 */
export async function readDocument() {
  if (commonApi("CompressedFile")) {
    try {
      return { docx: await readDocumentFile() };
    } catch {
      // some Word on the web sessions refuse it although the set is there: the body will do
    }
  }
  return { ooxml: await readBodyOoxml() };
}

/**
 * Call `handler` whenever the planner (or anyone) changes a paragraph of the document: WordApi 1.6's
 * paragraph events. Returns whether Word offers them (older hosts: findings then stay until the next
 * check, and a finding whose place is gone says so when clicked).
 * @param {() => void} handler
 */
export async function watchDocumentChanges(handler) {
  if (!wordApi("1.6")) return false;
  await Word.run(async (context) => {
    const changed = async () => handler();
    context.document.onParagraphAdded.add(changed);
    context.document.onParagraphChanged.add(changed);
    context.document.onParagraphDeleted.add(changed);
    await context.sync();
  });
  return true;
}
