"""Keep docplan's nynorsk catalogue in step with the source.

    python tools/messages.py          # add new messages (empty, to translate), drop removed ones,
                                      # and compile every .po to the .mo read at run time
    python tools/messages.py --check  # exit 1 and list what is missing, left over or not compiled

Messages are found with Babel's extractor in docplan/ and addin_server/ (``_``, ``gettext``, ``N_``,
``translate``, ``ngettext``, ``pgettext``, and the title of a check ``rule``). The catalogue is docplan/locale/nn/LC_MESSAGES/docplan.po;
bokmål is the source language and needs no catalogue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("docplan", "addin_server")
LOCALE = ROOT / "docplan" / "locale"
PO = LOCALE / "nn" / "LC_MESSAGES" / "docplan.po"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "translate": (1,), "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "rule": (3,)}


def extract() -> Catalog:
    """Return every marked message of the source as a catalogue (message id → where it is used)."""
    catalog = Catalog(project="docplan", locale="nn", domain="docplan")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def read_catalogue(path: Path = PO) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale="nn", domain="docplan")


def _key(message) -> tuple:
    ident = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return message.context, ident


def problems(source: Catalog, catalogue: Catalog) -> tuple[list[str], list[str]]:
    """Return (messages without a nynorsk form, catalogue entries no longer in the source)."""
    have = {_key(m): m for m in catalogue if m.id}
    missing = []
    for m in source:
        if not m.id:
            continue
        entry = have.get(_key(m))
        strings = entry.string if entry is not None else None
        translated = entry is not None and not entry.fuzzy and (
            all(strings) if isinstance(strings, (list, tuple)) else bool(strings))
        if not translated:
            where = ", ".join(f"{f}:{n}" for f, n in m.locations[:2])
            missing.append(f"{_key(m)[1]!r} ({where})")
    used = {_key(m) for m in source if m.id}
    leftover = [repr(k[1]) for k in have if k not in used]
    return missing, leftover


def update() -> None:
    """Merge the source's messages into the catalogue: new ones empty, removed ones dropped."""
    catalogue = read_catalogue() if PO.exists() else Catalog(locale="nn", domain="docplan")
    catalogue.update(extract(), no_fuzzy_matching=True, update_creation_date=False)
    catalogue.obsolete.clear()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalogue, width=100, sort_output=False, omit_header=False, include_previous=False)


def compiled(po: Path) -> bytes:
    """Return the ``.mo`` bytes of a ``.po`` file (fuzzy and untranslated entries left out)."""
    import io

    with po.open("rb") as fh:
        catalog = read_po(fh, domain=po.stem)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def stale_mo() -> list[str]:
    """Return the ``.po`` files whose ``.mo`` is missing or differs from a fresh compile."""
    return [str(po.relative_to(ROOT)) for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
            if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").read_bytes() != compiled(po)]


def compile_all() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po.with_suffix(".mo").write_bytes(compiled(po))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="list problems and exit 1 when there are any")
    args = ap.parse_args()
    if not args.check:
        update()
        compile_all()
    missing, leftover = problems(extract(), read_catalogue())
    for line in missing:
        print(f"mangler nynorsk: {line}")
    for line in leftover:
        print(f"ikke i bruk lenger: {line}")
    for name in stale_mo():
        print(f"ikke kompilert (kjør python tools/messages.py): {name}")
    return 1 if (missing or leftover or stale_mo()) else 0


if __name__ == "__main__":
    sys.exit(main())
