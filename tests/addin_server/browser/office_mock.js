// Office.js replaced at the network boundary for the browser test: an in-memory Word document
// that records what the task pane does. __DOCX_BASE64__ is replaced by the test with a real .docx.
// Inserted OOXML becomes content controls whose text is the snippet's text (as Word would show it);
// custom XML parts (docplan's state) live in `parts`. window.__seed/__edit/__controls/__stateXml let
// the test add controls, edit one "by hand" and inspect the document.
(function () {
  const log = [];
  const docx = Uint8Array.from(atob("__DOCX_BASE64__"), (c) => c.charCodeAt(0));
  const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  let controls = [];
  let nextId = 100;
  const paragraphs = Array.from({ length: 400 }, (_, i) => ({
    text: "",
    select() { log.push({ op: "select-paragraph", index: i }); },
    getRange() { return { insertComment(text) { log.push({ op: "comment", index: i, text }); } }; },
  }));
  function collection(items) { return { items, load() { return this; } }; }

  // Text of an element as docplan.ooxml.sdt.element_text reads it (w:t, tabs, breaks, paragraphs).
  function elementText(el) {
    const parts = [];
    (function walk(node) {
      if (node.namespaceURI === W) {
        if (node.localName === "t") { parts.push(node.textContent); return; }
        if (node.localName === "tab") parts.push("\t");
        else if (node.localName === "br") parts.push("\n");
        else if (node.localName === "p" && parts.length) parts.push("\n");
      }
      for (const child of Array.from(node.childNodes)) if (child.nodeType === 1) walk(child);
    })(el);
    return parts.join("");
  }

  function makeControl(tag, text) {
    const control = {
      id: nextId++, tag, text, cannotDelete: true,
      select() { log.push({ op: "select-control", tag, id: control.id }); },
      delete() { log.push({ op: "delete", tag, id: control.id }); controls = controls.filter((c) => c !== control); },
      getRange() {
        return { insertOoxml(xml, where) {
          log.push({ op: "insertOoxml", tag, id: control.id, where, xml });
          const added = controlsFrom(xml);
          controls.splice(controls.indexOf(control), 0, ...added);
          return { contentControls: collection(added) };
        } };
      },
    };
    return control;
  }

  function controlsFrom(xml) {
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    return Array.from(doc.getElementsByTagNameNS(W, "sdt")).map((sdt) => {
      const tag = sdt.getElementsByTagNameNS(W, "tag")[0];
      const content = sdt.getElementsByTagNameNS(W, "sdtContent")[0];
      return makeControl(tag ? tag.getAttributeNS(W, "val") : "", content ? elementText(content) : "");
    });
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
      getSelection() {
        return { insertOoxml(xml, where) {
          log.push({ op: "insert", where, xml });
          const added = controlsFrom(xml);
          controls.push(...added);
          return { contentControls: collection(added) };
        } };
      },
      get contentControls() {
        const all = collection(controls);
        all.getByTag = (tag) => collection(controls.filter((c) => c.tag === tag));
        all.getById = (id) => {
          const hit = controls.find((c) => c.id === id);
          if (!hit) throw new Error(`ItemNotFound: ${id}`);
          return hit;
        };
        return all;
      },
      body: {
        paragraphs: collection(paragraphs),
        getOoxml() { return { value: "" }; },
      },
    },
    sync: async () => {},
  };
  window.__wordLog = log;
  window.__seed = (tag, text) => { const c = makeControl(tag, text); controls.push(c); return c.id; };
  window.__edit = (id, text) => { controls.find((c) => c.id === id).text = text; };
  window.__controls = () => controls.map((c) => ({ id: c.id, tag: c.tag, text: c.text }));
  window.__stateXml = () => parts.map((p) => p.xml);
  window.__addPart = (xml) => { parts.push(makePart(xml)); };
  window.Word = { run: async (fn) => fn(context) };
  window.Office = {
    HostType: { Word: "Word" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    FileType: { Compressed: "compressed" },
    onReady(cb) { setTimeout(() => cb({ host: "Word", platform: "PC" }), 0); return Promise.resolve(); },
    context: {
      requirements: { isSetSupported: (set, v) => set === "WordApi" && Number(v) <= 1.4 },
      document: {
        customXmlParts: {
          getByNamespaceAsync(ns, cb) {
            const value = parts.filter((p) => {
              const root = new DOMParser().parseFromString(p.xml, "application/xml").documentElement;
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
