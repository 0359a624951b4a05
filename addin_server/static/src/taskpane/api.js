// Client of the docplan add-in API (/api/v1), and the pure catalogue logic (search, goal tree, names).

/** @typedef {"nb" | "nn"} Lang */

/**
 * @typedef {object} Finding
 * @property {string} rule
 * @property {string} [title]
 * @property {"error" | "warning" | "info"} severity
 * @property {string} message
 * @property {string} [fix]
 * @property {string} [comment]
 * @property {string | null} [tag]
 * @property {{paragraph?: number | null}} [location]
 * @property {{text: string, occurrence: number} | null} [place]
 * @property {number} [id]
 */

/** A failed API call: the HTTP status, the server's code and its (Norwegian) message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {any} body
   * @param {number | null} [retryAfter]
   */
  constructor(status, body, retryAfter = null) {
    super((body && body.message) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    /** @type {string} */
    this.code = (body && body.code) || "http_error";
    this.location = (body && body.location) || {};
    this.retryAfter = retryAfter;
  }
}

/** The server did not answer at all (down, wrong address, blocked by a proxy or the network). */
export class UnreachableError extends Error {
  /** @param {string} server */
  constructor(server) {
    super(`no answer from ${server}`);
    this.name = "UnreachableError";
    this.server = server;
  }
}

/** The server took the request but gave no answer in time (hung, or a proxy that holds it). */
export class NoAnswerError extends Error {
  /** @param {string} server @param {number} seconds */
  constructor(server, seconds) {
    super(`no answer from ${server} within ${seconds} s`);
    this.name = "NoAnswerError";
    this.server = server;
    this.seconds = seconds;
  }
}

/** Seconds to wait for an answer: reading is quick; a check or refresh may queue for a worker first. */
export const TIMEOUTS = Object.freeze({ read: 30, work: 120 });

export class ApiClient {
  /**
   * @param {string} baseUrl where docplan is served (the API is at `<baseUrl>/api/v1`)
   * @param {string} token
   * @param {typeof fetch} [fetchImpl]
   * @param {{read: number, work: number}} [timeouts] seconds
   */
  constructor(baseUrl, token, fetchImpl = globalThis.fetch.bind(globalThis), timeouts = TIMEOUTS) {
    this.server = baseUrl.replace(/\/$/, "");
    this.baseUrl = this.server + "/api/v1";
    this.token = token;
    this.fetch = fetchImpl;
    this.timeouts = timeouts;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {{json?: any, body?: BodyInit, contentType?: string}} [options]
   * @returns {Promise<any>}
   */
  async request(method, path, { json, body, contentType } = {}) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (contentType) {
      headers["Content-Type"] = contentType;
    }
    const seconds = method === "GET" ? this.timeouts.read : this.timeouts.work;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), seconds * 1000);
    let response;
    let data = null;
    try {
      try {
        response = await this.fetch(this.baseUrl + path, { method, headers, body, signal: abort.signal });
      } catch {
        throw abort.signal.aborted ? new NoAnswerError(this.server, seconds) : new UnreachableError(this.server);
      }
      try {
        data = await response.json();
      } catch {
        if (abort.signal.aborted) throw new NoAnswerError(this.server, seconds);
        data = null;
      }
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const retry = Number(response.headers && response.headers.get ? response.headers.get("Retry-After") : NaN);
      throw new ApiError(response.status, data, Number.isFinite(retry) && retry > 0 ? retry : null);
    }
    return data;
  }

  me() { return this.request("GET", "/me"); }
  plans() { return this.request("GET", "/plans"); }

  /** @param {string} plan @param {string} number */
  base(plan, number) {
    return `/plans/${encodeURIComponent(plan)}/municipalities/${encodeURIComponent(number)}`;
  }

  /** @param {string} plan @param {string} number */
  catalogue(plan, number) { return this.request("GET", `${this.base(plan, number)}/catalogue`); }

  /** @param {string} plan @param {string} number @param {string} kind @param {string} id @param {Lang} [lang] */
  snippet(plan, number, kind, id, lang = "nb") {
    const item = id.split("/").map(encodeURIComponent).join("/");
    return this.request("GET", `${this.base(plan, number)}/snippets/${kind}/${item}?lang=${lang}`);
  }

  /**
   * Send the document: `{docx: Uint8Array}` as .docx bytes, or `{ooxml: string}` as JSON.
   * @param {string} plan @param {string} number @param {{docx?: Uint8Array, ooxml?: string}} doc @param {Lang} [lang]
   */
  check(plan, number, doc, lang = "nb") {
    const path = `${this.base(plan, number)}/check?lang=${lang}`;
    if (doc.docx) {
      return this.request("POST", path, {
        body: /** @type {BodyInit} */ (/** @type {unknown} */ (doc.docx)),
        contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      });
    }
    return this.request("POST", path, { json: { ooxml: doc.ooxml } });
  }

  /**
   * Ask which docplan controls to refresh: `request` is {items, edition?} (word.refreshRequest).
   * @param {string} plan @param {string} number @param {object} request @param {Lang} [lang]
   */
  refresh(plan, number, request, lang = "nb") {
    return this.request("POST", `${this.base(plan, number)}/refresh?lang=${lang}`, { json: request });
  }
}

