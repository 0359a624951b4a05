"""Import a kommuneplan (samfunnsdel / handlingsdel) document into a KP catalogue (`MasterPlan`).

Items come from numbered headings ("3.2 Folkehelse", or Word auto-numbering) and from numbered
goal lists under them ("3.2.1 …", "Mål 2.1: …", or auto-numbered list paragraphs). Each item gets
the id ``KP-<number>`` (as in the example data), its title and the first paragraph under it as text.
Anything that looks like a goal but cannot be numbered is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docplan.document import PlanDocument
from docplan.errors import DocumentError, Location
from docplan.model import KpItem, MasterPlan
from docplan.files import write_atomic
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.ooxml.text import element_text
from docplan.package import Source

#: A typed number at the start of a line: "3.2 ", "3.2. ", "1) ", "1.0 ".
NUMBER = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)*)[.)]?\s+(?P<rest>\S.*)$")
#: "Mål 2.1: …", "Hovedmål 2 – …", "Delmål 1.3. …", "Strategi 4.2: …" (bokmål and nynorsk).
LABELLED = re.compile(r"^\s*(?P<label>hovedmål|hovudmål|delmål|mål|strategi|satsingsområde|innsatsområde)\s+"
                      r"(?P<num>\d+(?:\.\d+)*)\s*[:.)–-]?\s*(?P<rest>.*)$", re.IGNORECASE)
PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[–-]\s*((?:19|20)\d{2})\b")
VERSION = re.compile(r"\bversjon\s+([\w.\-]+)", re.IGNORECASE)
MONTHS = {m: i for i, m in enumerate(("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                                      "september", "oktober", "november", "desember"), 1)}
DATE_NUM = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2,4})\b")
DATE_TEXT = re.compile(r"\b(\d{1,2})\.\s?(" + "|".join(m[:3] for m in MONTHS) + r")[a-zæøå]*\.?\s+(\d{4})\b",
                       re.IGNORECASE)
_TOC = re.compile(r"^(toc|innholdsfortegnelse|innhaldsliste|inhaltsverzeichnis)\s*\d*$", re.IGNORECASE)
_TITLE_STYLES = ("title", "tittel")


@dataclass
class KpImport:
    """The catalogue found in one document and what could not be recognised."""

    master_plan: MasterPlan
    unrecognised: list[str] = field(default_factory=list)
    source: str = ""


def parse_date(text: str) -> dt.date | None:
    """Return the first Norwegian date in ``text`` ("23.06.2005", "31.03.08", "10. februar 2011")."""
    m = DATE_NUM.search(text)
    try:
        if m:
            year = int(m.group(3))
            year += 2000 if year < 100 else 0
            return dt.date(year, int(m.group(2)), int(m.group(1)))
        m = DATE_TEXT.search(text)
        if m:
            month = next(v for k, v in MONTHS.items() if k.startswith(m.group(2).lower()))
            return dt.date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return None
    return None


def _style_name(doc: PlanDocument, style_id: str | None) -> str:
    return doc.styles.name(style_id).strip().lower()


def _is_toc(doc: PlanDocument, p: Element, style_id: str | None) -> bool:
    if style_id and (_TOC.match(style_id) or _TOC.match(_style_name(doc, style_id))):
        return True
    for sdt in p.iterancestors(qn("w:sdt")):
        gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
        if gallery is not None and "content" in (gallery.get(qn("w:val")) or "").lower():
            return True
    return False


def import_kommuneplan(source: Source, *, part: str | None = None, name: str | None = None) -> KpImport:
    """Read a kommuneplan .docx and return its catalogue of numbered items plus a report."""
    doc = PlanDocument.open(source, name=name)
    return catalogue_from_document(doc, part=part)


def catalogue_from_document(doc: PlanDocument, *, part: str | None = None) -> KpImport:
    heads = {h.element: h for h in doc.headings()}
    labels = doc.numbering_labels()
    unrecognised: list[str] = []
    items: dict[str, KpItem] = {}
    order: list[str] = []
    title: str | None = None
    head_lines: list[str] = []
    current: str | None = None       # number of the latest numbered heading
    wants_text: str | None = None    # item id still waiting for its first paragraph
    list_counter = 0

    def add(number: str, text: str, index: int) -> None:
        nonlocal wants_text
        ident = f"KP-{number}"
        label, _, body = text.partition(":")
        title_text, body_text = (label.strip(), body.strip()) if body and len(label) < 90 else (text.strip(), "")
        if ident in items:
            unrecognised.append(f"avsnitt {index}: nummeret {number} finnes flere ganger («{text}»); "
                                "bare det første er tatt med")
            return
        items[ident] = KpItem(id=ident, title=title_text or text.strip(), text=body_text or None)
        order.append(ident)
        wants_text = None if body_text else ident

    for para in doc.paragraphs():
        p, idx = para.element, para.index
        text = " ".join(element_text(p).split())
        if not text or _is_toc(doc, p, para.style_id):
            continue
        if title is None and (_style_name(doc, para.style_id) in _TITLE_STYLES or para.style_id in ("Title", "Tittel")):
            title = text
            continue
        if len(head_lines) < 15:
            head_lines.append(text)
        head = heads.get(p)
        if head is not None:
            list_counter = 0
            labelled = LABELLED.match(head.text)
            if head.number:
                current = head.number
                add(head.number, head.title, idx)
            elif labelled and labelled.group("rest"):
                current = labelled.group("num")
                add(current, labelled.group("rest"), idx)
            else:
                wants_text = None
                if title is None and head.level == 1 and not order:
                    title = text
                elif order:  # an unnumbered heading after numbered ones may be a goal we cannot place
                    unrecognised.append(f"avsnitt {idx}: overskrift uten nummer «{text}»")
            continue
        labelled = LABELLED.match(text)
        typed = NUMBER.match(text)
        if labelled and labelled.group("rest"):
            add(labelled.group("num"), labelled.group("rest"), idx)
        elif typed and current and typed.group("num").startswith(current + "."):
            add(typed.group("num"), typed.group("rest"), idx)
        elif (label := labels.get(idx)) is not None and not label.bullet:
            if current is None:
                unrecognised.append(f"avsnitt {idx}: nummerert punkt uten nummerert overskrift over seg «{text[:80]}»")
            else:
                list_counter += 1
                add(f"{current}.{list_counter}", text, idx)
        elif wants_text is not None:
            item = items[wants_text]
            items[wants_text] = item.model_copy(update={"text": text})
            wants_text = None
    title = title or _core_title(doc) or Path(doc.name).stem
    if not order:
        raise DocumentError("fant ingen nummererte mål eller kapitler i kommuneplanen; nummerer overskriftene "
                            "(f.eks. «3.2 Folkehelse») eller målene (f.eks. «Mål 2.1: …»)",
                            Location(file=doc.name), code="no_kp_items")
    guess = part or next((p for p in ("handlingsdel", "økonomiplan", "samfunnsdel") if p in title.lower()),
                         "samfunnsdel")
    intro = " ".join(head_lines)
    version = VERSION.search(intro)
    adopted = parse_date(intro)
    mp = MasterPlan(plan_name=title, part=guess, adopted=adopted, version=version.group(1) if version else None,
                    items=[items[i] for i in order])
    if part is None and not any(p in title.lower() for p in ("samfunnsdel", "handlingsdel", "økonomiplan")):
        unrecognised.append(f"delen av kommuneplanen står ikke i tittelen «{title}»; satt til «{guess}» "
                            "(bruk --part for å velge)")
    return KpImport(mp, unrecognised, doc.name)


def _core_title(doc: PlanDocument) -> str | None:
    return doc.core_properties.get("title", "").strip() or None


def catalogue_dict(result: KpImport) -> dict:
    """Return the catalogue as the YAML shape of ``municipalities[].master_plans[]``."""
    data = result.master_plan.model_dump(mode="json", exclude_none=True)
    return {"master_plans": [data]}


def write_catalogue(result: KpImport, path: str | Path) -> Path:
    """Write the catalogue as YAML (atomically), with a header saying where it came from."""
    header = (f"# Kommuneplankatalog lest fra {Path(result.source).name} av «docplan kp import».\n"
              "# Lim inn under municipalities[].master_plans i plandataene, og sjekk punktene.\n")
    text = header + yaml.safe_dump(catalogue_dict(result), allow_unicode=True, sort_keys=False, width=100)
    return write_atomic(path, text.encode("utf-8"))
