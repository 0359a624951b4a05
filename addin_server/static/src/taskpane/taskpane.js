// DOM wiring of the task pane; Word logic is in word.js, HTTP in api.js, strings in i18n.js.
import { ApiClient, filterItems, groupFindings } from "./api.js";
import { applyTranslations, t } from "./i18n.js";
import * as word from "./word.js";

const state = { lang: "nb", api: null, plan: null, number: null, catalogue: null };
const $ = (id) => document.getElementById(id);

function say(key, values) {
  $("status").textContent = t(state.lang, key, values);
}

function sayError(error) {
  $("status").textContent = t(state.lang, "error", { message: error.message });
}

async function guarded(fn) {
  try {
    await fn();
  } catch (error) {
    sayError(error);
  }
}

function setLanguage(lang) {
  state.lang = lang;
  applyTranslations(document, lang);
  $("language").setAttribute("aria-pressed", String(lang === "nn"));
  localStorage.setItem("docplan.lang", lang);
  if (state.catalogue) renderCatalogue();
}

async function connect(token) {
  state.api = new ApiClient(window.location.origin, token);
  const { plans } = await state.api.plans();
  localStorage.setItem("docplan.token", token);
  const select = $("plan");
  select.replaceChildren();
  for (const plan of plans) {
    for (const m of plan.municipalities) {
      const option = document.createElement("option");
      option.value = `${plan.id}|${m.number}`;
      option.textContent = `${plan.title} – ${m.name} (${m.number})`;
      select.append(option);
    }
  }
  $("workspace").hidden = false;
  say("connected");
  if (select.options.length) await choosePlan(select.value);
}

async function choosePlan(value) {
  [state.plan, state.number] = value.split("|");
  say("loading");
  state.catalogue = await state.api.catalogue(state.plan, state.number);
  renderCatalogue();
  $("status").textContent = "";
}

function itemRow(kind, id, label) {
  const li = document.createElement("li");
  const text = document.createElement("span");
  const strong = document.createElement("span");
  strong.className = "id";
  const shown = itemLabel(kind, id);
  strong.textContent = shown;
  text.append(strong, document.createTextNode(label));
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = t(state.lang, "insert");
  button.setAttribute("aria-label", t(state.lang, "insertItem", { item: `${shown} ${label}` }));
  button.dataset.kind = kind;
  button.dataset.id = id;
  li.append(text, button);
  return li;
}

function fill(listId, rows) {
  const list = $(listId);
  list.replaceChildren(...rows);
  if (!rows.length) {
    const li = document.createElement("li");
    li.textContent = t(state.lang, "noMatches");
    list.append(li);
  }
}

function renderCatalogue() {
  const query = $("search").value;
  const { goals, measures, kp_items: kp } = state.catalogue;
  const allGoals = goals.flatMap((g) => [g, ...g.sub_goals]);
  fill("goals", filterItems(allGoals, query).map((g) => itemRow("goal", g.id, g.title)));
  fill("measures", filterItems(measures, query).map((m) => itemRow("measure", m.id, m.title)));
  fill("kp", filterItems(kp, query).map((k) => itemRow("kp-ref", k.ref, `${k.title} (${k.plan_name})`)));
}

/** Return {kind, id} of a docplan tag ("docplan:kp-ref:3427:KP-3.2" → kp-ref, 3427:KP-3.2). */
function parseTag(tag) {
  const [, kind, ...rest] = tag.split(":");
  return { kind, id: rest.join(":") };
}

/**
 * Return how the planner knows an item: a goal's or measure's number, a kommuneplan item's number
 * without the municipality, «Tiltakstabellen» for a measure table (its tag id is «all» or a number).
 */
function itemLabel(kind, id, { inline = false } = {}) {
  if (kind === "measure-table") return t(state.lang, inline ? "tableLabelInline" : "tableLabel");
  if ((kind === "kp-ref" || kind === "kp-quote") && id.includes(":")) return id.slice(id.indexOf(":") + 1);
  return id;
}

