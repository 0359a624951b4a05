# cython: language_level=3
"""The checker's readings, compiled: the main part's facts as ``docview._Walk`` reads them in Python,
a styles part's facts as ``docview._heading_styles`` and ``_part_language`` read them, and the rows
of flat tables.

`walk` and `styles` read a part's bytes with expat (the parser of Python's own ``pyexpat``, reached
through the C API it exports for other parser modules) without building a tree: the handlers keep
what the checker needs in C arrays, with the GIL released, and Python objects are made once at the
end. They give up (return None), and the Python reading parses the part with lxml, where the main
part nests paragraphs or tables, where expat finds an error (lxml then tells what is wrong, as
before), and wherever expat and lxml might disagree about a part: a DOCTYPE, a namespace prefix that
is not declared, WordprocessingML's namespace bound to another prefix further in, two attributes
with one name under prefixes bound to one namespace, more elements in one another than lxml accepts,
names longer than it accepts, and the like.
"""

from cpython.pycapsule cimport PyCapsule_Import
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdlib cimport free, realloc
from libc.string cimport memchr, memcmp, memcpy, memset, strchr, strcmp, strlen, strncmp

cdef const char* W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
cdef const char* WP_NS = b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
cdef const char* XML_NS = b"http://www.w3.org/XML/1998/namespace"
cdef const char* XMLNS_NS = b"http://www.w3.org/2000/xmlns/"
cdef const char* DOCPLAN = b"docplan:"
cdef const char* EMPTY = b""


cdef extern from *:
    """
    typedef struct XML_ParserStruct *dp_XML_Parser;
    typedef void (*dp_start_handler)(void *, const char *, const char **);
    typedef void (*dp_end_handler)(void *, const char *);
    typedef void (*dp_chars_handler)(void *, const char *, int);
    typedef void (*dp_comment_handler)(void *, const char *);
    typedef void (*dp_pi_handler)(void *, const char *, const char *);
    typedef void (*dp_doctype_handler)(void *, const char *, const char *, const char *, int);
    /* The head of Python's struct PyExpat_CAPI (Include/pyexpat.h, "pyexpat.expat_CAPI 1.1"), which
       grows at its end only. XML_Char is char: Python's expat is not built for wide characters. */
    struct dp_expat_capi {
        char *magic;
        int size;
        int MAJOR_VERSION, MINOR_VERSION, MICRO_VERSION;
        const char *(*ErrorString)(int);
        int (*GetErrorCode)(dp_XML_Parser);
        unsigned long (*GetErrorColumnNumber)(dp_XML_Parser);
        unsigned long (*GetErrorLineNumber)(dp_XML_Parser);
        int (*Parse)(dp_XML_Parser, const char *, int, int);
        dp_XML_Parser (*ParserCreate_MM)(const char *, const void *, const char *);
        void (*ParserFree)(dp_XML_Parser);
        void (*SetCharacterDataHandler)(dp_XML_Parser, dp_chars_handler);
        void (*SetCommentHandler)(dp_XML_Parser, dp_comment_handler);
        void (*SetDefaultHandlerExpand)(dp_XML_Parser, void *);
        void (*SetElementHandler)(dp_XML_Parser, dp_start_handler, dp_end_handler);
        void (*SetNamespaceDeclHandler)(dp_XML_Parser, void *, void *);
        void (*SetProcessingInstructionHandler)(dp_XML_Parser, dp_pi_handler);
        void (*SetUnknownEncodingHandler)(dp_XML_Parser, void *, void *);
        void (*SetUserData)(dp_XML_Parser, void *);
        void (*SetStartDoctypeDeclHandler)(dp_XML_Parser, dp_doctype_handler);
    };
    """
    ctypedef void* dp_XML_Parser
    ctypedef void (*dp_start_handler)(void*, const char*, const char**) noexcept nogil
    ctypedef void (*dp_end_handler)(void*, const char*) noexcept nogil
    ctypedef void (*dp_chars_handler)(void*, const char*, int) noexcept nogil
    ctypedef void (*dp_comment_handler)(void*, const char*) noexcept nogil
    ctypedef void (*dp_pi_handler)(void*, const char*, const char*) noexcept nogil
    ctypedef void (*dp_doctype_handler)(void*, const char*, const char*, const char*, int) noexcept nogil

    struct dp_expat_capi:
        char* magic
        int size
        int (*Parse)(dp_XML_Parser, const char*, int, int) noexcept nogil
        dp_XML_Parser (*ParserCreate_MM)(const char*, const void*, const char*) noexcept nogil
        void (*ParserFree)(dp_XML_Parser) noexcept nogil
        void (*SetCharacterDataHandler)(dp_XML_Parser, dp_chars_handler) noexcept nogil
        void (*SetCommentHandler)(dp_XML_Parser, dp_comment_handler) noexcept nogil
        void (*SetElementHandler)(dp_XML_Parser, dp_start_handler, dp_end_handler) noexcept nogil
        void (*SetProcessingInstructionHandler)(dp_XML_Parser, dp_pi_handler) noexcept nogil
        void (*SetUserData)(dp_XML_Parser, void*) noexcept nogil
        void (*SetStartDoctypeDeclHandler)(dp_XML_Parser, dp_doctype_handler) noexcept nogil


