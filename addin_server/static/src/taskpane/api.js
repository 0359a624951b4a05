// Client of the docplan add-in API (/api/v1). Errors carry the server's Norwegian message.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || "http_error";
    this.location = (body && body.location) || {};
  }
}

export class ApiClient {
  constructor(baseUrl, token, fetchImpl = globalThis.fetch.bind(globalThis)) {
    this.baseUrl = baseUrl.replace(/\/$/, "") + "/api/v1";
    this.token = token;
    this.fetch = fetchImpl;
  }

  async request(method, path, { json, body, contentType } = {}) {
    const headers = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (contentType) {
      headers["Content-Type"] = contentType;
    }
    const response = await this.fetch(this.baseUrl + path, { method, headers, body });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  me() { return this.request("GET", "/me"); }
  plans() { return this.request("GET", "/plans"); }

  base(plan, number) {
    return `/plans/${encodeURIComponent(plan)}/municipalities/${encodeURIComponent(number)}`;
  }

  catalogue(plan, number) { return this.request("GET", `${this.base(plan, number)}/catalogue`); }

  snippet(plan, number, kind, id, lang = "nb") {
    const item = id.split("/").map(encodeURIComponent).join("/");
    return this.request("GET", `${this.base(plan, number)}/snippets/${kind}/${item}?lang=${lang}`);
  }

  /** Send the document: `{docx: Uint8Array}` as .docx bytes, or `{ooxml: string}` as JSON. */
  check(plan, number, doc) {
    const path = `${this.base(plan, number)}/check`;
    if (doc.docx) {
      return this.request("POST", path, {
        body: doc.docx,
        contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      });
    }
    return this.request("POST", path, { json: { ooxml: doc.ooxml } });
  }

  /** Ask which docplan controls to refresh: `request` is {items, edition?} (word.refreshRequest). */
  refresh(plan, number, request, lang = "nb") {
    return this.request("POST", `${this.base(plan, number)}/refresh?lang=${lang}`, { json: request });
  }
}

/** Return findings grouped by rule id, rules in first-seen order. */
export function groupFindings(findings) {
  const groups = new Map();
  for (const f of findings) {
    if (!groups.has(f.rule)) groups.set(f.rule, []);
    groups.get(f.rule).push(f);
  }
  return groups;
}

/** Return catalogue entries whose id or title contains every word of `query` (case-insensitive). */
export function filterItems(items, query) {
  const words = query.toLocaleLowerCase("nb").split(/\s+/).filter(Boolean);
  if (!words.length) return items;
  return items.filter((item) => {
    const hay = `${item.id} ${item.title} ${item.ref ?? ""}`.toLocaleLowerCase("nb");
    return words.every((w) => hay.includes(w));
  });
}
