// DOM wiring of the task pane; Word logic is in word.js, HTTP and the catalogue in api.js, strings in
// i18n.js, error messages in errors.js, what the pane remembers in storage.js.
import { ApiClient, ApiError, filterItems, filterTree, goalTree, groupFindings, shortPlanName } from "./api.js";
import { describeError } from "./errors.js";
import { applyTranslations, t } from "./i18n.js";
import * as storage from "./storage.js";
import * as word from "./word.js";

/** @typedef {import("./i18n.js").Key} Key */
/** @typedef {import("./api.js").Lang} Lang */
/** @typedef {import("./api.js").Finding} Finding */
/** @typedef {import("./api.js").TreeNode} TreeNode */
/** @typedef {import("./word.js").StatusEntry} StatusEntry */
/** @typedef {import("./word.js").HeldEntry} HeldEntry */

// support.js shows «this Word cannot run docplan» when this never runs (ES2017 in Internet Explorer).
/** @type {any} */ (window).docplanStarted = true;

const state = {
  /** @type {Lang} */ lang: "nb",
  /** @type {ApiClient | null} */ api: null,
  /** @type {any[]} */ plans: [],
  /** @type {string | null} */ plan: null,
  /** @type {string | null} */ number: null,
  /** @type {any} */ catalogue: null,
  busy: false,
  /** @type {(() => string) | null} */ status: null,
  /** @type {{findings: Finding[], summary: any} | null} */ findings: null,
  /** @type {StatusEntry[] | null} */ documentItems: null,
  /** @type {Map<string, Promise<any>>} */ snippets: new Map(),
};

/** @param {string} id @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
/** @param {string} id @returns {HTMLSelectElement} */
const select = (id) => /** @type {HTMLSelectElement} */ (document.getElementById(id));
/** @param {string} id @returns {HTMLTextAreaElement} */
const textarea = (id) => /** @type {HTMLTextAreaElement} */ (document.getElementById(id));

/** @param {Key} key @param {Record<string, string | number>} [values] */
const tr = (key, values) => t(state.lang, key, values);

// -- status line (the live region at the top) ---------------------------------------------------------
// The line is kept as a function of the language, so switching målform says the same in the other one.
/** @typedef {{key: Key, values?: Record<string, string | number>}} Message */

/** @param {Key} key @param {Record<string, string | number>} [values] */
function say(key, values) {
  sayAll([{ key, values }]);
}

/**
 * Say `parts` as one status line: a summary's parts («3 oppdatert», «1 endret av deg – ikke overskrevet»)
 * joined by commas into one sentence, other messages after it.
 * @param {Message[]} parts
 * @param {{error?: boolean}} [options]
 */
function sayAll(parts, { error = false } = {}) {
  state.status = () => {
    const listed = parts.filter((p) => p.key.startsWith("summary")).map((p) => tr(p.key, p.values));
    const rest = parts.filter((p) => !p.key.startsWith("summary")).map((p) => tr(p.key, p.values));
    return [...(listed.length ? [tr("summary", { list: listed.join(", ") })] : []), ...rest].join(" ");
  };
  $("status").textContent = state.status();
  $("status").classList.toggle("error", error);
}

/** @param {unknown} error */
function sayError(error) {
  const message = describeError(error);
  sayAll([message], { error: true });
}

// -- one action at a time -----------------------------------------------------------------------------
// While an action runs every button that changes the document or asks the server is disabled and a
// spinner turns: a double click inserts once, and «Oppdater alle» cannot run twice over itself.
/**
 * Run `fn` as the pane's one action; ignored while another runs. Errors become a status message.
 * @param {(() => Promise<void>)} fn
 * @param {{key: Key, values?: Record<string, string | number>}} [progress] what the status line says meanwhile
 */
async function action(fn, progress) {
  if (state.busy) return;
  setBusy(true);
  if (progress) say(progress.key, progress.values);
  try {
    await fn();
  } catch (error) {
    sayError(error);
    if (error instanceof ApiError && error.status === 401 && state.api) signedOut();
  } finally {
    setBusy(false);
  }
}

let quietUntil = 0;

/** @param {boolean} busy */
function setBusy(busy) {
  state.busy = busy;
  // Word reports the pane's own changes (comments, replaced controls) as events a little later
  if (!busy) quietUntil = Date.now() + 1500;
  $("main").setAttribute("aria-busy", String(busy));
  $("spinner").hidden = !busy;
  for (const el of document.querySelectorAll("#session button, #session select, #login button")) {
    /** @type {HTMLButtonElement} */ (el).disabled = busy;
  }
}

