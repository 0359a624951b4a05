"""Template code against the context schema: the tags of a paragraph, a part's Jinja source, the AST walk.

`jinja_source` builds a part's Jinja source as the renderer does (docxtpl's ``patch_xml``) and maps
each source line back to its paragraph. `SchemaWalker` walks the parsed Jinja AST with the names in
scope and checks every variable and attribute path against `docplan.templating.schema.context_schema`
(``m.ansvalig`` is an unknown field, with the suggestion ``responsible``), every filter and test
against the renderer's environment, and refuses what the sandbox forbids (``__class__``, imports,
macros). Findings go to the ``add`` callback it is given; every field use is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import datetime as dt
import difflib
import re
from typing import Any, Callable

import jinja2
from jinja2 import nodes

from docplan.ooxml.parser import Element, to_string
from docplan.templating.parts import Para
from docplan.templating.schema import suggest

#: A template tag: ``{{ … }}``, ``{% … %}`` or ``{# … #}``.
TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_STMT_RE = re.compile(r"^\{%-?\s*(?:(p|tr|tc|r)\s+)?(\w+)?")

#: Statement keywords that need an end tag, and their end tag.
BLOCKS = {"for": "endfor", "if": "endif", "with": "endwith", "filter": "endfilter", "call": "endcall",
          "macro": "endmacro", "autoescape": "endautoescape", "raw": "endraw"}
FORBIDDEN_STMTS = {"import", "from", "include", "extends", "macro", "call"}
#: Attribute names the sandbox refuses or that lead out of the data (besides every ``_name``).
_FORBIDDEN_ATTRS = {"mro", "format", "format_map", "func_globals", "func_code", "gi_frame", "gi_code",
                    "cr_frame", "cr_code", "ag_frame", "ag_code", "f_globals", "f_locals", "f_builtins",
                    "tb_frame", "im_class", "im_func", "im_self"}

_LOOP = {"type": "object", "description": "Jinja's loop variable", "properties": {
    k: {"type": t} for k, t in (("index", "integer"), ("index0", "integer"), ("revindex", "integer"),
                                ("revindex0", "integer"), ("first", "boolean"), ("last", "boolean"),
                                ("length", "integer"), ("depth", "integer"), ("depth0", "integer"),
                                ("cycle", "object"), ("changed", "object"), ("previtem", "object"),
                                ("nextitem", "object"))}}
_ANY: dict = {}

_Scope = dict  # name → (schema, canonical path)


def clean_tag(tag: str) -> str:
    """Return a tag as docxtpl hands it to Jinja: no p/tr/tc/r prefix, straight quotes."""
    tag = re.sub(r"^(\{[{%#])(p|tr|tc|r)\s", r"\1 ", tag)
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("«", '"'), ("»", '"')):
        tag = tag.replace(a, b)
    return tag


def statement(tag: str) -> tuple[str | None, str | None]:
    """Return (structural prefix, keyword) of a ``{% … %}`` tag, e.g. ``("p", "for")``."""
    m = _STMT_RE.match(tag)
    return (m.group(1), m.group(2)) if m else (None, None)


def syntax_reason(exc: jinja2.TemplateSyntaxError) -> str:
    """Return a Norwegian reason for a Jinja syntax error (shared wording with the renderer)."""
    from docplan.render import _syntax_reason

    return _syntax_reason(exc)


def tag_syntax_error(env: jinja2.Environment, tag: str) -> str | None:
    """Return why one tag on its own does not parse, or None (block openers are closed for the test)."""
    clean = clean_tag(tag)
    if clean.startswith("{#"):
        return None
    if clean.startswith("{%"):
        kw = statement(clean)[1]
        if kw in BLOCKS:
            clean += "{% " + BLOCKS[kw] + " %}"
        elif kw in ("elif", "else"):
            clean = "{% if true %}" + clean + "{% endif %}"
        elif kw and (kw.startswith("end") or kw in ("break", "continue")):
            return None
        elif kw == "set" and "=" not in clean:
            clean += "{% endset %}"
    try:
        env.parse(clean)
    except jinja2.TemplateSyntaxError as exc:
        return syntax_reason(exc)
    return None


def jinja_source(root: Element) -> tuple[str, list[int]]:
    """Return a part's Jinja source as the renderer builds it, and line → paragraph (1-based) numbers.

    Each paragraph gets a marker attribute before docxtpl's ``patch_xml`` and a newline before it
    afterwards (as `docplan.render` does), so a Jinja line number leads back to the paragraph.
    """
    from docxtpl import DocxTemplate

    xml = to_string(root)
    counter = iter(range(1, 10_000_000))
    marked = re.sub(r"<w:p([ >/])", lambda m: f'<w:p docplan-p="{next(counter)}"{m.group(1)}', xml)
    source = DocxTemplate.patch_xml(None, marked)  # patch_xml uses no instance state
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    line_para, current = [0], 0
    for line in source.split("\n"):
        m = re.search(r'docplan-p="(\d+)"', line)
        if m:
            current = int(m.group(1))
        line_para.append(current)
    return source, line_para


def para_at(paras: list[Para], line_para: list[int], lineno: int | None, needle: str | None) -> Para | None:
    """Return the paragraph a Jinja line number (and, when given, the text written there) points at."""
    approx = line_para[lineno] if lineno and lineno < len(line_para) else 0
    if needle:
        for p in paras[max(approx - 1, 0):] + paras[:max(approx - 1, 0)]:
            if needle in clean_tag(p.text).replace(" ", ""):
                return p
    return paras[approx - 1] if 0 < approx <= len(paras) else None


#: Filters whose result holds (some of) the items of the list they are given, in the same shape.
_SAME_ITEMS = frozenset({"kp_in_scope", "sort", "unique", "reverse", "list", "select", "reject", "selectattr",
                         "rejectattr"})


@dataclass
class SchemaWalker:
    """Walks a part's Jinja AST with the names in scope, checking names and attribute paths.

    ``add`` reports a finding; ``fields`` collects each field use; ``line_para`` maps a Jinja source
    line to the paragraph it came from.
    """

    env: jinja2.Environment
    defs: dict
    add: Callable[..., None]
    fields: list[dict]
    part: str
    kind: str
    paras: list[Para]
    line_para: list[int]

    # schema navigation
    def deref(self, s: dict) -> dict:
        seen = 0
        while isinstance(s, dict) and "$ref" in s and seen < 20:
            s = self.defs.get(s["$ref"].rsplit("/", 1)[-1], _ANY)
            seen += 1
        if isinstance(s, dict) and "anyOf" in s:
            options = [self.deref(o) for o in s["anyOf"] if o.get("type") != "null"]
            if len(options) == 1:
                return options[0]
            return _ANY
        return s

    def attr(self, base: dict, name: str) -> dict | None:
        """Return the schema of ``base.name``, ANY for untyped values, None when it does not exist."""
        s = self.deref(base)
        if not s:
            return _ANY
        props = s.get("properties")
        if props is not None:
            return props.get(name)
        t = s.get("type")
        py = {"string": str, "integer": int, "number": float, "boolean": bool, "array": list}.get(t)
        if t == "string" and s.get("format") in ("date", "date-time"):
            py = dt.date if s.get("format") == "date" else dt.datetime
        if py is not None:
            return _ANY if hasattr(py, name) else None
        return _ANY

    def options(self, base: dict) -> list[str]:
        return list((self.deref(base).get("properties") or {}).keys())

    def report(self, node: nodes.Node, code: str, message: str, needle: str | None, suggestion: str | None = None,
               severity: str = "error") -> None:
        para = para_at(self.paras, self.line_para, getattr(node, "lineno", None), needle)
        self.add(code, severity, message, para, part=self.part, suggestion=suggestion)

    # resolving expressions
    def resolve(self, node: nodes.Node, scope: _Scope, record: bool = True) -> tuple[dict, str | None, str | None]:
        """Return (schema, canonical path, written expression) of a Name/Getattr chain."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                schema, path = scope[node.name]
                return schema, path, node.name
            if node.name in self.env.globals:
                return _ANY, None, node.name
            candidates = [n for n in scope if n != "data"] + list(self.env.globals)
            self.report(node, "unknown_variable", f"variabelen «{node.name}» finnes ikke i malens data",
                        node.name, suggest(node.name, candidates))
            return _ANY, None, node.name
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            name = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else None)
            if isinstance(node, nodes.Getitem) and name is None:
                self.visit(node.arg, scope)
                base, path, expr = self.resolve_any(node.node, scope)
                s = self.deref(base)
                return (s.get("items", _ANY) if s.get("type") == "array" else _ANY), \
                    (path + "[]" if path else None), (expr + "[…]" if expr else None)
            base, path, expr = self.resolve_any(node.node, scope)
            written = f"{expr}.{name}" if expr else name
            needle = written if "[" not in written else name
            if name.startswith("_") or name in _FORBIDDEN_ATTRS:
                if "__" in (expr or "") or any(a in (expr or "").split(".") for a in _FORBIDDEN_ATTRS):
                    return _ANY, None, written  # the inner attribute was reported already
                self.report(node, "forbidden", f"«{written}» er ikke tillatt i maler (sikkerhet)", needle)
                return _ANY, None, written
            sub = self.attr(base, name)
            if sub is None:
                opts = self.options(base)
                self.report(node, "unknown_field",
                            f"feltet «{name}» i «{written}» finnes ikke i plandataene"
                            + (f" (mulige felt: {', '.join(opts[:12])})" if opts else ""), needle,
                            suggest(name, opts))
                return _ANY, None, written
            return sub, (f"{path}.{name}" if path else None), written
        self.visit(node, scope)
        return _ANY, None, None

    def resolve_any(self, node: nodes.Node, scope: _Scope):
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            return self.resolve(node, scope)
        if isinstance(node, nodes.Filter) and node.name in _SAME_ITEMS and node.node is not None:
            # a filter that keeps some of a list's items: the items are still what the list holds
            for arg in [*node.args, *(kw.value for kw in node.kwargs)]:
                self.visit(arg, scope)
            if node.name not in self.env.filters:
                self.visit(node, scope)
            return self.resolve_any(node.node, scope)
        self.visit(node, scope)
        return _ANY, None, None

    def record(self, node: nodes.Node, path: str | None, expr: str | None) -> None:
        if expr is None:
            return
        para = para_at(self.paras, self.line_para, getattr(node, "lineno", None), expr)
        self.fields.append({"path": path, "expression": expr, "part": self.part,
                              "paragraph": para.index if para else None,
                              "table": list(para.table) if para and para.table else None})

    # visiting
    def visit_list(self, body: list[nodes.Node], scope: _Scope) -> None:
        for n in body:
            self.visit(n, scope)

    def visit(self, node: Any, scope: _Scope) -> None:
        if isinstance(node, list):
            return self.visit_list(node, scope)
        if not isinstance(node, nodes.Node):
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                scope[node.name] = (_ANY, None)
                return
            _, path, expr = self.resolve(node, scope)
            self.record(node, path, expr)
            return
        if isinstance(node, (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
            self.report(node, "forbidden", "maler kan ikke hente inn andre filer eller moduler (sikkerhet)",
                        None)
            return
        if isinstance(node, nodes.Filter) or isinstance(node, nodes.Test):
            table = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in table:
                close = difflib.get_close_matches(node.name, list(table), n=1)
                what = "filteret" if isinstance(node, nodes.Filter) else "testen"
                self.report(node, "unknown_filter", f"{what} «{node.name}» finnes ikke", node.name,
                            close[0] if close else None)
        if isinstance(node, nodes.For):
            schema, path, expr = self.resolve_any(node.iter, scope)
            self.record(node.iter, path, expr)
            inner = dict(scope)
            item = self.deref(schema)
            item_schema = item.get("items", _ANY) if item.get("type") == "array" else _ANY
            if isinstance(node.target, nodes.Name):
                inner[node.target.name] = (item_schema, path + "[]" if path else None)
            else:
                for n in node.target.find_all(nodes.Name):
                    inner[n.name] = (_ANY, None)
            inner["loop"] = (_LOOP, "loop")
            if node.test is not None:
                self.visit(node.test, inner)
            self.visit_list(node.body, inner)
            self.visit_list(node.else_, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for n in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
                scope[n.name] = (_ANY, None)
            return
        if isinstance(node, (nodes.AssignBlock,)):
            self.visit_list(node.body, scope)
            scope[getattr(node.target, "name", "_")] = (_ANY, None)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for t, v in zip(node.targets, node.values):
                self.visit(v, scope)
                for n in ([t] if isinstance(t, nodes.Name) else t.find_all(nodes.Name)):
                    inner[n.name] = (_ANY, None)
            self.visit_list(node.body, inner)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            self.report(node, "forbidden", "makroer er ikke tillatt i docplan-maler", None)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)
