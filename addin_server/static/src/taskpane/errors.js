// What the planner reads when something fails: every error becomes a message key (i18n.js) that says
// what happened and what to do — the server unreachable or busy, a wrong token, Word refusing a change.
import { ApiError, NoAnswerError, UnreachableError } from "./api.js";

/**
 * @typedef {import("./i18n.js").Key} Key
 * @typedef {{key: Key, values?: Record<string, string | number>}} Message
 */

// OfficeExtension.ErrorCodes (Word JavaScript API) → what it means for the planner.
/** @type {Record<string, Key>} */
const WORD_ERRORS = {
  AccessDenied: "wordAccessDenied",
  ItemNotFound: "wordItemNotFound",
  GeneralException: "wordGeneral",
  InvalidArgument: "wordInvalid",
  InvalidRequest: "wordInvalid",
  NotAllowed: "wordNotAllowed",
  ActivityLimitReached: "wordBusy",
  RequestPayloadSizeLimitExceeded: "wordTooLarge",
  ResponsePayloadSizeLimitExceeded: "wordTooLarge",
  ApiNotFound: "wordTooOld",
  Unauthenticated: "wordAccessDenied",
  InsufficientPermission: "wordAccessDenied",
};

// The server's error codes whose meaning the pane says in its own words (and in the chosen målform).
/** @type {Record<string, Key>} */
const SERVER_CODES = {
  busy: "serverBusy",
  too_many_jobs: "serverBusy",
  time_limit: "serverTimeLimit",
  engine_unavailable: "serverUnavailable",
  too_large: "tooLarge",
  response_too_large: "tooLarge",
  too_many_items: "tooLarge",
  too_many_tables: "tooLarge",
};

/**
 * Return the message for `error`: an API failure, an unreachable server, or an error Word raised.
 * @param {any} error
 * @returns {Message}
 */
export function describeError(error) {
  if (error instanceof UnreachableError) return { key: "unreachable", values: { server: error.server } };
  if (error instanceof NoAnswerError) return { key: "noAnswer", values: { server: error.server, seconds: error.seconds } };
  if (error instanceof ApiError) {
    if (error.status === 401) return { key: "tokenInvalid" };
    if (SERVER_CODES[error.code]) {
      return { key: SERVER_CODES[error.code], values: { seconds: error.retryAfter ?? 5, message: error.message } };
    }
    if (error.status === 502 || error.status === 503 || error.status === 504) {
      return { key: "serverUnavailable", values: { status: error.status } };
    }
    if (error.status >= 500) return { key: "serverFault" };
    return { key: "serverSaid", values: { message: error.message } };
  }
  const code = error && typeof error.code === "string" ? error.code : null;
  if (code && WORD_ERRORS[code]) return { key: WORD_ERRORS[code], values: { code } };
  if (code || (error && error.name === "OfficeExtension.Error")) return { key: "wordOther", values: { code: code || "?" } };
  if (error && typeof error.code === "number") return { key: "officeOther", values: { code: error.code } };
  return { key: "unexpected", values: { message: error && error.message ? String(error.message) : String(error) } };
}