// -- language -----------------------------------------------------------------------------------------
/** @param {Lang} lang */
function setLanguage(lang) {
  const changed = lang !== state.lang;
  state.lang = lang;
  applyTranslations(document, lang);
  storage.saveLanguage(lang);
  renderContext();
  if (state.catalogue) renderCatalogue();
  if (state.documentItems) renderDocumentItems();
  if (changed && state.findings) {
    // the findings came in the other målform: a new check gives them in this one
    clearFindings();
    say("recheckForLanguage");
    return;
  }
  if (state.status) $("status").textContent = state.status();
}

// -- connecting ---------------------------------------------------------------------------------------
/** Return where docplan is served: the pane is at <base>/pane/taskpane.html, the API at <base>/api/v1. */
function serverBase() {
  return new URL("../", window.location.href).href;
}

/** @param {string} token @param {boolean} remember */
async function connect(token, remember) {
  const api = new ApiClient(serverBase(), token);
  let plans;
  try {
    ({ plans } = await api.plans());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) storage.forgetToken(); // revoked or mistyped
    throw error;
  }
  state.api = api;
  state.plans = plans;
  storage.saveToken(token, remember);
  input("token").value = "";
  const choices = select("plan");
  choices.replaceChildren();
  for (const plan of plans) {
    for (const m of plan.municipalities) {
      const option = document.createElement("option");
      option.value = `${plan.id}|${m.number}`;
      option.textContent = `${m.name} – ${shortPlanName(plan)}`;
      option.title = `${plan.title} (${m.number})`;
      choices.append(option);
    }
  }
  $("login").hidden = true;
  $("session").hidden = false;
  if (!choices.options.length) {
    say("noPlans");
    return;
  }
  const saved = storage.loadChoice();
  const wanted = saved && `${saved.plan}|${saved.number}`;
  if (wanted && Array.from(choices.options).some((o) => o.value === wanted)) choices.value = wanted;
  await choosePlan(choices.value, { remember: !saved });
}

/**
 * @param {string} value "<plan>|<number>"
 * @param {{remember?: boolean}} [options] whether to store the choice in the document
 */
async function choosePlan(value, { remember = true } = {}) {
  const [plan, number] = value.split("|");
  say("loading");
  const catalogue = await state.api.catalogue(plan, number);
  state.plan = plan;
  state.number = number;
  state.catalogue = catalogue;
  state.snippets.clear();
  clearFindings();
  renderContext();
  renderCatalogue();
  if (remember) await storage.saveChoice({ plan, number });
  await loadDocumentStatus();
  say("ready", { name: contextName() });
}

function contextName() {
  const option = select("plan").selectedOptions[0];
  return option ? option.textContent : "";
}

function renderContext() {
  const name = state.plan ? contextName() : "";
  $("context-name").textContent = name ? tr("contextName", { name }) : "";
  $("context-name").hidden = !name;
}

/** «Logg ut»: forget the token everywhere and show the sign-in form. */
function logout() {
  signedOut();
  say("loggedOut");
  input("token").focus();
}

/** Forget the token and everything fetched with it; the status line is left to the caller. */
function signedOut() {
  storage.forgetToken();
  state.api = null;
  state.plans = [];
  state.plan = state.number = null;
  state.catalogue = null;
  state.documentItems = null;
  state.snippets.clear();
  clearFindings();
  hideConfirm();
  select("plan").replaceChildren();
  for (const id of ["tree", "others", "kp", "document-items"]) $(id).replaceChildren();
  $("session").hidden = true;
  $("login").hidden = false;
  input("token").value = "";
  input("remember").checked = false;
  renderContext();
}

// -- catalogue: a tree of goals and measures, kommuneplan items; each with a preview ---------------------
/**
 * Return how the planner names an item: «hovedmål HM-1», «tiltak T-01», «tiltakstabellen».
 * @param {string} kind
 * @param {string} id
 */
function itemName(kind, id) {
  if (kind === "measure-table") return tr("nameTable");
  if (kind === "measure") return tr("nameMeasure", { id });
  if (kind === "kp-ref" || kind === "kp-quote") return tr("nameKp", { id: id.includes(":") ? id.slice(id.indexOf(":") + 1) : id });
  if (kind === "goal") {
    const main = state.catalogue && state.catalogue.goals.some((/** @type {any} */ g) => g.id === id);
    return tr(main ? "nameMainGoal" : "nameSubGoal", { id });
  }
  return id;
}

