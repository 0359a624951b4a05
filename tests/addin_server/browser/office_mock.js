// Office.js replaced at the network boundary for the browser test: an in-memory Word document that
// records what the task pane does. __DOCX_BASE64__ is replaced by the test with a real .docx (what
// getFileAsync returns for «Kontroller dokumentet»).
//
// The body is a real WordprocessingML DOM (empty, or a document.xml the test loads): every w:sdt is
// a content control, with Word's subtype read from where it sits, its parent control, its locks
// (w:lock), its text and its OOXML. insertOoxml puts the package's body content into that DOM, so a
// replaced control's children, texts and OOXML are what Word would give the pane next time; like Word,
// insertOoxml around a table row or cell is refused (GeneralException). Custom XML parts (docplan's
// state) live in `parts`, comments in `comments` (on ranges body.search found), the add-in's document
// settings in `settings`. window.__loadDocument/__seed/__edit/__replaceText/__controls/__stateXml/
// __addPart/__addComment/__comments/__settings/__placeCursor/__typeParagraph let the test build and
// inspect the document.
//
// Like Word, context.sync() goes to the host and back (a few milliseconds, not at once), and the host is
// described by window.__mockOptions (set by the test before the page loads): {wordApi: "1.6" (highest
// WordApi version), common: ["CustomXmlParts", "CompressedFile", "Settings"] (Common API sets),
// settings: {} (the document's saved add-in settings), displayLanguage: "nb-NO", host: "Word"}.
(function () {
  const options = Object.assign({ wordApi: "1.6", common: ["CustomXmlParts", "CompressedFile", "Settings"],
    settings: {}, displayLanguage: "nb-NO", host: "Word", syncDelay: 5 }, window.__mockOptions || {});
  const log = [];
  const docx = Uint8Array.from(atob("__DOCX_BASE64__"), (c) => c.charCodeAt(0));
  const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  const PKG = "http://schemas.microsoft.com/office/2006/xmlPackage";
  const RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
  const INLINE_PARENTS = new Set(["p", "hyperlink", "smartTag", "fldSimple", "ins", "del"]);
  const parse = (xml) => new DOMParser().parseFromString(xml, "application/xml");
  const isW = (node, name) => node && node.nodeType === 1 && node.namespaceURI === W && node.localName === name;
  const wChild = (el, name) => Array.from(el.childNodes).find((n) => isW(n, name)) || null;
  let doc = parse(`<w:document xmlns:w="${W}"><w:body/></w:document>`);
  const body = () => doc.getElementsByTagNameNS(W, "body")[0];
  const ids = new WeakMap();
  let nextId = 100;

  function generalException(message) {
    const error = new Error(`GeneralException: ${message}`);
    error.code = "GeneralException";
    return error;
  }

  function collection(items) { return { items, load() { return this; } }; }
  function allSdts() { return Array.from(body().getElementsByTagNameNS(W, "sdt")); }
  function idOf(sdt) {
    if (!ids.has(sdt)) ids.set(sdt, nextId++);
    return ids.get(sdt);
  }
  function sdtById(id) { return allSdts().find((s) => idOf(s) === id) || null; }

  function tagOf(sdt) {
    const pr = wChild(sdt, "sdtPr");
    const tag = pr && wChild(pr, "tag");
    return tag ? tag.getAttributeNS(W, "val") : "";
  }

  function lockOf(sdt) {
    const pr = wChild(sdt, "sdtPr");
    const lock = pr && wChild(pr, "lock");
    return lock ? lock.getAttributeNS(W, "val") : "unlocked";
  }

  function setLock(sdt, cannotDelete, cannotEdit) {
    const pr = wChild(sdt, "sdtPr");
    let lock = wChild(pr, "lock");
    if (!lock) {
      lock = doc.createElementNS(W, "w:lock");
      pr.appendChild(lock);
    }
    const val = cannotDelete && cannotEdit ? "sdtContentLocked" : cannotDelete ? "sdtLocked"
      : cannotEdit ? "contentLocked" : "unlocked";
    lock.setAttributeNS(W, "w:val", val);
  }

  // ContentControl.subtype, from the control's place (docplan.ooxml.sdt.shape reads it the same way).
  function subtypeOf(sdt) {
    const parent = sdt.parentNode;
    if (parent.namespaceURI === W && INLINE_PARENTS.has(parent.localName)) return "RichTextInline";
    if (isW(parent, "tbl")) return "RichTextTableRow";
    if (isW(parent, "tr")) return "RichTextTableCell";
    const content = wChild(sdt, "sdtContent");
    const first = content && Array.from(content.childNodes).find((n) => n.nodeType === 1);
    return isW(first, "tbl") ? "RichTextTable" : "RichTextParagraphs";
  }

  // Text as docplan.ooxml.text.element_text reads it: runs' text, tabs, breaks, paragraphs on new lines.
  function elementText(el) {
    const parts = [];
    (function walk(node) {
      if (isW(node, "t")) { parts.push(node.textContent); return; }
      if (isW(node, "tab")) parts.push("\t");
      else if (isW(node, "br") || isW(node, "cr")) parts.push("\n");
      else if (isW(node, "p") && parts.length) parts.push("\n");
      for (const child of Array.from(node.childNodes)) if (child.nodeType === 1) walk(child);
    })(el);
    return parts.join("");
  }

  function textOf(sdt) {
    const content = wChild(sdt, "sdtContent");
    return content ? elementText(content) : "";
  }

  function parentSdt(sdt) {
    for (let node = sdt.parentNode; node && node !== body(); node = node.parentNode) if (isW(node, "sdt")) return node;
    return null;
  }

  function flatOpc(documentXml) {
    return `<pkg:package xmlns:pkg="${PKG}">`
      + `<pkg:part pkg:name="/_rels/.rels" pkg:contentType="application/vnd.openxmlformats-package.relationships+xml">`
      + `<pkg:xmlData><Relationships xmlns="${RELS}"><Relationship Id="rId1" `
      + `Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" `
      + `Target="word/document.xml"/></Relationships></pkg:xmlData></pkg:part>`
      + `<pkg:part pkg:name="/word/document.xml" `
      + `pkg:contentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml">`
      + `<pkg:xmlData>${documentXml}</pkg:xmlData></pkg:part></pkg:package>`;
  }

  // Range.getOoxml() of a control's whole range: the control in what it needs around it.
  function ooxmlOf(sdt) {
    const out = document.implementation.createDocument(W, "w:document", null);
    const outBody = out.documentElement.appendChild(out.createElementNS(W, "w:body"));
    let holder = outBody;
    const wrap = { RichTextInline: ["p"], RichTextTableRow: ["tbl"], RichTextTableCell: ["tbl", "tr"] }[subtypeOf(sdt)] || [];
    for (const name of wrap) holder = holder.appendChild(out.createElementNS(W, `w:${name}`));
    holder.appendChild(out.importNode(sdt, true));
    return flatOpc(new XMLSerializer().serializeToString(out.documentElement));
  }

  function packageBody(xml) {
    const pkg = parse(xml);
    const found = pkg.getElementsByTagNameNS(W, "body")[0];
    if (!found) throw generalException("the OOXML has no w:body");
    return Array.from(found.childNodes).filter((n) => n.nodeType === 1 && !isW(n, "sectPr"));
  }

  function insertedRange(nodes) {
    const controls = nodes.flatMap((n) => [...(isW(n, "sdt") ? [n] : []), ...Array.from(n.getElementsByTagNameNS(W, "sdt"))]);
    return {
      contentControls: collection(controls.map(control)),
      delete() {
        log.push({ op: "deleteRange", count: nodes.length });
        for (const n of nodes) if (n.parentNode) n.parentNode.removeChild(n);
      },
    };
  }

  const NULL_CONTROL = { isNullObject: true, load() { return this; } };

  function control(sdt) {
    const c = {
      isNullObject: false,
      get id() { return idOf(sdt); },
      get tag() { return tagOf(sdt); },
      get text() { return textOf(sdt); },
      get subtype() { return subtypeOf(sdt); },
      get cannotDelete() { return ["sdtLocked", "sdtContentLocked"].includes(lockOf(sdt)); },
      set cannotDelete(value) { setLock(sdt, Boolean(value), c.cannotEdit); },
      get cannotEdit() { return ["contentLocked", "sdtContentLocked"].includes(lockOf(sdt)); },
      set cannotEdit(value) { setLock(sdt, c.cannotDelete, Boolean(value)); },
      get parentContentControlOrNullObject() {
        const up = parentSdt(sdt);
        return up ? control(up) : NULL_CONTROL;
      },
      load() { return c; },
      select() { log.push({ op: "select-control", tag: c.tag, id: c.id }); },
      delete(keepContent) {
        if (!sdt.parentNode) throw new Error(`ItemNotFound: ${c.id}`);
        if (c.cannotDelete || (!keepContent && c.cannotEdit)) throw new Error(`AccessDenied: ${c.tag} is locked`);
        log.push({ op: "delete", tag: c.tag, id: c.id });
        sdt.parentNode.removeChild(sdt);
      },
      getRange() {
        return {
          insertOoxml(xml, where) {
            log.push({ op: "insertOoxml", tag: c.tag, id: c.id, where, xml });
            const subtype = subtypeOf(sdt);
            if (where !== "Before") throw generalException(`the mock inserts only Before, not ${where}`);
            if (subtype === "RichTextTableRow" || subtype === "RichTextTableCell") {
              throw generalException("insertOoxml is refused around a table row or cell");
            }
            let nodes = packageBody(xml);
            if (subtype === "RichTextInline") {
              if (nodes.length !== 1 || !isW(nodes[0], "p")) throw generalException("inline content must be one paragraph");
              nodes = Array.from(nodes[0].childNodes).filter((n) => n.nodeType === 1 && !isW(n, "pPr"));
            }
            const added = nodes.map((n) => sdt.parentNode.insertBefore(doc.importNode(n, true), sdt));
            return insertedRange(added);
          },
          getOoxml() { return { value: ooxmlOf(sdt) }; },
        };
      },
    };
    return c;
  }

  function paragraphWith(text) {
    const p = doc.createElementNS(W, "w:p");
    const t = p.appendChild(doc.createElementNS(W, "w:r")).appendChild(doc.createElementNS(W, "w:t"));
    t.textContent = text;
    return p;
  }

  function appendToBody(nodes) {
    const sectPr = wChild(body(), "sectPr");
    return nodes.map((n) => body().insertBefore(doc.importNode(n, true), sectPr));
  }

  // -- comments (WordApi 1.4) ----------------------------------------------------------------------------
  let comments = [];
  function comment(entry) {
    return {
      get content() { return entry.content; },
      delete() {
        log.push({ op: "deleteComment", content: entry.content });
        comments = comments.filter((c) => c !== entry);
      },
    };
  }
  // body.search: each match of `text` (case as given) inside one body paragraph, text boxes left out.
  function bodyParagraphs() {
    return Array.from(body().getElementsByTagNameNS(W, "p")).filter((p) => {
      for (let n = p.parentNode; n && n !== body(); n = n.parentNode) if (isW(n, "txbxContent")) return false;
      return true;
    });
  }

  function search(text, searchOptions) {
    if (text.length > 255) throw generalException("search text longer than 255 characters");
    log.push({ op: "search", text, matchCase: Boolean(searchOptions && searchOptions.matchCase) });
    const wanted = text.replace(/\^\^/g, "^");
    const ranges = [];
    for (const p of bodyParagraphs()) {
      const own = elementText(p);
      for (let at = own.indexOf(wanted); at >= 0; at = own.indexOf(wanted, at + wanted.length)) {
        const index = ranges.length;
        ranges.push({
          text: wanted,
          select() { log.push({ op: "select-range", text: wanted, index }); },
          insertComment(comment) {
            log.push({ op: "comment", text: comment, at: wanted, index });
            comments.push({ content: comment, paragraph: wanted });
          },
        });
      }
    }
    return collection(ranges);
  }

  // The cursor: at the end of the body, or in a table, or inside the control with this id.
  let cursor = { table: false, control: null };
  function selection() {
    const inControl = cursor.control !== null ? sdtById(cursor.control) : null;
    return {
      parentTableOrNullObject: cursor.table ? { isNullObject: false, load() { return this; } } : NULL_CONTROL,
      parentContentControlOrNullObject: inControl ? control(inControl) : NULL_CONTROL,
      insertOoxml(xml, where) {
        log.push({ op: "insert", where, xml });
        return insertedRange(appendToBody(packageBody(xml)));
      },
    };
  }

  // paragraph events (WordApi 1.6): the planner typing fires them
  const paragraphHandlers = [];
  const paragraphEvent = () => ({ add(handler) { paragraphHandlers.push(handler); return {}; } });

  const settings = {
    values: JSON.parse(JSON.stringify(options.settings || {})),
    saved: JSON.parse(JSON.stringify(options.settings || {})),
    get(name) { return name in this.values ? this.values[name] : null; },
    set(name, value) { this.values[name] = JSON.parse(JSON.stringify(value)); },
    remove(name) { delete this.values[name]; },
    saveAsync(cb) {
      this.saved = JSON.parse(JSON.stringify(this.values));
      log.push({ op: "saveSettings", values: this.saved });
      if (cb) cb({ status: "succeeded" });
    },
  };

  function supports(set, version) {
    const number = (v) => String(v).split(".").map(Number);
    if (set === "WordApi") {
      const [a, b] = [number(version || "1.1"), number(options.wordApi)];
      return a[0] < b[0] || (a[0] === b[0] && (a[1] || 0) <= (b[1] || 0));
    }
    return options.common.includes(set);
  }

  const parts = [];
  let nextPart = 1;
  function makePart(xml) {
    const part = {
      id: `{PART-${nextPart++}}`, xml,
      getXmlAsync(cb) { cb({ status: "succeeded", value: part.xml }); },
      deleteAsync(cb) { parts.splice(parts.indexOf(part), 1); log.push({ op: "deletePart", id: part.id }); cb({ status: "succeeded" }); },
    };
    return part;
  }

  const context = {
    document: {
      getSelection: selection,
      onParagraphAdded: paragraphEvent(),
      onParagraphChanged: paragraphEvent(),
      onParagraphDeleted: paragraphEvent(),
      get contentControls() {
        const all = collection(allSdts().map(control));
        all.getByTag = (tag) => collection(allSdts().filter((s) => tagOf(s) === tag).map(control));
        all.getById = (id) => {
          const hit = sdtById(id);
          if (!hit) throw new Error(`ItemNotFound: ${id}`);
          return control(hit);
        };
        all.getByIdOrNullObject = (id) => {
          const hit = sdtById(id);
          return hit ? control(hit) : NULL_CONTROL;
        };
        return all;
      },
      body: {
        search,
        getComments() { return collection(comments.map(comment)); },
        getOoxml() { return { value: flatOpc(new XMLSerializer().serializeToString(doc.documentElement)) }; },
      },
    },
    sync: () => new Promise((resolve) => setTimeout(resolve, options.syncDelay)),
  };
  window.__wordLog = log;
  window.__loadDocument = (xml) => { doc = parse(xml); allSdts().forEach(idOf); };
  window.__seed = (tag, text) => {
    const sdt = doc.createElementNS(W, "w:sdt");
    const pr = sdt.appendChild(doc.createElementNS(W, "w:sdtPr"));
    pr.appendChild(doc.createElementNS(W, "w:tag")).setAttributeNS(W, "w:val", tag);
    pr.appendChild(doc.createElementNS(W, "w:lock")).setAttributeNS(W, "w:val", "sdtLocked");
    sdt.appendChild(doc.createElementNS(W, "w:sdtContent")).appendChild(paragraphWith(text));
    const [added] = appendToBody([sdt]);
    return idOf(added);
  };
  // The planner rewrites a control's whole content (its nested controls go with it).
  window.__edit = (id, text) => {
    const sdt = sdtById(id);
    const content = wChild(sdt, "sdtContent");
    const inline = subtypeOf(sdt) === "RichTextInline";
    const fresh = inline ? paragraphWith(text).firstChild : paragraphWith(text);
    while (content.firstChild) content.removeChild(content.firstChild);
    content.appendChild(fresh);
  };
  // The planner changes a few words inside a control (its structure stays).
  window.__replaceText = (id, before, after) => {
    const t = Array.from(sdtById(id).getElementsByTagNameNS(W, "t")).find((n) => n.textContent.includes(before));
    t.textContent = t.textContent.replace(before, after);
  };
  window.__controls = () => allSdts().map((s) => ({ id: idOf(s), tag: tagOf(s), text: textOf(s), subtype: subtypeOf(s) }));
  window.__stateXml = () => parts.map((p) => p.xml);
  window.__addPart = (xml) => { parts.push(makePart(xml)); };
  window.__addComment = (text) => { comments.push({ content: text, paragraph: "" }); };
  window.__comments = () => comments.map((c) => c.content);
  window.__settings = () => settings.saved;
  window.__placeCursor = (where) => { cursor = { table: false, control: null, ...where }; };
  // The planner types a new paragraph at the end: Word reports it (onParagraphAdded, WordApi 1.6).
  window.__typeParagraph = (text) => {
    appendToBody([paragraphWith(text)]);
    for (const handler of paragraphHandlers) handler({ type: "ParagraphAdded" });
  };
  // The planner deletes every control tagged `tag`, with its content (without the events of WordApi 1.6).
  window.__deleteControls = (tag) => {
    for (const sdt of allSdts()) if (tagOf(sdt) === tag && sdt.parentNode) sdt.parentNode.removeChild(sdt);
  };
  // The planner deletes every paragraph holding `text` (without the events of WordApi 1.6).
  window.__deleteParagraphsWith = (text) => {
    for (const p of bodyParagraphs()) if (elementText(p).includes(text) && p.parentNode) p.parentNode.removeChild(p);
  };
  window.Word = { run: async (fn) => fn(context) };
  window.Office = {
    HostType: { Word: "Word", Excel: "Excel" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    FileType: { Compressed: "compressed" },
    onReady(cb) { setTimeout(() => cb({ host: options.host, platform: "PC" }), 0); return Promise.resolve(); },
    context: {
      displayLanguage: options.displayLanguage,
      requirements: { isSetSupported: supports },
      document: {
        settings,
        customXmlParts: {
          getByNamespaceAsync(ns, cb) {
            const value = parts.filter((p) => {
              const root = parse(p.xml).documentElement;
              return root && root.namespaceURI === ns;
            });
            cb({ status: "succeeded", value });
          },
          addAsync(xml, cb) {
            const part = makePart(xml);
            parts.push(part);
            log.push({ op: "addPart", id: part.id, xml });
            cb({ status: "succeeded", value: part });
          },
        },
        getFileAsync(type, options, cb) {
          const size = options.sliceSize;
          const count = Math.ceil(docx.length / size);
          log.push({ op: "getFileAsync", type, count });
          cb({ status: "succeeded", value: {
            sliceCount: count,
            getSliceAsync(i, done) { done({ status: "succeeded", value: { data: Array.from(docx.subarray(i * size, (i + 1) * size)) } }); },
            closeAsync(done) { log.push({ op: "close" }); done({ status: "succeeded" }); },
          } });
        },
      },
    },
  };
})();
