# cython: language_level=3
"""The checker's walk over a main part, compiled: the same facts as ``docview._Walk`` reads in Python.

It reads libxml2's tree under an lxml element through lxml's public C API (``lxml.includes``): no
element object is made per paragraph, text or cell, only for the few elements the view keeps (tables,
docplan content controls, images). It gives up (returns None) where the document nests paragraphs or
tables, or where an attribute it needs is not a single text node: the Python walk reads those.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy, strcmp, strlen, strncmp

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport const_xmlChar, xmlNode, xmlAttr

cetree.import_lxml__etree()

cdef const char* W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
cdef const char* WP_NS = b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
cdef const char* DOCPLAN = b"docplan:"

# what an element of the main part is to the walk
cdef enum Kind:
    OTHER, P, T, PPR, PSTYLE, TC, TAG, TR, TRPR, TBL_HEADER, TAB, BR, OUTLINE, TBL, TXBX, SDT, SDT_PR,
    SDT_CONTENT, DOC_PR

cdef struct Buffer:  # the current paragraph's text, UTF-8
    char* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int buffer_add(Buffer* buf, const char* text, Py_ssize_t n) except -1:
    cdef Py_ssize_t need = buf.size + n
    cdef char* grown
    if need > buf.capacity:
        grown = <char*>realloc(buf.data, need * 2 + 64)
        if grown is NULL:
            raise MemoryError()
        buf.data, buf.capacity = grown, need * 2 + 64
    memcpy(buf.data + buf.size, text, n)
    buf.size = need
    return 0


cdef struct Stack:  # kinds of the elements the walk is in
    Kind* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int stack_push(Stack* st, Kind kind) except -1:
    cdef Kind* grown
    if st.size == st.capacity:
        grown = <Kind*>realloc(st.data, (st.capacity * 2 + 64) * sizeof(Kind))
        if grown is NULL:
            raise MemoryError()
        st.data, st.capacity = grown, st.capacity * 2 + 64
    st.data[st.size] = kind
    st.size += 1
    return 0


cdef inline bint _is(const_xmlChar* href, const char* ns) noexcept:
    return href is not NULL and strcmp(<const char*>href, ns) == 0


cdef Kind kind_of(xmlNode* node, tree.xmlNs** w_ns) noexcept:
    """What ``node`` (an element) is; ``w_ns`` remembers the last namespace found to be WordprocessingML."""
    cdef const char* name = <const char*>node.name
    if node.ns is NULL:
        return OTHER
    if node.ns is not w_ns[0]:
        if not _is(node.ns.href, W_NS):
            if strcmp(name, "docPr") == 0 and _is(node.ns.href, WP_NS):
                return DOC_PR
            return OTHER
        w_ns[0] = node.ns
    c = name[0]
    if c == b"t":
        if name[1] == 0:
            return T
        if strcmp(name, "tc") == 0:
            return TC
        if strcmp(name, "tr") == 0:
            return TR
        if strcmp(name, "tab") == 0:
            return TAB
        if strcmp(name, "tag") == 0:
            return TAG
        if strcmp(name, "tbl") == 0:
            return TBL
        if strcmp(name, "txbxContent") == 0:
            return TXBX
        if strcmp(name, "trPr") == 0:
            return TRPR
        if strcmp(name, "tblHeader") == 0:
            return TBL_HEADER
    elif c == b"p":
        if name[1] == 0:
            return P
        if strcmp(name, "pPr") == 0:
            return PPR
        if strcmp(name, "pStyle") == 0:
            return PSTYLE
    elif c == b"s":
        if strcmp(name, "sdt") == 0:
            return SDT
        if strcmp(name, "sdtPr") == 0:
            return SDT_PR
        if strcmp(name, "sdtContent") == 0:
            return SDT_CONTENT
    elif c == b"b":
        if strcmp(name, "br") == 0:
            return BR
    elif c == b"o":
        if strcmp(name, "outlineLvl") == 0:
            return OUTLINE
    return OTHER


cdef int w_attr(xmlNode* node, const char* name, const char** value) noexcept:
    """Find the ``w:{name}`` attribute: 1 with its text in ``value``, 0 when there is none, -1 when its
    value is not one text node (the Python reading is used then)."""
    cdef xmlAttr* attr = node.properties
    while attr is not NULL:
        if strcmp(<const char*>attr.name, name) == 0 and attr.ns is not NULL and _is(attr.ns.href, W_NS):
            if attr.children is NULL:
                value[0] = ""
                return 1
            if attr.children.type != tree.XML_TEXT_NODE or attr.children.next is not NULL:
                return -1
            value[0] = <const char*>attr.children.content
            return 1
        attr = attr.next
    return 0


cdef inline int w_val(xmlNode* node, const char** value) noexcept:
    return w_attr(node, "val", value)


cdef inline bint is_element(xmlNode* node) noexcept:
    return node is not NULL and node.type == tree.XML_ELEMENT_NODE


cdef xmlNode* first_child(xmlNode* node, Kind kind, tree.xmlNs** w_ns) noexcept:
    """Return the first child element of ``node`` that is a ``kind``, or NULL (as lxml's ``find``)."""
    cdef xmlNode* child = node.children
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE and kind_of(child, w_ns) == kind:
            return child
        child = child.next
    return NULL


cdef str paragraph_text(Buffer* buf):
    """The paragraph's text, stripped (``str.strip`` only where an end byte may be whitespace)."""
    cdef unsigned char first, last
    if buf.size == 0:
        return ""
    text = PyUnicode_DecodeUTF8(buf.data, buf.size, NULL)
    first, last = <unsigned char>buf.data[0], <unsigned char>buf.data[buf.size - 1]
    # ASCII letters, digits and punctuation are never whitespace; anything else may be (also in UTF-8)
    if 0x21 <= first < 0x80 and 0x21 <= last < 0x80:
        return text
    return text.strip()


cdef inline str utf8(const char* text):
    return PyUnicode_DecodeUTF8(text, strlen(text), NULL)


def walk(cetree._Element root):
    """Return the walk's facts of the tree under ``root``, or None where the Python walk must read it.

    The facts, in document order: each paragraph's text (stripped); each paragraph's style id (the
    first ``w:pStyle`` of its first ``w:pPr``, else None); (paragraph, ``w:val``) where that ``w:pPr``
    has a ``w:outlineLvl``; the paragraphs before each cell; the cells before each row; for each table
    [element, paragraphs before it, cells before it, rows before it, paragraphs up to its end, whether
    the first row met after it starts repeats as a header row]; for each docplan ``w:tag`` of a content
    control [tag, ``w:sdt``, its first paragraph (else the one around it, else 0), the number after
    its last paragraph (None when it holds none), the text of its first ``w:sdtContent`` when that
    holds no paragraph (None when not read)]; the ``wp:docPr`` elements.
    """
    cdef xmlNode* top = root._c_node
    cdef xmlNode* node = top
    cdef xmlNode* child
    cdef tree.xmlNs* w_ns = NULL
    cdef Buffer buf
    cdef Stack open_kinds  # kind of each element the walk is in (to close tables, paragraphs, controls)
    cdef Kind kind
    cdef Py_ssize_t n = 0, n_cells = 0, open_tables = 0
    cdef Py_ssize_t open_paragraph = -1  # the number of the paragraph the walk is in, else -1
    cdef Py_ssize_t header_of = -1  # the table whose first row is still to come, else -1
    cdef xmlNode* props
    cdef const char* last_style_c = NULL  # the last style id read, and its str
    last_style = None
    cdef const char* value
    cdef int found
    buf.data, buf.size, buf.capacity = NULL, 0, 0
    open_kinds.data, open_kinds.size, open_kinds.capacity = NULL, 0, 0
    texts, styles, outlines, cell_starts, row_cells, tables, tagged, doc_prs = [], [], [], [], [], [], [], []
    # each content control the walk is in: [paragraphs before it, paragraph around it, records waiting
    # for its end, state of its first w:sdtContent (0 not met, 1 in it, 2 met), where that content's
    # text starts in the paragraph's (-1: not known), the content's text when it holds no paragraph]
    open_sdts = []
    have_text = False  # texts before the first paragraph are dropped, as in the Python walk
    try:
        while True:
            # -- enter ``node`` (an element)
            kind = kind_of(node, &w_ns)
            if kind == T:
                if have_text:
                    child = node.children
                    while child is not NULL:
                        if child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE:
                            buffer_add(&buf, <const char*>child.content, strlen(<const char*>child.content))
                        elif child.type != tree.XML_XINCLUDE_START and child.type != tree.XML_XINCLUDE_END:
                            break
                        child = child.next
            elif kind == P:
                if open_paragraph >= 0:
                    return None  # a paragraph inside a paragraph
                if have_text:
                    texts.append(paragraph_text(&buf))
                have_text = True
                buf.size = 0
                open_paragraph = n
                # the style and outline level, as read from the paragraph's first w:pPr
                style = None
                props = first_child(node, PPR, &w_ns)
                if props is not NULL:
                    child = first_child(props, PSTYLE, &w_ns)
                    if child is not NULL:
                        found = w_val(child, &value)
                        if found < 0:
                            return None
                        if found:  # paragraphs mostly share a few styles: one str per run of equal ids
                            if last_style is None or strcmp(value, last_style_c) != 0:
                                last_style, last_style_c = utf8(value), value
                            style = last_style
                    child = first_child(props, OUTLINE, &w_ns)
                    if child is not NULL:
                        found = w_val(child, &value)
                        if found < 0:
                            return None
                        outlines.append((n, utf8(value) if found else None))
                styles.append(style)
                n += 1
            elif kind == TC:
                cell_starts.append(n)
                n_cells += 1
            elif kind == TAG:
                found = w_val(node, &value)
                if found < 0:
                    return None
                if found and strncmp(value, DOCPLAN, 8) == 0 and open_sdts and is_element(node.parent) \
                        and is_element(node.parent.parent) and kind_of(node.parent, &w_ns) == SDT_PR \
                        and kind_of(node.parent.parent, &w_ns) == SDT:
                    record = [utf8(value), cetree.elementFactory(root._doc, node.parent.parent), 0, 0, None]
                    open_sdts[-1][2].append(record)
                    tagged.append(record)
            elif kind == TR:
                row_cells.append(n_cells)
                if header_of >= 0:  # the first row after a table starts: a header row?
                    child = first_child(node, TRPR, &w_ns)
                    child = first_child(child, TBL_HEADER, &w_ns) if child is not NULL else NULL
                    if child is not NULL:
                        found = w_val(child, &value)
                        if found < 0:
                            return None
                        tables[header_of][5] = not found or (strcmp(value, "0") != 0 and strcmp(value, "false") != 0
                                                             and strcmp(value, "off") != 0)
                    header_of = -1
            elif kind == TAB:
                if have_text:
                    buffer_add(&buf, "\t", 1)
            elif kind == BR:
                if have_text:
                    buffer_add(&buf, "\n", 1)
            elif kind == TBL:
                if open_tables:
                    return None  # a nested table
                open_tables += 1
                header_of = len(tables)
                tables.append([cetree.elementFactory(root._doc, node), n, n_cells, len(row_cells), 0, False])
            elif kind == TXBX:
                return None  # paragraphs inside a paragraph
            elif kind == SDT:
                open_sdts.append([n, open_paragraph if open_paragraph >= 0 else 0, [], 0, -1, None])
            elif kind == SDT_CONTENT:
                if open_sdts and open_sdts[-1][3] == 0 and is_element(node.parent) \
                        and kind_of(node.parent, &w_ns) == SDT:
                    frame = open_sdts[-1]
                    frame[3], frame[4] = 1, buf.size if have_text else -1
                else:
                    kind = OTHER  # not the first content of the control the walk is in
            elif kind == DOC_PR:
                doc_prs.append(cetree.elementFactory(root._doc, node))
            # -- next: the first child element, else close elements until one has a next sibling
            child = node.children
            while child is not NULL and child.type != tree.XML_ELEMENT_NODE:
                child = child.next
            if child is not NULL:
                stack_push(&open_kinds, kind)
                node = child
                continue
            while True:
                if kind == P:
                    open_paragraph = -1
                elif kind == TBL:
                    open_tables -= 1
                    tables[-1][4] = n
                elif kind == SDT:
                    first, around, records, _, _, inline = open_sdts.pop()
                    for record in records:
                        record[2] = first if n > first else around
                        record[3] = n if n > first else None
                        record[4] = inline
                elif kind == SDT_CONTENT:
                    frame = open_sdts[-1]
                    frame[3] = 2
                    if n == frame[0] and frame[4] >= 0:  # no paragraph in it: its runs' text
                        frame[5] = PyUnicode_DecodeUTF8(buf.data + <Py_ssize_t>frame[4],
                                                        buf.size - <Py_ssize_t>frame[4], NULL)
                if node is top:
                    break
                child = node.next
                while child is not NULL and child.type != tree.XML_ELEMENT_NODE:
                    child = child.next
                if child is not NULL:
                    node = child
                    break
                node = node.parent
                open_kinds.size -= 1
                kind = open_kinds.data[open_kinds.size]
            if node is top:
                break
        if have_text:
            texts.append(paragraph_text(&buf))
    finally:
        free(buf.data)
        free(open_kinds.data)
    return texts, styles, outlines, cell_starts, row_cells, tables, tagged, doc_prs


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


cdef object attr_text(xmlNode* node, const char* name, bint* odd):
    """The ``w:{name}`` attribute's text (None when absent); ``odd`` is set when it is not one text node."""
    cdef const char* value
    cdef int found = w_attr(node, name, &value)
    if found < 0:
        odd[0] = True
    return utf8(value) if found > 0 else None


cdef xmlNode* first_named(xmlNode* node, const char* name) noexcept:
    """The first child element of ``node`` named ``w:{name}``, or NULL."""
    cdef xmlNode* child = node.children
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE and child.ns is not NULL and _is(child.ns.href, W_NS) \
                and strcmp(<const char*>child.name, name) == 0:
            return child
        child = child.next
    return NULL


def styles(cetree._Element root):
    """Return what the checker reads from a styles part: for each ``w:style`` in document order (type,
    style id, the ``w:val`` of its first ``w:name``, of its first ``w:pPr``'s first ``w:outlineLvl``),
    and the first non-empty ``w:val`` of a ``w:lang``, and of a ``w:themeFontLang``; None where an
    attribute is not one text node (the Python reading is used then)."""
    cdef xmlNode* top = root._c_node
    cdef xmlNode* node = top
    cdef xmlNode* child
    cdef bint odd = False
    cdef const char* name
    out = []
    lang = theme_lang = None
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE and node.ns is not NULL and _is(node.ns.href, W_NS):
            name = <const char*>node.name
            if strcmp(name, "style") == 0:
                child = first_named(node, "name")
                style_name = attr_text(child, "val", &odd) if child is not NULL else None
                child = first_named(node, "pPr")
                child = first_named(child, "outlineLvl") if child is not NULL else NULL
                outline = attr_text(child, "val", &odd) if child is not NULL else None
                out.append((attr_text(node, "type", &odd), attr_text(node, "styleId", &odd), style_name, outline))
            elif lang is None and strcmp(name, "lang") == 0:
                lang = attr_text(node, "val", &odd) or None
            elif theme_lang is None and strcmp(name, "themeFontLang") == 0:
                theme_lang = attr_text(node, "val", &odd) or None
            if odd:
                return None
        # pre-order: first child, else the next sibling of the nearest element that has one
        child = node.children
        if child is not NULL and node.type == tree.XML_ELEMENT_NODE:
            node = child
            continue
        while node is not top and node.next is NULL:
            node = node.parent
        if node is top:
            break
        node = node.next
    return out, lang, theme_lang