cdef dp_expat_capi* _expat_capi():
    """Python's expat, or NULL where its C API is not the one declared above."""
    cdef dp_expat_capi* capi
    try:
        capi = <dp_expat_capi*>PyCapsule_Import("pyexpat.expat_CAPI", 0)
    except Exception:
        return NULL
    if capi is NULL or strcmp(capi.magic, "pyexpat.expat_CAPI 1.1") != 0 or capi.size < sizeof(dp_expat_capi):
        return NULL
    return capi


cdef dp_expat_capi* EXPAT = _expat_capi()
#: whether `walk` can read documents (Python's expat exports the C API it needs)
AVAILABLE = EXPAT is not NULL


# -- growable C arrays (the handlers run without the GIL: no Python object until the walk ends) ---
cdef struct Buffer:  # bytes
    char* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int buffer_add(Buffer* buf, const char* text, Py_ssize_t n) noexcept nogil:
    """Append ``n`` bytes; -1 when out of memory."""
    cdef Py_ssize_t need = buf.size + n
    cdef char* grown
    if need > buf.capacity:
        grown = <char*>realloc(buf.data, need * 2 + 256)
        if grown is NULL:
            return -1
        buf.data, buf.capacity = grown, need * 2 + 256
    memcpy(buf.data + buf.size, text, n)
    buf.size = need
    return 0


cdef void* grow(void* data, Py_ssize_t* capacity, size_t item) noexcept nogil:
    """``data`` reallocated for about twice its ``capacity`` items of ``item`` bytes (``capacity`` then
    says how many); NULL when out of memory, ``data`` left as it was."""
    cdef Py_ssize_t more = capacity[0] * 2 + 32
    cdef void* out = realloc(data, more * item)
    if out is not NULL:
        capacity[0] = more
    return out


cdef struct Ints:
    Py_ssize_t* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int ints_add(Ints* v, Py_ssize_t x) noexcept nogil:
    cdef void* grown
    if v.size == v.capacity:
        grown = grow(v.data, &v.capacity, sizeof(Py_ssize_t))
        if grown is NULL:
            return -1
        v.data = <Py_ssize_t*>grown
    v.data[v.size] = x
    v.size += 1
    return 0


# what an element of the main part is to the walk
cdef enum Kind:
    OTHER, P, T, PPR, PSTYLE, TC, TAG, TR, TRPR, TBL_HEADER, TAB, BR, OUTLINE, TBL, TXBX, SDT, SDT_PR,
    SDT_CONTENT, DOC_PR, DECORATIVE, STYLE

# a table's facts: 6 numbers each
cdef enum:
    TABLE_ORDINAL, TABLE_START, TABLE_CELLS, TABLE_ROWS, TABLE_END, TABLE_HEADER, TABLE_SIZE
# a docplan tag's: the offset of its value in `strings`, the ordinal of its w:sdt, its first paragraph,
# the number after its last one (-1: none), where its inline text starts and ends in `text` (-1: none),
# the serial number of the control it belongs to
cdef enum:
    TAG_VALUE, TAG_ORDINAL, TAG_FIRST, TAG_END, TAG_INLINE_START, TAG_INLINE_END, TAG_OWNER, TAG_SIZE
# an image's (wp:docPr): the offsets of its descr and title in `strings` (-1: none), whether it is
# marked decorative, its paragraph, the paragraphs before it, the paragraph around it
cdef enum:
    IMAGE_DESCR, IMAGE_TITLE, IMAGE_DECORATIVE, IMAGE_PARAGRAPH, IMAGE_BEFORE, IMAGE_AROUND, IMAGE_SIZE

cdef enum:
    MAX_DEPTH = 250  # lxml (libxml2 without huge_tree) refuses documents nested deeper than 256
    MAX_NAME = 1000  # and names of more than 50 000 bytes
    MAX_PREFIX = 32


cdef struct Decl:  # a namespace declaration in scope: offsets of its prefix and URI in `names`
    Py_ssize_t prefix, prefix_len, uri, uri_len


cdef struct Open:  # an element the walk is in
    Kind kind
    Py_ssize_t decls  # the namespace declarations made on it


cdef struct Control:  # a w:sdt the walk is in
    Py_ssize_t first  # paragraphs before it
    Py_ssize_t around  # the paragraph around it (0: none)
    Py_ssize_t ordinal  # w:sdt elements before it
    Py_ssize_t serial
    Py_ssize_t content  # its first w:sdtContent: 0 not met, 1 in it, 2 met
    Py_ssize_t start_at  # where its own text starts in `text` (-1: not known)
    Py_ssize_t content_at  # where that content's text starts in `text` (-1: not known)
    Py_ssize_t inline_start, inline_end  # the content's text when it holds no paragraph (-1: none)
    Py_ssize_t first_tag  # tags before it


