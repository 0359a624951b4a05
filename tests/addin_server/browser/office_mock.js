// Office.js replaced at the network boundary for the browser test: an in-memory Word document
// that records what the task pane does. __DOCX_BASE64__ is replaced by the test with a real .docx.
(function () {
  const log = [];
  const docx = Uint8Array.from(atob("__DOCX_BASE64__"), (c) => c.charCodeAt(0));
  const controls = [];
  const paragraphs = Array.from({ length: 400 }, (_, i) => ({
    text: "",
    select() { log.push({ op: "select-paragraph", index: i }); },
    getRange() { return { insertComment(text) { log.push({ op: "comment", index: i, text }); } }; },
  }));
  function collection(items) { return { items, load() { return this; } }; }
  function makeControl(tag) {
    return {
      tag, text: "", cannotDelete: true,
      select() { log.push({ op: "select-control", tag }); },
      delete() { log.push({ op: "delete", tag }); },
      getRange() { return { insertOoxml(xml, where) { log.push({ op: "insertOoxml", tag, where, xml }); } }; },
    };
  }
  const context = {
    document: {
      getSelection() {
        return { insertOoxml(xml, where) {
          log.push({ op: "insert", where, xml });
          for (const m of xml.matchAll(/w:tag w:val="([^"]+)"/g)) controls.push(makeControl(m[1]));
        } };
      },
      get contentControls() {
        const all = collection(controls);
        all.getByTag = (tag) => collection(controls.filter((c) => c.tag === tag));
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
  window.Word = { run: async (fn) => fn(context) };
  window.Office = {
    HostType: { Word: "Word" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    FileType: { Compressed: "compressed" },
    onReady(cb) { setTimeout(() => cb({ host: "Word", platform: "PC" }), 0); return Promise.resolve(); },
    context: {
      requirements: { isSetSupported: (set, v) => set === "WordApi" && Number(v) <= 1.4 },
      document: {
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
