"""What changed between two versions of a plan: for the planner, and for the saksframlegg to the council.

Two versions of plan data are compared item by item — the plan's own facts, municipalities and their
adoption, goals and sub-goals, measures, and each municipality's kommuneplan catalogue — and field by
field within an item. Two documents made by docplan are compared by their docplan items (content
controls): added, removed and changed text. The result reads as Norwegian lines (`lines`), as JSON
(`to_dict`) or as a Word document with one table (`to_docx`), in bokmål or nynorsk.

Fields are compared generically from the model, so a field added to the model is compared without
code here; `FIELD_LABELS` names the fields a planner knows by name.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, Iterable

from docplan.formatting import format_nok
from docplan.i18n import N_, _, format_date, format_number, language, translate

#: Norwegian names of the model's fields (others are shown by their key).
FIELD_LABELS = {
    "title": N_("tittel"), "text": N_("tekst"), "scope": N_("omfang"), "municipalities": N_("kommuner"),
    "goal_ids": N_("delmål"), "target_group": N_("målgruppe"), "responsible": N_("ansvarlig"),
    "partners": N_("samarbeidspartnere"), "years": N_("år"), "deadline": N_("frist"), "cost_nok": N_("kostnad"),
    "cost_basis": N_("kostnadsgrunnlag"), "funding": N_("finansiering"), "status": N_("status"),
    "indicator": N_("indikator"), "kp_refs": N_("kommuneplankoblinger"), "name": N_("navn"),
    "source": N_("kilde"), "baseline": N_("utgangsverdi"), "baseline_year": N_("år for utgangsverdi"),
    "target": N_("mål"), "target_year": N_("målår"), "period": N_("planperiode"), "vision": N_("visjon"),
    "budget_total_nok": N_("budsjett"), "adoption": N_("vedtak"), "date": N_("dato"), "case_no": N_("saksnummer"),
    "role": N_("rolle"), "subtitle": N_("undertittel"), "reports": N_("rapporter"), "done": N_("hva ble gjort"),
    "spent_nok": N_("brukt"), "comment": N_("kommentar"), "values": N_("verdier"), "value": N_("verdi"),
    "county": N_("fylket"), "country": N_("landet"), "year": N_("år"),
}

#: How each kind of item is named in the output.
KIND_LABELS = {
    "plan": N_("Planen"), "municipality": N_("Kommune"), "goal": N_("Hovedmål"), "sub_goal": N_("Delmål"),
    "measure": N_("Tiltak"), "kp_item": N_("Kommuneplanpunkt"), "item": N_("Element"),
}
CHANGE_LABELS = {"added": N_("lagt til"), "removed": N_("fjernet"), "changed": N_("endret")}


@dataclass
class FieldChange:
    """One field of an item: its value before and after."""

    field: str
    old: Any
    new: Any


@dataclass
class Change:
    """An item added, removed or changed (then with the fields that changed)."""

    kind: str
    id: str
    change: str
    title: str = ""
    fields: list[FieldChange] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "change": self.change, "title": self.title,
                "fields": [{"field": f.field, "old": _jsonable(f.old), "new": _jsonable(f.new)} for f in self.fields]}


@dataclass
class Diff:
    """The changes between two versions, in the order a reader meets them in the plan."""

    old_name: str
    new_name: str
    changes: list[Change] = field(default_factory=list)
    language: str = "nb"

    @property
    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for c in self.changes:
            out[c.change] += 1
        return out

    def to_dict(self) -> dict:
        return {"old": self.old_name, "new": self.new_name, "counts": self.counts,
                "changes": [c.to_dict() for c in self.changes]}

    def lines(self) -> list[str]:
        """Return the changes as Norwegian lines (in the diff's målform)."""
        with language(self.language):
            if not self.changes:
                return [_("Ingen endringer mellom {old} og {new}.").format(old=self.old_name, new=self.new_name)]
            out = [_("Endringer fra {old} til {new}:").format(old=self.old_name, new=self.new_name)]
            for c in self.changes:
                out.append(f"{_item_label(c)}: {translate(CHANGE_LABELS[c.change])}")
                for f in c.fields:
                    out.append(f"  {field_label(f.field)}: {display(f.old, f.field)} → {display(f.new, f.field)}")
            counts = self.counts
            out.append(_("{added} lagt til, {removed} fjernet, {changed} endret.").format(**counts))
            return out

    def to_docx(self) -> bytes:
        """Return a Word document with the changes as one table (for the saksframlegg)."""
        return _docx(self)


# -- comparing plan data -------------------------------------------------------------------------

def diff_plans(old, new, *, old_name: str = "forrige versjon", new_name: str = "ny versjon",
               lang: str | None = None) -> Diff:
    """Return what changed from plan ``old`` to plan ``new`` (`docplan.model.Plan`)."""
    out = Diff(old_name, new_name, language=lang or new.meta.language)
    info_changes = _fields(_dump(old.info), _dump(new.info))
    if info_changes:
        out.changes.append(Change("plan", new.info.id, "changed", new.info.title, info_changes))
    out.changes += _by_id("municipality", [m for m in old.municipalities if m], [m for m in new.municipalities if m],
                          key="number", title="name", skip=("master_plans",))
    out.changes += _by_id("goal", old.goals, new.goals, skip=("sub_goals",))
    out.changes += _by_id("sub_goal", [s for g in old.goals for s in g.sub_goals],
                          [s for g in new.goals for s in g.sub_goals])
    out.changes += _by_id("measure", [m for m in old.measures if m], [m for m in new.measures if m])
    out.changes += _by_id("kp_item", _kp_items(old), _kp_items(new))
    return out


def _kp_items(plan) -> list:
    """Every kommuneplan item of every municipality, with ids that say whose (``3427:KP-3.2``)."""
    items = []
    for m in plan.municipalities:
        if m is None:
            continue
        for mp in m.master_plans:
            for item in mp.items:
                items.append(_Keyed(f"{m.number}:{item.id}", item.title, {**_dump(item), "plan_name": mp.plan_name}))
    return items


@dataclass
class _Keyed:
    id: str
    title: str
    data: dict


def _dump(obj) -> dict:
    if isinstance(obj, _Keyed):
        return obj.data
    if obj is None:
        return {}
    return obj.model_dump(mode="python", exclude_none=False)


def _by_id(kind: str, old: Iterable, new: Iterable, *, key: str = "id", title: str = "title",
           skip: tuple[str, ...] = ()) -> list[Change]:
    old_items = {str(getattr(o, key)): o for o in old}
    new_items = {str(getattr(n, key)): n for n in new}
    out: list[Change] = []
    for ident, item in new_items.items():
        before = old_items.get(ident)
        label = str(getattr(item, title, "") or "")
        if before is None:
            out.append(Change(kind, ident, "added", label))
            continue
        fields = _fields(_dump(before), _dump(item), skip)
        if fields:
            out.append(Change(kind, ident, "changed", label, fields))
    for ident, item in old_items.items():
        if ident not in new_items:
            out.append(Change(kind, ident, "removed", str(getattr(item, title, "") or "")))
    return out


def _fields(old: dict, new: dict, skip: tuple[str, ...] = (), prefix: str = "") -> list[FieldChange]:
    """Return the fields whose values differ; nested records are compared field by field."""
    out = []
    for key in list(new) + [k for k in old if k not in new]:
        if key in skip:
            continue
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        name = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            out += _fields(a, b, prefix=f"{name}.")
        elif _by_year(a) is not None and _by_year(b) is not None:  # reports, indicator values: year by year
            before, after = _by_year(a), _by_year(b)
            for year in sorted({*before, *after}):
                if before.get(year) != after.get(year):
                    out.append(FieldChange(f"{name}.{year}", before.get(year), after.get(year)))
        else:
            out.append(FieldChange(name, a, b))
    return out


def _by_year(value: Any) -> dict[int, dict] | None:
    """Return a list of yearly entries (``[{year, …}]``) by year without the year, or None for other values."""
    if value is None:
        return {}
    if not isinstance(value, list) or not all(isinstance(v, dict) and "year" in v for v in value):
        return None
    return {v["year"]: {k: x for k, x in v.items() if k != "year"} for v in value}


# -- comparing documents --------------------------------------------------------------------------

def diff_documents(old, new, *, old_name: str = "forrige versjon", new_name: str = "ny versjon",
                   lang: str | None = None) -> Diff:
    """Return what changed between two documents made by docplan, item by item (content controls)."""
    from docplan.document import PlanDocument
    from docplan.i18n import normalise_lang

    old_doc = old if isinstance(old, PlanDocument) else PlanDocument.open(old, name=old_name)
    new_doc = new if isinstance(new, PlanDocument) else PlanDocument.open(new, name=new_name)
    chosen = normalise_lang(lang or new_doc.language)
    out = Diff(old_name, new_name, language=chosen)

    def texts(doc) -> dict[str, str]:
        return {c.name: " ".join(c.own_text.split()) for c in doc.all_controls()}

    before, after = texts(old_doc), texts(new_doc)
    for tag, text in after.items():
        if tag not in before:
            out.changes.append(Change("item", tag, "added", text[:80]))
        elif before[tag] != text:
            out.changes.append(Change("item", tag, "changed", text[:80], [FieldChange("text", before[tag], text)]))
    for tag, text in before.items():
        if tag not in after:
            out.changes.append(Change("item", tag, "removed", text[:80]))
    return out


# -- showing values --------------------------------------------------------------------------------

def field_label(name: str) -> str:
    """Return a field's Norwegian name (``indicator.target`` → «indikator: mål»)."""
    return ": ".join(translate(FIELD_LABELS[p]) if p in FIELD_LABELS else p for p in name.split("."))


def _item_label(c: Change) -> str:
    kind = translate(KIND_LABELS.get(c.kind, c.kind))
    title = f" «{c.title}»" if c.title and c.title != c.id else ""
    return f"{kind} {c.id}{title}"


def display(value: Any, name: str = "") -> str:
    """Return a value as a reader should see it: «–» for nothing, dates and kroner the Norwegian way
    (``name`` is the field's; an amount field, ``…_nok``, is shown in kroner)."""
    from docplan.i18n import display_value

    if name.endswith("_nok") and isinstance(value, int) and not isinstance(value, bool):
        return format_nok(value)
    if value is None or value == [] or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, (dt.date, dt.datetime)):
        return format_date(value)
    if isinstance(value, int):
        last = name.rsplit(".", 1)[-1]
        return str(value) if last in ("year", "years") or last.endswith("_year") else format_number(value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {display(v, k)}" for k, v in value.items() if v not in (None, [], ""))
    if isinstance(value, (list, tuple)):
        return ", ".join(display(v, name) for v in value)
    return display_value(str(value))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _docx(d: Diff) -> bytes:
    import docx
    from docx.oxml import OxmlElement

    from docplan.ooxml.build import mend_zoom, set_default_language

    with language(d.language):
        doc = docx.Document()
        lang_tag = "nn-NO" if d.language == "nn" else "nb-NO"
        mend_zoom(doc.settings.element)
        set_default_language(doc.styles.element, lang_tag)
        title = _("Endringer i planen")
        doc.core_properties.title = title
        doc.core_properties.language = lang_tag
        doc.add_heading(title, level=1)
        doc.add_paragraph(_("Fra {old} til {new}.").format(old=d.old_name, new=d.new_name))
        counts = d.counts
        doc.add_paragraph(_("{added} lagt til, {removed} fjernet, {changed} endret.").format(**counts))
        if not d.changes:
            doc.add_paragraph(_("Ingen endringer."))
        else:
            table = doc.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            header = table.rows[0]
            for cell, text in zip(header.cells, (_("Element"), _("Endring"), _("Før"), _("Etter"))):
                cell.text = text
            tr_pr = header._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            tr_pr.append(repeat)
            for c in d.changes:
                if c.change != "changed":
                    row = table.add_row().cells
                    row[0].text, row[1].text = _item_label(c), translate(CHANGE_LABELS[c.change])
                    continue
                for f in c.fields:
                    row = table.add_row().cells
                    row[0].text = _item_label(c)
                    row[1].text = _("{field} endret").format(field=field_label(f.field))
                    row[2].text, row[3].text = display(f.old, f.field), display(f.new, f.field)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()


__all__ = ["Change", "Diff", "FieldChange", "diff_documents", "diff_plans", "display", "field_label"]