cdef struct State:
    int stop  # 1: leave the document to the Python walk; 2: out of memory
    Open* open
    Py_ssize_t depth, open_capacity
    Decl* decls
    Py_ssize_t n_decls, decls_capacity
    Py_ssize_t recent[4]  # declarations found lately (a document uses a few prefixes over and over)
    Buffer names  # declarations' prefixes and URIs
    bint shared  # two prefixes have been bound to one namespace
    char w[MAX_PREFIX]  # the prefix the root binds to WordprocessingML (w_len -1: none)
    Py_ssize_t w_len
    char wp[MAX_PREFIX]  # and to wordprocessingDrawing
    Py_ssize_t wp_len
    Buffer strings  # attribute values kept, each ending in NUL
    Buffer text  # the paragraphs' texts, one after the other
    Ints starts  # where each paragraph's text starts in `text`
    Ints styles  # each paragraph's style id (offset in `strings`, -1: none)
    Ints outlines  # (paragraph, offset of its outline level value or -1) pairs
    Ints cell_starts
    Ints row_cells
    Ints tables
    Ints tags
    Ints images
    Control* controls
    Py_ssize_t n_controls, controls_capacity, serial, sdt_ordinal, tbl_ordinal
    Py_ssize_t last_style  # the last style id kept (paragraphs mostly share a few)
    bint have_text  # texts before the first paragraph are dropped, as in the Python walk
    bint in_t  # in a w:t's text (before its first child)
    Py_ssize_t paragraph  # the number of the paragraph the walk is in, else -1
    Py_ssize_t paragraph_depth
    Py_ssize_t props_state, props_depth  # its first w:pPr: 0 not met, 1 in it, 2 met
    bint style_met, outline_met
    bint in_table
    Py_ssize_t header_of  # the table whose first row is still to come, else -1
    Py_ssize_t header_table, row_depth  # the table whose first row the walk is in, else -1
    Py_ssize_t row_props_state, row_props_depth  # that row's first w:trPr
    bint header_met
    Py_ssize_t image  # the image (wp:docPr) the walk is in, else -1
    Py_ssize_t image_depth
    # a styles part's: 4 offsets in `strings` per w:style (type, style id, name, outline level; -1 none)
    Ints rows
    Py_ssize_t style, style_depth  # the w:style the reading is in (its first offset in rows), else -1
    Py_ssize_t lang, theme_lang  # the first non-empty w:lang and w:themeFontLang values (-1: none yet)


cdef inline bint same(const char* a, Py_ssize_t n, const char* b, Py_ssize_t m) noexcept nogil:
    return n == m and memcmp(a, b, n) == 0


cdef Kind kind_of(const char* local) noexcept nogil:
    """What a WordprocessingML element with this local name is to the walk."""
    cdef char c = local[0]
    if c == b"t":
        if local[1] == 0:
            return T
        if strcmp(local, "tc") == 0:
            return TC
        if strcmp(local, "tr") == 0:
            return TR
        if strcmp(local, "tab") == 0:
            return TAB
        if strcmp(local, "tag") == 0:
            return TAG
        if strcmp(local, "tbl") == 0:
            return TBL
        if strcmp(local, "txbxContent") == 0:
            return TXBX
        if strcmp(local, "trPr") == 0:
            return TRPR
        if strcmp(local, "tblHeader") == 0:
            return TBL_HEADER
    elif c == b"p":
        if local[1] == 0:
            return P
        if strcmp(local, "pPr") == 0:
            return PPR
        if strcmp(local, "pStyle") == 0:
            return PSTYLE
    elif c == b"s":
        if strcmp(local, "sdt") == 0:
            return SDT
        if strcmp(local, "sdtPr") == 0:
            return SDT_PR
        if strcmp(local, "sdtContent") == 0:
            return SDT_CONTENT
    elif c == b"b":
        if strcmp(local, "br") == 0:
            return BR
    elif c == b"o":
        if strcmp(local, "outlineLvl") == 0:
            return OUTLINE
    return OTHER


cdef Py_ssize_t declared(State* s, const char* prefix, Py_ssize_t n) noexcept nogil:
    """The declaration in scope of ``prefix`` (``n`` bytes, not empty), or -1."""
    cdef Py_ssize_t k, i
    cdef Decl* d
    for k in range(4):
        i = s.recent[k]
        if i < s.n_decls:
            d = &s.decls[i]
            if same(s.names.data + d.prefix, d.prefix_len, prefix, n):
                return i
    i = s.n_decls - 1
    while i >= 0:
        d = &s.decls[i]
        if same(s.names.data + d.prefix, d.prefix_len, prefix, n):
            s.recent[3], s.recent[2], s.recent[1], s.recent[0] = s.recent[2], s.recent[1], s.recent[0], i
            return i
        i -= 1
    return -1


cdef bint same_namespace(State* s, const char* a, const char* b) noexcept nogil:
    """Whether two prefixed names (of one element's attributes) have the same local name and prefixes
    bound to one namespace: lxml refuses such an element."""
    cdef const char* ca = strchr(a, b":")
    cdef const char* cb = strchr(b, b":")
    cdef Py_ssize_t i, j
    if ca is NULL or cb is NULL or strcmp(ca, cb) != 0 or same(a, ca - a, b, cb - b):
        return False  # not both prefixed, other local names, or one name (expat refuses that)
    i, j = declared(s, a, ca - a), declared(s, b, cb - b)
    return i >= 0 and j >= 0 and same(s.names.data + s.decls[i].uri, s.decls[i].uri_len,
                                      s.names.data + s.decls[j].uri, s.decls[j].uri_len)


cdef bint default_namespace(State* s) noexcept nogil:
    """Whether a default namespace (not empty) is in scope."""
    cdef Py_ssize_t i = s.n_decls - 1
    while i >= 0:
        if s.decls[i].prefix_len == 0:
            return s.decls[i].uri_len > 0
        i -= 1
    return False