const tagLabel = (tag, options) => {
  const { kind, id } = parseTag(tag);
  return itemLabel(kind, id, options);
};

async function insert(kind, id) {
  const snippet = await state.api.snippet(state.plan, state.number, kind, id, state.lang);
  const { recorded } = await word.insertSnippet(snippet.ooxml, snippet.hashes);
  if (kind === "measure-table") say(recorded ? "insertedTable" : "insertedTableUnrecorded");
  else say(recorded ? "inserted" : "insertedUnrecorded", { item: itemLabel(kind, id) });
}

// «Oppdater alle»: the server classifies every docplan control (docplan.refresh); word.refreshDocument
// replaces only what it may replace unasked. Items edited by hand, without a record, or kept inside a
// table are listed with «Overskriv likevel».
async function refreshAll() {
  say("refreshing");
  hideConfirm();
  const result = await word.refreshDocument(state.api, state.plan, state.number, state.lang);
  const { updated, held, orphans, forbidden, notApplied, failed, unrecorded } = result;
  renderHeld(held);
  const quiet = !updated && !held.length && !orphans && !forbidden && !notApplied && !failed;
  const parts = [t(state.lang, quiet ? "nothingStale" : "refreshed", { n: updated })];
  if (held.length) parts.push(t(state.lang, "heldBack", { n: held.length }));
  if (orphans) parts.push(t(state.lang, "missingItems", { n: orphans }));
  if (forbidden) parts.push(t(state.lang, "forbiddenItems", { n: forbidden }));
  if (notApplied) parts.push(t(state.lang, "notApplied", { n: notApplied }));
  if (failed) parts.push(t(state.lang, "failedItems", { n: failed }));
  if (unrecorded) parts.push(t(state.lang, "unrecorded", { n: unrecorded }));
  $("status").textContent = parts.join(" ");
  if (held.length) $("held-heading").focus();
}

const HELD_REASONS = { edited: "heldChanged", unknown: "heldUnknown", children: "heldChildren" };
let heldRows = [];

function renderHeld(held) {
  const panel = $("held-panel");
  const list = $("held");
  list.replaceChildren();
  heldRows = [];
  panel.hidden = !held.length;
  for (const entry of held) {
    const name = tagLabel(entry.tag);
    const li = document.createElement("li");
    const label = document.createElement("span");
    const strong = document.createElement("span");
    strong.className = "id";
    strong.textContent = name;
    label.append(strong, document.createTextNode(t(state.lang, HELD_REASONS[entry.status] || "heldUnknown")));
    const show = document.createElement("button");
    show.type = "button";
    show.textContent = t(state.lang, "show");
    show.setAttribute("aria-label", t(state.lang, "showItem", { item: name }));
    show.addEventListener("click", () => guarded(async () => {
      say((await word.selectFinding({ tag: entry.tag, id: entry.id })) ? "selected" : "notFound");
    }));
    const overwrite = document.createElement("button");
    overwrite.type = "button";
    overwrite.textContent = t(state.lang, "overwrite");
    overwrite.setAttribute("aria-label", t(state.lang, "overwriteItem", { item: name }));
    overwrite.addEventListener("click", () => guarded(() => askOverwrite(entry, overwrite)));
    li.append(label, show, overwrite);
    list.append(li);
    heldRows.push({ entry, li });
  }
}

// «Overskriv likevel»: the server rebuilds the control with `force`; nothing changes in the document
// until the planner has compared both texts and confirmed.
let pending = null;