/** @param {string} text */
const capitalise = (text) => text.charAt(0).toLocaleUpperCase("nb") + text.slice(1);

let previewCount = 0;

/**
 * Return a catalogue row: a button that opens the item's preview below it, and the preview with «Sett inn».
 * @param {string} kind
 * @param {string} id
 * @param {string} label
 */
function itemRow(kind, id, label) {
  const li = document.createElement("li");
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "item";
  toggle.setAttribute("aria-expanded", "false");
  const strong = document.createElement("span");
  strong.className = "id";
  strong.textContent = kind === "kp-ref" && id.includes(":") ? id.slice(id.indexOf(":") + 1) : id;
  toggle.append(strong, document.createTextNode(label));
  const panel = document.createElement("div");
  panel.className = "preview";
  panel.id = `preview-${(previewCount += 1)}`;
  panel.hidden = true;
  toggle.setAttribute("aria-controls", panel.id);
  toggle.addEventListener("click", () => togglePreview(toggle, panel, kind, id));
  li.append(toggle, panel);
  return li;
}

/** @param {string} kind @param {string} id */
function snippetFor(kind, id) {
  const key = [state.plan, state.number, kind, id, state.lang].join("|");
  if (!state.snippets.has(key)) {
    const pending = state.api.snippet(state.plan, state.number, kind, id, state.lang);
    pending.catch(() => state.snippets.delete(key));
    state.snippets.set(key, pending);
  }
  return state.snippets.get(key);
}

/**
 * @param {HTMLButtonElement} toggle
 * @param {HTMLElement} panel
 * @param {string} kind
 * @param {string} id
 */
async function togglePreview(toggle, panel, kind, id) {
  if (toggle.getAttribute("aria-expanded") === "true") {
    toggle.setAttribute("aria-expanded", "false");
    panel.hidden = true;
    return;
  }
  toggle.setAttribute("aria-expanded", "true");
  panel.hidden = false;
  const text = document.createElement("p");
  text.className = "preview-text";
  text.textContent = tr("loading");
  panel.replaceChildren(text);
  try {
    const snippet = await snippetFor(kind, id);
    text.textContent = word.snippetText(snippet.ooxml) || tr("emptyPreview");
    const insertButton = document.createElement("button");
    insertButton.type = "button";
    insertButton.textContent = tr("insert");
    insertButton.setAttribute("aria-label", tr("insertItem", { item: itemName(kind, id) }));
    insertButton.disabled = state.busy;
    insertButton.addEventListener("click", () => action(() => insert(kind, id), { key: "inserting" }));
    panel.append(insertButton);
  } catch (error) {
    const message = describeError(error);
    text.textContent = tr(message.key, message.values);
  }
}

function renderCatalogue() {
  const query = input("search").value;
  const { tree, others } = goalTree(state.catalogue);
  fillTree("tree", filterTree(tree, query));
  const otherNodes = filterTree(others, query);
  $("others").hidden = $("others-heading").hidden = !otherNodes.length;
  fillTree("others", otherNodes, { empty: false });
  const kp = filterItems(state.catalogue.kp_items, query);
  fill("kp", kp.map((k) => itemRow("kp-ref", k.ref, `${k.title} (${k.plan_name})`)));
}

/** @param {string} listId @param {HTMLLIElement[]} rows @param {{empty?: boolean}} [options] */
function fill(listId, rows, { empty = true } = {}) {
  const list = $(listId);
  list.replaceChildren(...rows);
  if (!rows.length && empty) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = tr("noMatches");
    list.append(li);
  }
}

/** @param {string} listId @param {TreeNode[]} nodes @param {{empty?: boolean}} [options] */
function fillTree(listId, nodes, options) {
  /** @param {TreeNode} node @returns {HTMLLIElement} */
  const row = (node) => {
    const li = itemRow(node.kind, node.item.id, node.item.title);
    li.classList.add(`level-${node.level}`);
    if (node.children.length) {
      const ul = document.createElement("ul");
      ul.append(...node.children.map(row));
      li.append(ul);
    }
    return li;
  };
  fill(listId, nodes.map(row), options);
}