cdef int declare(State* s, const char* prefix, const char* uri) noexcept nogil:
    """Take the declaration of ``prefix`` (empty: the default namespace); 0, or -1 to give up."""
    cdef Py_ssize_t n = strlen(prefix), m = strlen(uri), i
    cdef Decl* d
    cdef void* grown
    if n > MAX_NAME or strchr(prefix, b":") is not NULL or same(prefix, n, "xml", 3) or same(prefix, n, "xmlns", 5):
        return -1
    if (n > 0 and m == 0) or strcmp(uri, XML_NS) == 0 or strcmp(uri, XMLNS_NS) == 0:
        return -1  # errors to lxml
    if strcmp(uri, W_NS) == 0 or strcmp(uri, WP_NS) == 0:
        # bound on the root to one prefix each (and further in to that prefix again, if at all): then
        # a prefix tells these elements everywhere
        if s.depth != 0:
            if not (same(prefix, n, s.w, s.w_len) if strcmp(uri, W_NS) == 0 else same(prefix, n, s.wp, s.wp_len)):
                return -1
        elif n == 0 or n >= MAX_PREFIX:
            return -1
        elif strcmp(uri, W_NS) == 0:
            if s.w_len >= 0:
                return -1
            memcpy(s.w, prefix, n)
            s.w_len = n
        else:
            if s.wp_len >= 0:
                return -1
            memcpy(s.wp, prefix, n)
            s.wp_len = n
    elif s.depth != 0 and (same(prefix, n, s.w, s.w_len) or same(prefix, n, s.wp, s.wp_len)):
        return -1  # bound again further in
    if m > 0 and not s.shared:  # two prefixes for one namespace: attributes are compared from now on
        for i in range(s.n_decls):
            d = &s.decls[i]
            if same(s.names.data + d.uri, d.uri_len, uri, m) and not same(s.names.data + d.prefix, d.prefix_len,
                                                                        prefix, n):
                s.shared = True
    if s.n_decls == s.decls_capacity:
        grown = grow(s.decls, &s.decls_capacity, sizeof(Decl))
        if grown is NULL:
            s.stop = 2
            return -1
        s.decls = <Decl*>grown
    d = &s.decls[s.n_decls]
    d.prefix, d.prefix_len = s.names.size, n
    d.uri, d.uri_len = s.names.size + n, m
    if buffer_add(&s.names, prefix, n) < 0 or buffer_add(&s.names, uri, m) < 0:
        s.stop = 2
        return -1
    s.n_decls += 1
    return 0


cdef int qualified(State* s, const char* name, const char** local) noexcept nogil:
    """Check a name's prefix: 1 WordprocessingML, 2 wordprocessingDrawing, 3 other (``local`` is then
    the local name), 0 no prefix, -1 give up (too long, a prefix not declared, more than one colon)."""
    cdef Py_ssize_t n = strlen(name), k
    cdef const char* colon
    if n > MAX_NAME:
        return -1
    colon = <const char*>memchr(name, b":", n)
    if colon is NULL:
        local[0] = name
        return 0
    k = colon - name
    local[0] = colon + 1
    if k == 0 or colon[1] == 0 or strchr(colon + 1, b":") is not NULL:
        return -1
    if same(name, k, s.w, s.w_len):
        return 1
    if same(name, k, s.wp, s.wp_len):
        return 2
    if same(name, k, "xml", 3) or declared(s, name, k) >= 0:
        return 3
    return -1


cdef const char* attribute(const char** atts, const char* w, Py_ssize_t w_len, const char* local) noexcept nogil:
    """The value of the attribute ``{w}:{local}`` (``w_len`` 0: ``local`` without a prefix), or NULL."""
    cdef Py_ssize_t i = 0
    cdef const char* name
    while atts[i] is not NULL:
        name = atts[i]
        if w_len == 0:
            if strcmp(name, local) == 0:
                return atts[i + 1]
        elif strncmp(name, w, w_len) == 0 and name[w_len] == b":" and strcmp(name + w_len + 1, local) == 0:
            return atts[i + 1]
        i += 2
    return NULL


cdef Py_ssize_t keep(State* s, const char* value) noexcept nogil:
    """Keep an attribute value in `strings`; its offset, or -1 when there is none (or no memory)."""
    cdef Py_ssize_t at = s.strings.size
    if value is NULL:
        return -1
    if buffer_add(&s.strings, value, strlen(value) + 1) < 0:
        s.stop = 2
        return -1
    return at


cdef inline const char* w_val(State* s, const char** atts) noexcept nogil:
    return attribute(atts, s.w, s.w_len, "val")


cdef inline bint is_declaration(const char* att) noexcept nogil:
    return att[0] == b"x" and strncmp(att, "xmlns", 5) == 0 and (att[5] == 0 or att[5] == b":")


cdef int enter(State* s, const char* name, const char** atts, const char** local) noexcept nogil:
    """Take an element's namespace declarations and check its names: what `qualified` says of its
    name, or -1 (``s.stop`` set) to give up."""
    cdef Py_ssize_t i = 0, k
    cdef const char* att
    cdef const char* ignored
    cdef int found
    # namespace declarations first: they hold for the element's own name and attributes
    while atts[i] is not NULL:
        if is_declaration(atts[i]) and declare(s, atts[i] + 6 if atts[i][5] else EMPTY, atts[i + 1]) < 0:
            s.stop = s.stop or 1
            return -1
        i += 2
    found = qualified(s, name, local)
    if found < 0 or s.depth >= MAX_DEPTH:
        s.stop = 1
        return -1
    i = 0
    while atts[i] is not NULL:
        att = atts[i]
        if not is_declaration(att):
            if qualified(s, att, &ignored) < 0:
                s.stop = 1
                return -1
            if s.shared:
                k = 0
                while k < i:
                    if same_namespace(s, atts[k], att):
                        s.stop = 1
                        return -1
                    k += 2
        i += 2
    return found


