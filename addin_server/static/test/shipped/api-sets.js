// Which Word API requirement set each member the pane uses needs, read from Microsoft's own typings
// (@types/office-js: "[Api set: WordApi 1.4]" in each member's documentation), and whether a member
// beyond the manifest's minimum is used only behind a run-time guard. Not a test file itself.
import path from "node:path";
import ts from "typescript";

/** The set the manifest requires (<Set Name="WordApi" MinVersion="1.3"/>): usable without a guard. */
export const MINIMUM = "1.3";
const API_SET = /\[Api set: ([^\]]+)\]/;

/** @param {string} a @param {string} b */
export function compareVersions(a, b) {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  return 0;
}

/** Return the compiler options of tsconfig.json in `root`. */
export function compilerOptions(root) {
  const file = ts.findConfigFile(root, ts.sys.fileExists, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return parsed;
}

/** Return whether `declaration` is inside `declare namespace Word` of the typings. */
function inWordNamespace(declaration) {
  for (let node = declaration.parent; node; node = node.parent) {
    if (ts.isModuleDeclaration(node) && node.name.getText() === "Word") return true;
  }
  return false;
}

/** Return the API set of `symbol` as {name, version} (e.g. WordApi 1.4), or null when it names none. */
function apiSet(symbol, checker) {
  const texts = [ts.displayPartsToString(symbol.getDocumentationComment(checker)),
    ...symbol.getJsDocTags(checker).map((tag) => ts.displayPartsToString(tag.text))];
  for (const text of texts) {
    const found = API_SET.exec(text);
    if (found) {
      const [name, version = ""] = found[1].trim().split(/\s+/);
      return { name, version };
    }
  }
  return null;
}

/** Return the WordApi versions the functions around `node` check at run time with wordApi("x.y"). */
function guards(node) {
  const out = [];
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p) && p.body) {
      for (const m of p.body.getText().matchAll(/wordApi\("(\d+\.\d+)"\)/g)) out.push(m[1]);
    }
  }
  return out;
}

/**
 * Return {uses, problems} for the source files `files`: every Word member used with its API set, and
 * each use that needs more than `MINIMUM` without a guard, or a set other than WordApi (WordApiDesktop,
 * WordApiOnline, preview sets), which a planner's Word may not have at all.
 */
export function audit(files, options) {
  const program = ts.createProgram(files, options);
  const checker = program.getTypeChecker();
  const uses = [];
  const problems = [];
  const wanted = new Set(files.map((f) => path.resolve(f)));
  for (const source of program.getSourceFiles()) {
    if (!wanted.has(path.resolve(source.fileName))) continue;
    const visit = (node) => {
      if (ts.isPropertyAccessExpression(node)) {
        const symbol = checker.getSymbolAtLocation(node.name);
        const declaration = symbol && symbol.declarations && symbol.declarations[0];
        if (declaration && declaration.getSourceFile().fileName.includes("@types/office-js") && inWordNamespace(declaration)) {
          const set = apiSet(symbol, checker);
          const where = `${path.basename(source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          const use = { member: node.name.getText(), set: set ? `${set.name} ${set.version}`.trim() : "?", where };
          uses.push(use);
          if (!set) {
            // a type or namespace, not an API call (e.g. Word.RequestContext in a JSDoc cast)
          } else if (set.name !== "WordApi") {
            problems.push({ ...use, why: `${set.name} is not in every Word the pane supports` });
          } else if (compareVersions(set.version, MINIMUM) > 0 &&
            !guards(node).some((v) => compareVersions(v, set.version) >= 0)) {
            problems.push({ ...use, why: `needs ${use.set} but no wordApi("${set.version}") guards it` });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { uses, problems };
}