async function askOverwrite(entry, button) {
  const name = tagLabel(entry.tag);
  say("loading");
  const prepared = await word.prepareOverwrite(state.api, state.plan, state.number, state.lang, entry);
  if (!prepared.found) {
    say("notFound");
    return;
  }
  const { answer } = prepared;
  if (!answer || !answer.ooxml) {
    const key = { orphan: "orphanItem", forbidden: "forbiddenItem" }[answer && answer.status] || "alreadyCurrent";
    say(key, { item: name });
    return;
  }
  pending = { entry, prepared, button };
  $("confirm-title").textContent = t(state.lang, "confirmTitle", { item: name });
  const whole = entry.target !== entry.id;
  $("confirm-whole").hidden = !whole;
  $("confirm-whole").textContent = whole
    ? t(state.lang, "confirmWhole", { item: name, whole: tagLabel(entry.targetTag, { inline: true }) }) : "";
  $("confirm-current").value = prepared.current;
  $("confirm-new").value = prepared.proposed;
  $("confirm-yes").setAttribute("aria-label", t(state.lang, "confirmYesItem", { item: name }));
  $("confirm-panel").hidden = false;
  $("status").textContent = "";
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
  const { replaced, recorded } = await word.applyOverwrite(prepared.target, prepared.answer);
  const name = tagLabel(entry.tag);
  if (!replaced) {
    say("notAppliedItem", { item: name });
    return;
  }
  // everything inside the rebuilt control was rebuilt with it
  const target = prepared.target.id;
  heldRows = heldRows.filter(({ entry: e, li }) => {
    const gone = e.id === target || e.target === target || (e.within || []).includes(target);
    if (gone) li.remove();
    return !gone;
  });
  if (!heldRows.length) $("held-panel").hidden = true;
  say(recorded ? "overwritten" : "insertedUnrecorded", { item: name });
  $(heldRows.length ? "held-heading" : "refresh").focus();
}

function cancelOverwrite() {
  const button = pending && pending.button;
  hideConfirm();
  say("overwriteCancelled");
  if (button && button.isConnected) button.focus();
}

async function runCheck() {
  say("checking");
  const doc = await word.readDocument();
  const { findings, summary } = await state.api.check(state.plan, state.number, doc);
  renderFindings(findings, summary);
  const comments = await word.addFindingComments(findings);
  $("status").textContent = t(state.lang, "findingCount", { n: summary.total }) +
    (comments ? ` ${t(state.lang, "commentsAdded")}` : "");
}

function renderFindings(findings, summary) {
  const panel = $("findings-panel");
  const box = $("findings");
  box.replaceChildren();
  panel.hidden = false;
  $("findings-summary").textContent = findings.length
    ? t(state.lang, "findingCount", { n: summary.total }) : t(state.lang, "noFindings");
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
      severity.textContent = t(state.lang, `severity.${finding.severity}`);
      button.append(severity, document.createTextNode(finding.message));
      button.addEventListener("click", () => guarded(async () => {
        say((await word.selectFinding(finding)) ? "selected" : "notFound");
      }));
      li.append(button);
      list.append(li);
    }
    box.append(heading, list);
  }
  // Move focus to the results so keyboard and screen-reader users land on them.
  $("findings-heading").focus();
}

function wire() {
  $("sideload-msg").hidden = true;
  $("app-body").hidden = false;
  setLanguage(localStorage.getItem("docplan.lang") === "nn" ? "nn" : "nb");
  $("language").addEventListener("click", () => setLanguage(state.lang === "nb" ? "nn" : "nb"));
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(() => connect($("token").value.trim()));
  });
  $("plan").addEventListener("change", (event) => guarded(() => choosePlan(event.target.value)));
  $("search").addEventListener("input", () => state.catalogue && renderCatalogue());
  for (const id of ["goals", "measures", "kp"]) {
    $(id).addEventListener("click", (event) => {
      const button = event.target.closest("button[data-kind]");
      if (button) guarded(() => insert(button.dataset.kind, button.dataset.id));
    });
  }
  $("insert-table").addEventListener("click", () => guarded(() => insert("measure-table", "all")));
  $("refresh").addEventListener("click", () => guarded(refreshAll));
  $("confirm-yes").addEventListener("click", () => guarded(confirmOverwrite));
  $("confirm-no").addEventListener("click", cancelOverwrite);
  $("check").addEventListener("click", () => guarded(runCheck));
  const saved = localStorage.getItem("docplan.token");
  if (saved) {
    $("token").value = saved;
    guarded(() => connect(saved));
  }
}

Office.onReady((info) => {
  if (info.host === Office.HostType.Word) wire();
});