cdef void push(State* s, Kind kind, Py_ssize_t decls) noexcept nogil:
    """Open an element of ``kind`` on which ``decls`` namespace declarations were made."""
    cdef void* grown
    if s.depth == s.open_capacity:
        grown = grow(s.open, &s.open_capacity, sizeof(Open))
        if grown is NULL:
            s.stop = 2
            return
        s.open = <Open*>grown
    s.open[s.depth].kind = kind
    s.open[s.depth].decls = decls
    s.depth += 1


cdef Kind leave(State* s) noexcept nogil:
    """Close the innermost element: its kind (its depth is ``s.depth`` then); its namespace
    declarations go out of scope."""
    cdef Py_ssize_t k
    s.depth -= 1
    k = s.open[s.depth].decls
    if k:
        s.n_decls -= k
        s.names.size = s.decls[s.n_decls].prefix
    return s.open[s.depth].kind


cdef void on_start(void* data, const char* name, const char** atts) noexcept nogil:
    cdef State* s = <State*>data
    cdef Py_ssize_t decls = s.n_decls, depth = s.depth
    cdef const char* local
    cdef const char* value
    cdef Kind kind = OTHER, parent
    cdef int found
    cdef Control* control
    if s.stop:
        return
    s.in_t = False  # an element in a w:t ends the text read of it
    found = enter(s, name, atts, &local)
    if found == 1:
        kind = kind_of(local)
    elif found == 2:
        kind = DOC_PR if strcmp(local, "docPr") == 0 else OTHER
    elif found == 3 or (found == 0 and default_namespace(s)):
        kind = DECORATIVE if strcmp(local, "decorative") == 0 else OTHER
    elif found < 0:
        return
    parent = s.open[depth - 1].kind if depth > 0 else OTHER

    if kind == T:
        s.in_t = True
    elif kind == P:
        if s.paragraph >= 0:
            s.stop = 1  # a paragraph inside a paragraph
            return
        s.have_text = True
        s.paragraph, s.paragraph_depth, s.props_state = s.starts.size, depth, 0
        if ints_add(&s.starts, s.text.size) < 0 or ints_add(&s.styles, -1) < 0:
            s.stop = 2
    elif kind == PPR:
        if s.paragraph >= 0 and s.props_state == 0 and depth == s.paragraph_depth + 1:
            s.props_state, s.props_depth, s.style_met, s.outline_met = 1, depth, False, False
    elif kind == PSTYLE:
        if s.props_state == 1 and depth == s.props_depth + 1 and not s.style_met:
            s.style_met = True
            value = w_val(s, atts)
            if value is not NULL:
                if s.last_style < 0 or strcmp(value, s.strings.data + s.last_style) != 0:
                    s.last_style = keep(s, value)
                s.styles.data[s.paragraph] = s.last_style
    elif kind == OUTLINE:
        if s.props_state == 1 and depth == s.props_depth + 1 and not s.outline_met:
            s.outline_met = True
            if ints_add(&s.outlines, s.paragraph) < 0 or ints_add(&s.outlines, keep(s, w_val(s, atts))) < 0:
                s.stop = 2
    elif kind == TC:
        if ints_add(&s.cell_starts, s.starts.size) < 0:
            s.stop = 2
    elif kind == TAG:
        value = w_val(s, atts)
        if value is not NULL and strncmp(value, DOCPLAN, 8) == 0 and s.n_controls and depth >= 2 \
                and parent == SDT_PR and s.open[depth - 2].kind == SDT:
            control = &s.controls[s.n_controls - 1]
            if ints_add(&s.tags, keep(s, value)) < 0 or ints_add(&s.tags, control.ordinal) < 0 \
                    or ints_add(&s.tags, 0) < 0 or ints_add(&s.tags, -1) < 0 or ints_add(&s.tags, -1) < 0 \
                    or ints_add(&s.tags, -1) < 0 or ints_add(&s.tags, control.serial) < 0:
                s.stop = 2
    elif kind == TR:
        if ints_add(&s.row_cells, s.cell_starts.size) < 0:
            s.stop = 2
        if s.header_of >= 0:  # the first row after a table starts: a header row?
            s.header_table, s.row_depth, s.row_props_state, s.header_met = s.header_of, depth, 0, False
            s.header_of = -1
    elif kind == TRPR:
        if s.header_table >= 0 and s.row_props_state == 0 and depth == s.row_depth + 1:
            s.row_props_state, s.row_props_depth = 1, depth
    elif kind == TBL_HEADER:
        if s.row_props_state == 1 and depth == s.row_props_depth + 1 and not s.header_met:
            s.header_met = True
            value = w_val(s, atts)
            s.tables.data[s.header_table * TABLE_SIZE + TABLE_HEADER] = value is NULL or (
                strcmp(value, "0") != 0 and strcmp(value, "false") != 0 and strcmp(value, "off") != 0)
    elif kind == TAB:
        if s.have_text and buffer_add(&s.text, "\t", 1) < 0:
            s.stop = 2
    elif kind == BR:
        if s.have_text and buffer_add(&s.text, "\n", 1) < 0:
            s.stop = 2
    elif kind == TBL:
        if s.in_table:
            s.stop = 1  # a table in a table
            return
        s.in_table = True
        s.header_of = s.tables.size // TABLE_SIZE
        if ints_add(&s.tables, s.tbl_ordinal) < 0 or ints_add(&s.tables, s.starts.size) < 0 \
                or ints_add(&s.tables, s.cell_starts.size) < 0 or ints_add(&s.tables, s.row_cells.size) < 0 \
                or ints_add(&s.tables, 0) < 0 or ints_add(&s.tables, 0) < 0:
            s.stop = 2
        s.tbl_ordinal += 1
    elif kind == TXBX:
        s.stop = 1  # paragraphs inside a paragraph
        return
    elif kind == SDT:
        if s.n_controls == s.controls_capacity:
            control = <Control*>grow(s.controls, &s.controls_capacity, sizeof(Control))
            if control is NULL:
                s.stop = 2
                return
            s.controls = control
        control = &s.controls[s.n_controls]
        s.n_controls += 1
        control.first = s.starts.size
        control.around = s.paragraph if s.paragraph >= 0 else 0
        control.ordinal, control.serial, control.first_tag = s.sdt_ordinal, s.serial, s.tags.size
        control.content, control.content_at, control.inline_start, control.inline_end = 0, -1, -1, -1
        control.start_at = s.text.size if s.have_text else -1
        s.sdt_ordinal += 1
        s.serial += 1
    elif kind == SDT_CONTENT:
        if s.n_controls and s.controls[s.n_controls - 1].content == 0 and parent == SDT:
            control = &s.controls[s.n_controls - 1]
            control.content = 1
            control.content_at = s.text.size if s.have_text else -1
        else:
            kind = OTHER  # not the first content of the control the walk is in
    elif kind == DOC_PR:
        if s.image >= 0:
            s.stop = 1
            return
        s.image, s.image_depth = s.images.size // IMAGE_SIZE, depth
        if ints_add(&s.images, keep(s, attribute(atts, "", 0, "descr"))) < 0 \
                or ints_add(&s.images, keep(s, attribute(atts, "", 0, "title"))) < 0 \
                or ints_add(&s.images, 0) < 0 or ints_add(&s.images, 0) < 0 \
                or ints_add(&s.images, s.starts.size) < 0 \
                or ints_add(&s.images, s.paragraph if s.paragraph >= 0 else 0) < 0:
            s.stop = 2
    elif kind == DECORATIVE:
        if s.image >= 0:
            value = attribute(atts, "", 0, "val")
            if value is not NULL and (strcmp(value, "1") == 0 or strcmp(value, "true") == 0):
                s.images.data[s.image * IMAGE_SIZE + IMAGE_DECORATIVE] = 1

    push(s, kind, s.n_decls - decls)