/** @param {string} kind @param {string} id */
async function insert(kind, id) {
  const snippet = await snippetFor(kind, id);
  const { refused, inserted, recorded } = await word.insertSnippet(snippet.ooxml, snippet.hashes,
    { inline: kind === "kp-ref" });
  const item = itemName(kind, id);
  if (refused) {
    sayAll([{ key: refused === "table" ? "cursorInTable" : "cursorInControl", values: { item } }], { error: true });
    return;
  }
  clearFindings();
  addInserted(inserted);
  say(recorded ? "inserted" : "insertedUnrecorded", { item });
}

// -- «I dokumentet»: every docplan item in the document with its status ---------------------------------
async function loadDocumentStatus() {
  state.documentItems = await word.documentStatus(state.api, state.plan, state.number, state.lang);
  renderDocumentItems();
}

/** Add what was just inserted to the list: it is as the plan has it. @param {{id: number, tag: string, text: string}[]} inserted */
function addInserted(inserted) {
  if (!state.documentItems) return;
  for (const c of inserted) {
    state.documentItems.push({ id: c.id, tag: c.tag, text: c.text, shape: null, parent: null, depth: 0,
      status: "current", held: null });
  }
  renderDocumentItems();
}

/** @type {Record<string, Key>} */
const STATUS_KEYS = {
  current: "statusCurrent", stale: "statusStale", edited: "statusEdited", unknown: "statusUnknown",
  orphan: "statusOrphan", forbidden: "statusForbidden", children: "statusChildren",
};
const ATTENTION = new Set(["stale", "edited", "unknown", "orphan", "children"]);

/** @param {string} tag */
function tagName(tag) {
  const [, kind, ...rest] = tag.split(":");
  return itemName(kind, rest.join(":"));
}

function renderDocumentItems() {
  const items = state.documentItems || [];
  /** @type {Record<string, number>} */
  const counts = {};
  for (const item of items) counts[item.status] = (counts[item.status] || 0) + 1;
  const parts = Object.keys(STATUS_KEYS).filter((s) => counts[s])
    .map((s) => `${counts[s]} ${tr(STATUS_KEYS[s])}`);
  $("document-summary").textContent = items.length
    ? tr("documentSummary", { n: items.length, parts: parts.join(", ") }) : tr("documentEmpty");
  const attentionOnly = input("attention-only").checked;
  const shown = attentionOnly ? items.filter((i) => ATTENTION.has(i.status)) : items;
  const rows = shown.map((entry) => {
    const li = document.createElement("li");
    li.className = `status-${entry.status}`;
    const label = document.createElement("span");
    label.className = "label";
    const strong = document.createElement("span");
    strong.className = "id";
    const name = tagName(entry.tag);
    strong.textContent = capitalise(name);
    const excerpt = word.displayText(entry.text).replace(/\s+/g, " ");
    label.append(strong, document.createTextNode(excerpt.length > 80 ? `${excerpt.slice(0, 79)}…` : excerpt));
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = tr(STATUS_KEYS[entry.status] || "statusUnknown");
    const show = document.createElement("button");
    show.type = "button";
    show.className = "secondary";
    show.textContent = tr("show");
    show.setAttribute("aria-label", tr("showItem", { item: name }));
    show.disabled = state.busy;
    show.addEventListener("click", () => action(async () => {
      if (await word.selectFinding({ id: entry.id, tag: entry.tag })) say("selectedItem", { item: name });
      else say("itemGone", { item: name });
    }));
    const tools = document.createElement("div");
    tools.className = "tools";
    tools.append(badge, show);
    if (entry.held) {
      const overwrite = document.createElement("button");
      overwrite.type = "button";
      overwrite.className = "warning";
      overwrite.textContent = tr("overwrite");
      overwrite.setAttribute("aria-label", tr("overwriteItem", { item: name }));
      overwrite.disabled = state.busy;
      const held = entry.held;
      overwrite.addEventListener("click", () => action(() => askOverwrite(held, overwrite), { key: "loading" }));
      tools.append(overwrite);
    }
    li.append(label, tools);
    return /** @type {HTMLLIElement} */ (li);
  });
  $("document-items").replaceChildren(...rows);
}

