// Where the pane keeps the access token: for this session only (sessionStorage) unless the planner ticks
// «Husk meg på denne maskinen» (localStorage); «Logg ut» forgets it in both. The choice of plan and
// municipality is kept per document, in the document's own add-in settings (Office.Settings).

const TOKEN = "docplan.token";
const LANG = "docplan.lang";
const CHOICE = "docplan.choice";

/**
 * @param {"local" | "session"} which
 * @returns {Storage | null}
 */
function store(which) {
  try {
    return which === "local" ? globalThis.localStorage : globalThis.sessionStorage;
  } catch {
    return null; // storage switched off (private mode, policy): the pane still works, it just forgets
  }
}

/** Return {token, remembered}: the token of this session, else the remembered one, else null. */
export function loadToken() {
  const session = store("session")?.getItem(TOKEN);
  if (session) return { token: session, remembered: false };
  const local = store("local")?.getItem(TOKEN);
  return local ? { token: local, remembered: true } : { token: null, remembered: false };
}

/**
 * Keep `token` for this session, and on this machine too when `remember`; never in both places.
 * @param {string} token
 * @param {boolean} remember
 */
export function saveToken(token, remember) {
  forgetToken();
  store(remember ? "local" : "session")?.setItem(TOKEN, token);
}

/** Forget the token everywhere («Logg ut»). */
export function forgetToken() {
  store("session")?.removeItem(TOKEN);
  store("local")?.removeItem(TOKEN);
}

/** @returns {"nb" | "nn" | null} the målform the planner chose last time on this machine */
export function loadLanguage() {
  const lang = store("local")?.getItem(LANG);
  return lang === "nn" || lang === "nb" ? lang : null;
}

/** @param {"nb" | "nn"} lang */
export function saveLanguage(lang) {
  store("local")?.setItem(LANG, lang);
}

/**
 * Return the plan and municipality chosen for this document ({plan, number}), or null.
 * @returns {{plan: string, number: string} | null}
 */
export function loadChoice() {
  try {
    const value = Office.context.document.settings.get(CHOICE);
    if (value && typeof value.plan === "string" && typeof value.number === "string") {
      return { plan: value.plan, number: value.number };
    }
  } catch {
    // a host without document settings: nothing remembered
  }
  return null;
}

/**
 * Remember the plan and municipality in the document (saved with it, so reopening it restores them).
 * Returns whether Word saved the setting.
 * @param {{plan: string, number: string}} choice
 * @returns {Promise<boolean>}
 */
export function saveChoice(choice) {
  return new Promise((resolve) => {
    try {
      const settings = Office.context.document.settings;
      settings.set(CHOICE, { plan: choice.plan, number: choice.number });
      settings.saveAsync((result) => resolve(result.status === Office.AsyncResultStatus.Succeeded));
    } catch {
      resolve(false);
    }
  });
}