cdef void on_end(void* data, const char* name) noexcept nogil:
    cdef State* s = <State*>data
    cdef Py_ssize_t depth, k, n
    cdef Kind kind
    cdef Control* control
    cdef Py_ssize_t* tag
    if s.stop:
        return
    s.in_t = False
    kind = leave(s)
    depth = s.depth
    n = s.starts.size
    if kind == P:
        s.paragraph = -1
    elif kind == PPR:
        if s.props_state == 1 and depth == s.props_depth:
            s.props_state = 2
    elif kind == TBL:
        s.in_table = False
        s.tables.data[s.tables.size - TABLE_SIZE + TABLE_END] = n
    elif kind == TR:
        if depth == s.row_depth:
            s.header_table = s.row_depth = -1
    elif kind == TRPR:
        if s.row_props_state == 1 and depth == s.row_props_depth:
            s.row_props_state = 2
    elif kind == SDT:
        s.n_controls -= 1
        control = &s.controls[s.n_controls]
        if control.inline_start >= 0 and (control.start_at != control.inline_start or s.text.size != control.inline_end):
            control.inline_start = control.inline_end = -1  # it has text outside that content: not read here
        k = control.first_tag
        while k < s.tags.size:
            tag = s.tags.data + k
            if tag[TAG_OWNER] == control.serial:
                tag[TAG_FIRST] = control.first if n > control.first else control.around
                tag[TAG_END] = n if n > control.first else -1
                tag[TAG_INLINE_START], tag[TAG_INLINE_END] = control.inline_start, control.inline_end
            k += TAG_SIZE
    elif kind == SDT_CONTENT:
        control = &s.controls[s.n_controls - 1]
        control.content = 2
        if n == control.first and control.content_at >= 0:  # no paragraph in it: its runs' text
            control.inline_start, control.inline_end = control.content_at, s.text.size
    elif kind == DOC_PR:
        k = s.image * IMAGE_SIZE
        s.images.data[k + IMAGE_PARAGRAPH] = s.images.data[k + IMAGE_BEFORE] if n > s.images.data[k + IMAGE_BEFORE] \
            else s.images.data[k + IMAGE_AROUND]
        s.image = -1


cdef void on_text(void* data, const char* text, int n) noexcept nogil:
    cdef State* s = <State*>data
    if s.in_t and s.have_text and not s.stop and buffer_add(&s.text, text, n) < 0:
        s.stop = 2


cdef void on_comment(void* data, const char* text) noexcept nogil:
    (<State*>data).in_t = False  # the Python walk reads a w:t's text up to its first child of any kind


cdef void on_instruction(void* data, const char* target, const char* text) noexcept nogil:
    (<State*>data).in_t = False