// «Oppdater alle»: the server classifies every docplan control (docplan.refresh); word.refreshDocument
// replaces only what it may replace unasked. Items edited by hand or without a record stay, marked in
// «I dokumentet» with «Overskriv likevel».
async function refreshAll() {
  hideConfirm();
  const result = await word.refreshDocument(state.api, state.plan, state.number, state.lang);
  const { updated, held, orphans, forbidden, notApplied, failed, unrecorded } = result;
  if (updated) clearFindings();
  const edited = held.filter((h) => h.status === "edited").length;
  const unknown = held.filter((h) => h.status === "unknown").length;
  /** @type {{key: Key, values?: Record<string, string | number>}[]} */
  const parts = [];
  if (updated) parts.push({ key: "summaryUpdated", values: { n: updated } });
  if (edited) parts.push({ key: "summaryEdited", values: { n: edited } });
  if (unknown) parts.push({ key: "summaryUnknown", values: { n: unknown } });
  if (orphans) parts.push({ key: "summaryOrphans", values: { n: orphans } });
  if (forbidden) parts.push({ key: "summaryForbidden", values: { n: forbidden } });
  if (notApplied) parts.push({ key: "summaryNotApplied", values: { n: notApplied } });
  if (failed) parts.push({ key: "summaryFailed", values: { n: failed } });
  if (!parts.length) parts.push({ key: "nothingStale" });
  if (unrecorded) parts.push({ key: "unrecorded", values: { n: unrecorded } });
  await loadDocumentStatus();
  sayAll(parts);
  if (held.length) $("document-heading").focus();
}

// «Overskriv likevel»: the server rebuilds the control with `force`; nothing changes in the document
// until the planner has compared both texts and confirmed.
/** @type {{entry: HeldEntry, prepared: any, button: HTMLButtonElement} | null} */
let pending = null;

/** @param {HeldEntry} entry @param {HTMLButtonElement} button */
async function askOverwrite(entry, button) {
  const name = tagName(entry.tag);
  const prepared = await word.prepareOverwrite(state.api, state.plan, state.number, state.lang, entry);
  if (!prepared.found) {
    say("itemGone", { item: name });
    return;
  }
  const { answer } = prepared;
  if (!answer || !answer.ooxml) {
    /** @type {Key} */
    const key = ({ orphan: "orphanItem", forbidden: "forbiddenItem" })[answer && answer.status] || "alreadyCurrent";
    say(key, { item: name });
    return;
  }
  pending = { entry, prepared, button };
  $("confirm-title").textContent = tr("confirmTitle", { item: name });
  const whole = entry.target !== entry.id;
  $("confirm-whole").hidden = !whole;
  $("confirm-whole").textContent = whole ? tr("confirmWhole", { item: name, whole: tagName(entry.targetTag) }) : "";
  textarea("confirm-current").value = prepared.current;
  textarea("confirm-new").value = prepared.proposed;
  $("confirm-yes").setAttribute("aria-label", tr("confirmYesItem", { item: name }));
  $("confirm-panel").hidden = false;
  say("confirmAsk", { item: name });
  $("confirm-title").focus();
}

function hideConfirm() {
  pending = null;
  $("confirm-panel").hidden = true;
}

async function confirmOverwrite() {
  if (!pending) return;
  const { entry, prepared } = pending;
  hideConfirm();
  const name = tagName(entry.tag);
  const { replaced, recorded, shapeDiffers } = await word.applyOverwrite(prepared.target, prepared.answer);
  if (!replaced) {
    say(shapeDiffers ? "shapeDiffersItem" : "notAppliedItem", { item: name });
    return;
  }
  clearFindings();
  await loadDocumentStatus();
  say(recorded ? "overwritten" : "overwrittenUnrecorded", { item: name });
  $("document-heading").focus();
}

function cancelOverwrite() {
  const button = pending && pending.button;
  hideConfirm();
  say("overwriteCancelled");
  if (button && button.isConnected) button.focus();
}

// -- check ----------------------------------------------------------------------------------------------
async function runCheck() {
  const doc = await word.readDocument();
  const { findings, summary } = await state.api.check(state.plan, state.number, doc, state.lang);
  state.findings = { findings, summary };
  renderFindings();
  const { added } = await word.addFindingComments(findings);
  /** @type {{key: Key, values?: Record<string, string | number>}[]} */
  const parts = [findings.length ? { key: "findingCount", values: { n: summary.total } } : { key: "noFindings" }];
  if (added) parts.push({ key: "commentsAdded", values: { n: added } });
  else if (findings.length && !word.commentsSupported()) parts.push({ key: "commentsUnsupported" });
  sayAll(parts);
  $("findings-heading").focus();
}

