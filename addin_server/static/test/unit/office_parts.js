// Test doubles for the Common API's custom XML parts, shared by the unit tests (not a test file itself).

/** Return a `customXmlParts` stand-in holding `initial` parts; adds and deletes are logged in `log`. */
export function customXmlParts(initial, log) {
  const parts = [];
  let next = 1;
  const make = (xml) => {
    const part = {
      id: `part${next++}`, xml,
      getXmlAsync(cb) { cb({ status: "succeeded", value: part.xml }); },
      deleteAsync(cb) { parts.splice(parts.indexOf(part), 1); log.push(["deletePart", part.id]); cb({ status: "succeeded" }); },
    };
    return part;
  };
  for (const xml of initial) parts.push(make(xml));
  return {
    parts,
    getByNamespaceAsync(ns, cb) { cb({ status: "succeeded", value: parts.filter((p) => p.xml.includes(`xmlns="${ns}"`)) }); },
    addAsync(xml, cb) {
      const part = make(xml);
      parts.push(part);
      log.push(["addPart", part.id, xml]);
      cb({ status: "succeeded", value: part });
    },
  };
}

/** Requirement sets of a current Word (Microsoft 365 on Windows has more; the pane needs no more). */
export const SETS = Object.freeze({ WordApi: "1.4", CustomXmlParts: "1.1", CompressedFile: "1.1", Settings: "1.1" });

/** Return `Office.context.requirements` offering `sets` (set name → highest version). */
export function requirements(sets = SETS) {
  const number = (v) => String(v).split(".").map(Number);
  const atMost = (a, b) => {
    const [x, y] = [number(a), number(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i += 1) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) < (y[i] || 0);
    return true;
  };
  return { isSetSupported: (name, version) => name in sets && (version === undefined || atMost(version, sets[name])) };
}

/** Return an `Office` global whose document has `xmlParts`, offering the requirement sets `sets`. */
export function officeMock(xmlParts, sets = SETS) {
  return { AsyncResultStatus: { Succeeded: "succeeded" }, context: { requirements: requirements(sets),
    document: { customXmlParts: xmlParts } } };
}

/**
 * Give each test a fresh `Office` global with empty custom XML parts; return a holder whose `log` and
 * `parts` are the current test's.
 */
export function freshOfficeEachTest(beforeEach) {
  const current = { log: [], parts: null };
  beforeEach(() => {
    current.log = [];
    current.parts = customXmlParts([], current.log);
    globalThis.Office = officeMock(current.parts);
  });
  return current;
}
