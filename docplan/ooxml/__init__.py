"""The OOXML layer: the only place docplan works with lxml.

Like python-docx's ``oxml``, this package knows the XML of WordprocessingML and of the package
around it; everything above it (`docplan.document`, the features, the CLI and the server) works
through these helpers and never imports lxml. Thin typed helpers rather than custom element classes:
docplan touches few elements, reads documents from many producers (custom element classes bind only
to the elements a registered parser creates), and the helpers keep each element's rules in one place.

- `ns` — namespace prefixes and `qn`;
- `parser` — the one safe parser (no DTD, no entities, no network; a DOCTYPE is refused);
- `text` — visible text and the fingerprint docplan records;
- `styles` — the styles part and the one heading rule; `numbering` — Word's automatic numbers;
- `sdt` — content controls, docplan's tags and shapes; `tables` — rows and cells;
- `tree` — placing and replacing content; `build` — fragments as XML text;
- `comments`, `props`, `customxml`, `opc`, `flatopc` — comments, properties, docplan's record,
  relationships and content types, flat OPC.
"""

from docplan.ooxml.ns import NSMAP, qn
from docplan.ooxml.parser import Element, parse_xml, serialize
from docplan.ooxml.sdt import make_sdt, wrap_in_sdt

__all__ = ["Element", "NSMAP", "make_sdt", "parse_xml", "qn", "serialize", "wrap_in_sdt"]