/**
 * Return findings grouped by rule id, rules in first-seen order.
 * @param {Finding[]} findings
 * @returns {Map<string, Finding[]>}
 */
export function groupFindings(findings) {
  const groups = new Map();
  for (const f of findings) {
    if (!groups.has(f.rule)) groups.set(f.rule, []);
    groups.get(f.rule).push(f);
  }
  return groups;
}

// -- search ---------------------------------------------------------------------------------------------
// Letters without a decomposition that planners type without their mark: «moteplass» finds «møteplass».
/** @type {Record<string, string>} */
const FOLDED = { ø: "o", æ: "ae", œ: "oe", ß: "ss", đ: "d", ł: "l", ð: "d", þ: "th" };

/**
 * Return `text` for comparison: lower case, without diacritics (å → a, é → e, ø → o, æ → ae).
 * @param {unknown} text
 */
export function fold(text) {
  return String(text ?? "").toLocaleLowerCase("nb").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[øæœßđłðþ]/g, (c) => FOLDED[c]);
}

/**
 * Return the text a catalogue entry is found by: id, title, text, responsible, status, partners, reference.
 * @param {any} item
 */
export function searchText(item) {
  const partners = Array.isArray(item.partners) ? item.partners.join(" ") : "";
  return fold([item.id, item.title, item.text, item.responsible, item.status, partners, item.ref, item.plan_name]
    .filter(Boolean).join(" "));
}

/**
 * Return whether `item` has every word of `query` (diacritics and case ignored).
 * @param {any} item
 * @param {string} query
 */
export function matches(item, query) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = searchText(item);
  return words.every((w) => hay.includes(w));
}

/**
 * Return catalogue entries matching `query` (see `matches`).
 * @template T
 * @param {T[]} items
 * @param {string} query
 * @returns {T[]}
 */
export function filterItems(items, query) {
  return items.filter((item) => matches(item, query));
}

/**
 * @typedef {object} TreeNode
 * @property {"goal" | "measure"} kind
 * @property {"main" | "sub" | "measure"} level
 * @property {any} item
 * @property {TreeNode[]} children
 */

/**
 * Return the catalogue as a tree: hovedmål → delmål → tiltak (a tiltak under each goal it names, a
 * tiltak that names a hovedmål directly under it), and the tiltak that name no goal in the plan.
 * @param {{goals: any[], measures: any[]}} catalogue
 * @returns {{tree: TreeNode[], others: TreeNode[]}}
 */
export function goalTree(catalogue) {
  const placed = new Set();
  /** @param {string} goalId */
  const measuresOf = (goalId) => catalogue.measures.filter((m) => (m.goal_ids || []).includes(goalId)).map((m) => {
    placed.add(m.id);
    return /** @type {TreeNode} */ ({ kind: "measure", level: "measure", item: m, children: [] });
  });
  const tree = catalogue.goals.map((g) => /** @type {TreeNode} */ ({
    kind: "goal", level: "main", item: g,
    children: [
      ...(g.sub_goals || []).map((s) => /** @type {TreeNode} */ ({ kind: "goal", level: "sub", item: s, children: measuresOf(s.id) })),
      ...measuresOf(g.id),
    ],
  }));
  const others = catalogue.measures.filter((m) => !placed.has(m.id))
    .map((m) => /** @type {TreeNode} */ ({ kind: "measure", level: "measure", item: m, children: [] }));
  return { tree, others };
}

/**
 * Return the nodes to show for `query`: a node that matches keeps its whole subtree (its context); one
 * that does not is kept only for a descendant that matches, with just those descendants.
 * @param {TreeNode[]} nodes
 * @param {string} query
 * @returns {TreeNode[]}
 */
export function filterTree(nodes, query) {
  if (!fold(query).trim()) return nodes;
  /** @type {TreeNode[]} */
  const out = [];
  for (const node of nodes) {
    if (matches(node.item, query)) {
      out.push(node);
      continue;
    }
    const children = filterTree(node.children, query);
    if (children.length) out.push({ ...node, children });
  }
  return out;
}

/**
 * Return the short name of a plan for the pane's header: what follows the title's last « for » (where
 * plans name their region), with the period when the title has no year — «Østerdalen 2024–2027».
 * @param {{title: string, period?: {start_year: number, end_year: number}}} plan
 */
export function shortPlanName(plan) {
  const title = String(plan.title || "").trim();
  const at = title.toLocaleLowerCase("nb").lastIndexOf(" for ");
  let short = at >= 0 ? title.slice(at + 5).trim() : title;
  if (!short) short = title;
  if (plan.period && !/\b\d{4}\b/.test(short)) short = `${short} ${plan.period.start_year}–${plan.period.end_year}`;
  return short;
}