cdef void on_doctype(void* data, const char* name, const char* system, const char* public, int internal) noexcept nogil:
    (<State*>data).stop = 1


cdef str paragraph_text(const char* data, Py_ssize_t size):
    """A paragraph's text, stripped (``str.strip`` only where an end byte may be whitespace)."""
    cdef unsigned char first, last
    if size == 0:
        return ""
    text = PyUnicode_DecodeUTF8(data, size, NULL)
    first, last = <unsigned char>data[0], <unsigned char>data[size - 1]
    # ASCII letters, digits and punctuation are never whitespace; anything else may be (also in UTF-8)
    if 0x21 <= first < 0x80 and 0x21 <= last < 0x80:
        return text
    return text.strip()


cdef object kept(State* s, Py_ssize_t at, dict made):
    """The str of a value kept in `strings` (one str per offset), None for -1."""
    if at < 0:
        return None
    out = made.get(at)
    if out is None:
        out = made[at] = PyUnicode_DecodeUTF8(s.strings.data + at, strlen(s.strings.data + at), NULL)
    return out


cdef list ints(Ints* v):
    return [v.data[i] for i in range(v.size)]


cdef void release(State* s) noexcept:
    free(s.open)
    free(s.decls)
    free(s.names.data)
    free(s.strings.data)
    free(s.text.data)
    free(s.starts.data)
    free(s.styles.data)
    free(s.outlines.data)
    free(s.cell_starts.data)
    free(s.row_cells.data)
    free(s.tables.data)
    free(s.tags.data)
    free(s.images.data)
    free(s.controls)
    free(s.rows.data)


def walk(bytes data not None):
    """Return the walk's facts of a main part's bytes, or None where the Python walk must read it.

    The facts, in document order: each paragraph's text (stripped); each paragraph's style id (the
    first ``w:pStyle`` of its first ``w:pPr``, else None); (paragraph, ``w:val``) where that ``w:pPr``
    has a ``w:outlineLvl``; the paragraphs before each cell; the cells before each row; for each table
    [its number among the ``w:tbl`` elements, paragraphs before it, cells before it, rows before it,
    paragraphs up to its end, whether the first row met after it starts repeats as a header row]; for
    each docplan ``w:tag`` of a content control [tag, the number of its ``w:sdt`` among the ``w:sdt``
    elements, its first paragraph (else the one around it, else 0), the number after its last
    paragraph (None when it holds none), the text of its first ``w:sdtContent`` when that holds no
    paragraph and is all the control's text (None when not read)]; for each ``wp:docPr`` (descr, title, whether an element in it
    named ``decorative`` says ``val="1"`` or ``"true"``, its paragraph).
    """
    cdef State s
    cdef Py_ssize_t i, end
    cdef Py_ssize_t* row
    memset_state(&s)
    try:
        if not parse(&s, data, on_start, on_end, on_text):
            return None
        made = {}
        texts = []
        for i in range(s.starts.size):
            end = s.starts.data[i + 1] if i + 1 < s.starts.size else s.text.size
            texts.append(paragraph_text(s.text.data + s.starts.data[i], end - s.starts.data[i]))
        styles = [kept(&s, s.styles.data[i], made) for i in range(s.styles.size)]
        outlines = [(s.outlines.data[i], kept(&s, s.outlines.data[i + 1], made)) for i in range(0, s.outlines.size, 2)]
        tables = []
        for i in range(0, s.tables.size, TABLE_SIZE):
            row = s.tables.data + i
            tables.append([row[TABLE_ORDINAL], row[TABLE_START], row[TABLE_CELLS], row[TABLE_ROWS], row[TABLE_END],
                           bool(row[TABLE_HEADER])])
        tagged = []
        for i in range(0, s.tags.size, TAG_SIZE):
            row = s.tags.data + i
            inline = None if row[TAG_INLINE_START] < 0 else PyUnicode_DecodeUTF8(
                s.text.data + row[TAG_INLINE_START], row[TAG_INLINE_END] - row[TAG_INLINE_START], NULL)
            tagged.append([kept(&s, row[TAG_VALUE], made), row[TAG_ORDINAL], row[TAG_FIRST],
                           row[TAG_END] if row[TAG_END] >= 0 else None, inline])
        images = []
        for i in range(0, s.images.size, IMAGE_SIZE):
            row = s.images.data + i
            images.append((kept(&s, row[IMAGE_DESCR], made), kept(&s, row[IMAGE_TITLE], made),
                           bool(row[IMAGE_DECORATIVE]), row[IMAGE_PARAGRAPH]))
        return texts, styles, outlines, ints(&s.cell_starts), ints(&s.row_cells), tables, tagged, images
    finally:
        release(&s)


cdef void memset_state(State* s) noexcept:
    memset(s, 0, sizeof(State))
    s.w_len = s.wp_len = -1
    s.last_style = s.paragraph = s.header_of = s.header_table = s.row_depth = s.image = -1
    s.style = s.style_depth = s.lang = s.theme_lang = -1


