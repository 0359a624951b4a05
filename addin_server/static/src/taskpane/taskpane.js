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
  strong.textContent = id;
  text.append(strong, document.createTextNode(label));
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = t(state.lang, "insert");
  button.setAttribute("aria-label", t(state.lang, "insertItem", { item: `${id} ${label}` }));
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

async function insert(kind, id) {
  const snippet = await state.api.snippet(state.plan, state.number, kind, id, state.lang);
  const { recorded } = await word.insertSnippet(snippet.ooxml, snippet.hashes);
  say(recorded ? "inserted" : "insertedUnrecorded", { item: id });
}

/** Return {kind, id} of a docplan tag ("docplan:kp-ref:3427:KP-3.2" → kp-ref, 3427:KP-3.2). */
function parseTag(tag) {
  const [, kind, ...rest] = tag.split(":");
  return { kind, id: rest.join(":") };
}

// «Oppdater alle»: only items docplan can prove untouched ("stale") are replaced (word.refreshDocument).
// Items edited by hand ("changed") and items without a record ("unknown") are listed with
// «Overskriv likevel».
async function refreshAll() {
  say("refreshing");
  const { updated, held, missing, unrecorded } = await word.refreshDocument(state.api, state.plan, state.number, state.lang);
  renderHeld(held);
  let text = !updated && !held.length && !missing ? t(state.lang, "nothingStale") : t(state.lang, "refreshed", { n: updated });
  if (held.length) text += ` ${t(state.lang, "heldBack", { n: held.length })}`;
  if (missing) text += ` ${t(state.lang, "missingItems", { n: missing })}`;
  if (unrecorded) text += ` ${t(state.lang, "unrecorded", { n: unrecorded })}`;
  $("status").textContent = text;
  if (held.length) $("held-heading").focus();
}

function renderHeld(held) {
  const panel = $("held-panel");
  const list = $("held");
  list.replaceChildren();
  panel.hidden = !held.length;
  for (const item of held) {
    const { id } = parseTag(item.tag);
    const li = document.createElement("li");
    const label = document.createElement("span");
    const strong = document.createElement("span");
    strong.className = "id";
    strong.textContent = id;
    const reason = t(state.lang, item.status === "changed" ? "heldChanged" : "heldUnknown");
    label.append(strong, document.createTextNode(reason));
    const show = document.createElement("button");
    show.type = "button";
    show.textContent = t(state.lang, "show");
    show.setAttribute("aria-label", t(state.lang, "showItem", { item: id }));
    show.addEventListener("click", () => guarded(async () => {
      say((await word.selectFinding({ tag: item.tag, id: item.id })) ? "selected" : "notFound");
    }));
    const overwrite = document.createElement("button");
    overwrite.type = "button";
    overwrite.textContent = t(state.lang, "overwrite");
    overwrite.setAttribute("aria-label", t(state.lang, "overwriteItem", { item: id }));
    overwrite.addEventListener("click", () => guarded(() => overwriteHeld(item, li)));
    li.append(label, show, overwrite);
    list.append(li);
  }
}

/** The planner asked to replace a held item anyway: fetch fresh content if none came with it. */
async function overwriteHeld(item, li) {
  const { kind, id } = parseTag(item.tag);
  let { ooxml, hashes } = item;
  if (!ooxml) ({ ooxml, hashes } = await state.api.snippet(state.plan, state.number, kind, id, state.lang));
  const { recorded } = await word.replaceItem(item.id, ooxml, hashes);
  li.remove();
  if (!$("held").children.length) $("held-panel").hidden = true;
  say(recorded ? "overwritten" : "insertedUnrecorded", { item: id });
  $(($("held").children.length ? "held-heading" : "refresh")).focus();
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
