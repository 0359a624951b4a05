// Word.run functions of the task pane; they use only the globals Office and Word, so the unit
// tests can replace both with office-addin-mock objects.

const SLICE_SIZE = 4 * 1024 * 1024;
const TAG_PREFIX = "docplan:";

/** Insert a flat-OPC snippet (tagged content controls) at the cursor, replacing any selection. */
export async function insertSnippet(ooxml) {
  return Word.run(async (context) => {
    const range = context.document.getSelection();
    range.insertOoxml(ooxml, "Replace");
    await context.sync();
  });
}

/** Return every docplan content control as {tag, text}, in document order. */
export async function listTaggedItems() {
  return Word.run(async (context) => {
    const controls = context.document.contentControls;
    controls.load("items");
    await context.sync();
    return controls.items
      .filter((c) => typeof c.tag === "string" && c.tag.startsWith(TAG_PREFIX))
      .map((c) => ({ tag: c.tag, text: c.text }));
  });
}

/**
 * Replace each control tagged `tag` with fresh OOXML (which carries its own tagged control).
 * Returns how many were replaced.
 */
export async function replaceTagged(tag, ooxml) {
  return Word.run(async (context) => {
    const controls = context.document.contentControls.getByTag(tag);
    controls.load("items");
    await context.sync();
    for (const control of controls.items) {
      control.cannotDelete = false;
      control.getRange("Whole").insertOoxml(ooxml, "Before");
      control.delete(false);
    }
    await context.sync();
    return controls.items.length;
  });
}

/**
 * Select the place a finding points at: its tagged control when it has one, otherwise its
 * paragraph (0-based index over the body's paragraphs, as the checker counts them).
 */
export async function selectFinding(finding) {
  return Word.run(async (context) => {
    if (finding.tag) {
      const controls = context.document.contentControls.getByTag(finding.tag);
      controls.load("items");
      await context.sync();
      if (controls.items.length) {
        controls.items[0].select();
        await context.sync();
        return true;
      }
    }
    const index = finding.location && finding.location.paragraph;
    if (typeof index !== "number") return false;
    const paragraphs = context.document.body.paragraphs;
    paragraphs.load("items");
    await context.sync();
    const paragraph = paragraphs.items[index];
    if (!paragraph) return false;
    paragraph.select();
    await context.sync();
    return true;
  });
}

/** Return true when Word can add comments (WordApi 1.4). */
export function commentsSupported() {
  return Boolean(Office.context.requirements.isSetSupported("WordApi", "1.4"));
}

/** Add one Word comment per finding that has a paragraph; return how many were added (0 without WordApi 1.4). */
export async function addFindingComments(findings) {
  if (!commentsSupported()) return 0;
  return Word.run(async (context) => {
    const paragraphs = context.document.body.paragraphs;
    paragraphs.load("items");
    await context.sync();
    let added = 0;
    for (const f of findings) {
      const paragraph = f.location && typeof f.location.paragraph === "number" ? paragraphs.items[f.location.paragraph] : null;
      if (!paragraph) continue;
      paragraph.getRange("Whole").insertComment(f.comment || `[${f.rule}] ${f.message}`);
      added += 1;
    }
    await context.sync();
    return added;
  });
}

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
  const file = await officeCall((cb) =>
    Office.context.document.getFileAsync(Office.FileType.Compressed, { sliceSize: SLICE_SIZE }, cb));
  try {
    const chunks = [];
    for (let i = 0; i < file.sliceCount; i += 1) {
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
    await new Promise((resolve) => file.closeAsync(() => resolve()));
  }
}

/** Return the body as flat OPC (used where getFileAsync fails, e.g. some Word on the web sessions). */
export async function readBodyOoxml() {
  return Word.run(async (context) => {
    const ooxml = context.document.body.getOoxml();
    await context.sync();
    return ooxml.value;
  });
}

/** Return the document for the check endpoint: {docx} when possible, else {ooxml}. */
export async function readDocument() {
  try {
    return { docx: await readDocumentFile() };
  } catch {
    return { ooxml: await readBodyOoxml() };
  }
}