def flat_rows(list texts, list starts, list row_cells, Py_ssize_t first_row, Py_ssize_t last_row,
              Py_ssize_t last_cell, Py_ssize_t table_end, cell, empty):
    """``docview._Walk._flat_rows`` compiled: the rows ``first_row..last_row-1`` of a table without
    nesting as lists of ``cell(text, paragraph texts, first paragraph)``; ``empty(i)`` gives the first
    paragraph of cell ``i`` when it holds none."""
    cdef Py_ssize_t j, i, begin, end, stop
    rows = []
    for j in range(first_row, last_row):
        row = []
        stop = row_cells[j + 1] if j + 1 < last_row else last_cell
        for i in range(<Py_ssize_t>row_cells[j], stop):
            begin = starts[i]
            end = starts[i + 1] if i + 1 < last_cell else table_end
            paras = texts[begin:end]
            row.append(cell(" ".join([t for t in paras if t]), paras, begin if end > begin else empty(i)))
        rows.append(row)
    return rows


cdef void on_style_start(void* data, const char* name, const char** atts) noexcept nogil:
    cdef State* s = <State*>data
    cdef Py_ssize_t decls = s.n_decls, depth = s.depth
    cdef const char* local
    cdef const char* value
    cdef Kind kind = OTHER
    if s.stop or enter(s, name, atts, &local) != 1:
        if not s.stop:
            push(s, OTHER, s.n_decls - decls)
        return
    if strcmp(local, "style") == 0:
        if s.style >= 0:
            s.stop = 1  # a style in a style
            return
        kind = STYLE
        s.style, s.style_depth, s.props_state, s.style_met, s.outline_met = s.rows.size, depth, 0, False, False
        if ints_add(&s.rows, keep(s, attribute(atts, s.w, s.w_len, "type"))) < 0 \
                or ints_add(&s.rows, keep(s, attribute(atts, s.w, s.w_len, "styleId"))) < 0 \
                or ints_add(&s.rows, -1) < 0 or ints_add(&s.rows, -1) < 0:
            s.stop = 2
    elif s.style >= 0 and depth == s.style_depth + 1:  # the style's first w:name and w:pPr
        if strcmp(local, "name") == 0 and not s.style_met:
            s.style_met = True
            s.rows.data[s.style + 2] = keep(s, w_val(s, atts))
        elif strcmp(local, "pPr") == 0 and s.props_state == 0:
            kind = PPR
            s.props_state, s.props_depth = 1, depth
    elif s.props_state == 1 and depth == s.props_depth + 1:  # that w:pPr's first w:outlineLvl
        if strcmp(local, "outlineLvl") == 0 and not s.outline_met:
            s.outline_met = True
            s.rows.data[s.style + 3] = keep(s, w_val(s, atts))
    if s.lang < 0 and strcmp(local, "lang") == 0:
        value = w_val(s, atts)
        if value is not NULL and value[0]:
            s.lang = keep(s, value)
    elif s.theme_lang < 0 and strcmp(local, "themeFontLang") == 0:
        value = w_val(s, atts)
        if value is not NULL and value[0]:
            s.theme_lang = keep(s, value)
    push(s, kind, s.n_decls - decls)


cdef void on_style_end(void* data, const char* name) noexcept nogil:
    cdef State* s = <State*>data
    cdef Kind kind
    if s.stop:
        return
    kind = leave(s)
    if kind == STYLE:
        s.style = -1
    elif kind == PPR and s.props_state == 1 and s.depth == s.props_depth:
        s.props_state = 2


cdef bint parse(State* s, bytes data, dp_start_handler start, dp_end_handler end,
                dp_chars_handler text) except -1:
    """Read ``data`` with expat and these handlers: True when read, False to give up (an error, a
    DOCTYPE, a case `enter` leaves to lxml)."""
    cdef dp_XML_Parser parser
    cdef const char* buf = data
    cdef Py_ssize_t size = len(data)
    cdef int ok
    if EXPAT is NULL or size == 0 or size > 0x7FFFFFFF or memchr(buf, b"<", size) is NULL:
        return False
    parser = EXPAT.ParserCreate_MM(NULL, NULL, NULL)  # no namespace processing: `enter` checks prefixes
    if parser is NULL:
        raise MemoryError()
    try:
        EXPAT.SetUserData(parser, s)
        EXPAT.SetElementHandler(parser, start, end)
        if text is not NULL:
            EXPAT.SetCharacterDataHandler(parser, text)
            EXPAT.SetCommentHandler(parser, on_comment)
            EXPAT.SetProcessingInstructionHandler(parser, on_instruction)
        EXPAT.SetStartDoctypeDeclHandler(parser, on_doctype)
        with nogil:
            ok = EXPAT.Parse(parser, buf, <int>size, 1)
    finally:
        EXPAT.ParserFree(parser)
    if s.stop == 2:
        raise MemoryError()
    return ok and not s.stop


def styles(bytes data not None):
    """Return what the checker reads from a styles part's bytes: for each ``w:style`` in document order
    (type, style id, the ``w:val`` of its first ``w:name``, of its first ``w:pPr``'s first
    ``w:outlineLvl``), and the first non-empty ``w:val`` of a ``w:lang``, and of a
    ``w:themeFontLang``; None where the Python reading must read the part (as for `walk`)."""
    cdef State s
    memset_state(&s)
    try:
        if not parse(&s, data, on_style_start, on_style_end, NULL):
            return None
        made = {}
        rows = [(kept(&s, s.rows.data[i], made), kept(&s, s.rows.data[i + 1], made),
                 kept(&s, s.rows.data[i + 2], made), kept(&s, s.rows.data[i + 3], made))
                for i in range(0, s.rows.size, 4)]
        return rows, kept(&s, s.lang, made), kept(&s, s.theme_lang, made)
    finally:
        release(&s)