function clearFindings() {
  state.findings = null;
  $("findings-panel").hidden = true;
  $("findings").replaceChildren();
}

/** Findings are about the document as it was: when it changes, they go (a new check gives new ones). */
function documentChanged() {
  if (!state.findings || state.busy || Date.now() < quietUntil) return;
  clearFindings();
  say("findingsCleared");
}

function renderFindings() {
  const { findings, summary } = state.findings;
  const panel = $("findings-panel");
  const box = $("findings");
  box.replaceChildren();
  panel.hidden = false;
  $("findings-summary").textContent = findings.length ? tr("findingCount", { n: summary.total }) : tr("noFindings");
  for (const [rule, items] of groupFindings(findings)) {
    const heading = document.createElement("h3");
    heading.textContent = `${items[0].title || rule} (${items.length})`;
    heading.title = rule;
    const list = document.createElement("ul");
    list.className = "finding-list";
    for (const finding of items) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const severity = document.createElement("span");
      severity.className = "severity";
      severity.textContent = tr(/** @type {Key} */ (`severity.${finding.severity}`));
      button.append(severity, document.createTextNode(finding.message));
      const placed = Boolean(finding.tag || finding.place);
      button.addEventListener("click", () => action(async () => {
        if (!placed) say("noPlace");
        else if (await word.selectFinding(finding)) say("selected");
        else say("placeGone");
      }));
      li.append(button);
      if (finding.fix) {
        const fix = document.createElement("p");
        fix.className = "fix";
        const lead = document.createElement("span");
        lead.className = "fix-lead";
        lead.textContent = tr("howToFix");
        fix.append(lead, document.createTextNode(` ${finding.fix}`));
        li.append(fix);
      }
      list.append(li);
    }
    box.append(heading, list);
  }
}

// -- start-up -------------------------------------------------------------------------------------------
/** @param {Key} key */
function showBoot(key, error = true) {
  $("boot").hidden = false;
  $("boot").className = error ? "notice error" : "notice";
  $("boot-text").textContent = tr(key);
}

function wire() {
  $("boot").hidden = true;
  $("app-body").hidden = false;
  $("language").addEventListener("click", () => setLanguage(state.lang === "nb" ? "nn" : "nb"));
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input("token").value.trim();
    if (!token) return;
    action(() => connect(token, input("remember").checked), { key: "connecting" });
  });
  $("logout").addEventListener("click", () => { if (!state.busy) logout(); });
  $("plan").addEventListener("change", (event) =>
    action(() => choosePlan(/** @type {HTMLSelectElement} */ (event.target).value), { key: "loading" }));
  $("search").addEventListener("input", () => state.catalogue && renderCatalogue());
  $("insert-table").addEventListener("click", () => action(() => insert("measure-table", "all"), { key: "inserting" }));
  $("refresh").addEventListener("click", () => action(refreshAll, { key: "refreshing" }));
  $("confirm-yes").addEventListener("click", () => action(confirmOverwrite, { key: "overwriting" }));
  $("confirm-no").addEventListener("click", cancelOverwrite);
  $("check").addEventListener("click", () => action(runCheck, { key: "checking" }));
  $("document-status").addEventListener("click", () => action(async () => {
    await loadDocumentStatus();
    say("documentListed");
  }, { key: "loading" }));
  $("attention-only").addEventListener("change", renderDocumentItems);
  word.watchDocumentChanges(documentChanged).catch(() => {});
  const saved = storage.loadToken();
  if (saved.token) {
    input("remember").checked = saved.remembered;
    action(() => connect(saved.token, saved.remembered), { key: "connecting" });
  }
}

/** @param {string | undefined} displayLanguage Office's UI language, e.g. "nn-NO" */
function startLanguage(displayLanguage) {
  const saved = storage.loadLanguage();
  if (saved) return saved;
  return /^(nn|nno)\b/i.test(displayLanguage || "") ? "nn" : "nb";
}

function start() {
  $("language").hidden = false; // only a running pane can switch language
  if (typeof Office === "undefined") {
    setLanguage(startLanguage(navigator.language));
    showBoot("officeMissing");
    return;
  }
  Office.onReady((info) => {
    setLanguage(startLanguage(Office.context && Office.context.displayLanguage));
    if (info.host !== Office.HostType.Word) showBoot("sideload", false);
    else if (!word.wordApi("1.3")) showBoot("wordTooOld");
    else wire();
  });
}

start();
