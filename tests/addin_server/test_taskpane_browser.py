"""The task pane end to end: real Chromium, the real server on loopback, Office.js mocked at the network edge.

Each flow a planner goes through — insert with preview, «Oppdater alle» with an edited item and its
confirmation, checking twice (one set of comments), a double click (one insert), nynorsk throughout, the
server going down, signing out — runs against a mocked Word document whose controls, shapes and OOXML are
real WordprocessingML (``browser/office_mock.js``). Every state is checked with axe-core (WCAG 2.1 AA, no
violations) and photographed into test-artifacts/.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "addin_server" / "static" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PANE = "/pane/taskpane.html"

pytestmark = pytest.mark.slow


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must have it: scripts/install-system-deps.sh, npm ci)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    _need(Path(chromium).exists(), "chromium is not installed")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def tynset_docx() -> bytes:
    from docplan.loaders import load_plan
    from docplan.render import render_plan
    from tests.testkit import EXAMPLE

    return render_plan(load_plan(EXAMPLE), municipality="3427")


@pytest.fixture(scope="module")
def tynset_nn_docx() -> bytes:
    """Tynset's edition in nynorsk (the standard nynorsk template)."""
    from docplan.loaders import load_plan
    from docplan.render import render_plan, standard_template
    from tests.testkit import EXAMPLE

    return render_plan(load_plan(EXAMPLE), standard_template("nn"), municipality="3427")


@pytest.fixture(scope="module")
def office_js(tynset_docx) -> str:
    script = (Path(__file__).parent / "browser" / "office_mock.js").read_text("utf-8")
    return script.replace("__DOCX_BASE64__", base64.b64encode(tynset_docx).decode("ascii"))


class Pane:
    """Opens the task pane in a fresh browser context (its own storage) with a mocked Word."""

    def __init__(self, browser, server: str, office_js: str) -> None:
        self.browser, self.server, self.office_js = browser, server, office_js
        self.contexts = []
        self.errors: list[str] = []

    def context(self, *, width: int = 340, enforce_csp: bool = False):
        # axe is injected as an inline script, which the pane's own Content-Security-Policy forbids
        context = self.browser.new_context(bypass_csp=not enforce_csp, locale="nb-NO",
                                           viewport={"width": width, "height": 900})
        self.contexts.append(context)

        # Nothing leaves the machine: the Office CDN is answered by the mock, every other host is refused.
        def edge(route):
            url = route.request.url
            if url == OFFICE_JS:
                route.fulfill(body=self.office_js, content_type="text/javascript")
            elif url.startswith(self.server):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", edge)
        return context

    def open(self, context=None, *, options: dict | None = None, width: int = 340):
        context = context or self.context(width=width)
        page = context.new_page()
        page.add_init_script(f"window.__mockOptions = {json.dumps(options or {})};")
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.goto(self.server + PANE)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture()
def pane(browser, live_server, office_js):
    opened = Pane(browser, live_server, office_js)
    yield opened
    opened.close()
    assert not opened.errors, opened.errors


@pytest.fixture()
def page(pane):
    return pane.open()


# -- helpers ----------------------------------------------------------------------------------------------
def idle(page) -> None:
    """Wait until the pane's one action has finished (main[aria-busy=false], spinner gone)."""
    page.wait_for_function("document.getElementById('main').getAttribute('aria-busy') === 'false' && "
                           "document.getElementById('spinner').hidden")


def connect(page, token: str = "demo-3427", *, remember: bool = False, label: str = "Koble til") -> None:
    page.locator("#token").fill(token)
    if remember:
        page.locator("#remember").check()
    page.get_by_role("button", name=label).click()
    page.locator("#session").wait_for()
    page.locator("#tree button.item").first.wait_for()
    idle(page)


def status(page) -> str:
    return page.locator("#status").inner_text()


def wait_status(page, text: str) -> str:
    page.locator("#status").filter(has_text=text).wait_for()
    return status(page)


def word_log(page) -> list[dict]:
    return page.evaluate("window.__wordLog")


def ops(page, *names: str) -> list[dict]:
    return [e for e in word_log(page) if e["op"] in names]


def axe_violations(page) -> list[dict]:
    _need(AXE.is_file(), f"axe-core is not installed at {AXE} (run npm ci in addin_server/static)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""")


def state_of(page, name: str) -> None:
    """Check the pane's current state: no WCAG 2.1 AA violation, no sideways scrolling; save a screenshot."""
    assert axe_violations(page) == [], name
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: the pane scrolls sideways"
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"taskpane-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


def open_preview(page, item: str):
    """Open the preview of the catalogue row whose id is ``item``; return the row's list item."""
    row = page.locator("#browse li", has=page.locator(f"xpath=./button[span[@class='id' and text()='{item}']]")).first
    row.locator(":scope > button.item").click()
    row.locator(":scope > .preview > button").wait_for()  # the preview is there once «Sett inn» is
    return row


def load_rendered(page, docx: bytes) -> None:
    """Make the mocked Word document the rendered edition ``docx``: its body and docplan's record."""
    from docplan.document import PlanDocument

    doc = PlanDocument.open(docx)
    page.evaluate("([xml]) => window.__loadDocument(xml)", [doc.part_bytes(doc.main_part).decode("utf-8")])
    page.evaluate("([xml]) => window.__addPart(xml)", [doc.part_bytes(doc.state_part()).decode("utf-8")])


def recorded(page) -> dict[str, list[str]]:
    """Return tag → recorded hashes from the mocked document's docplan state part(s)."""
    from docplan.ooxml import parse_xml
    from docplan.state import STATE_NS

    out: dict[str, list[str]] = {}
    for xml in page.evaluate("window.__stateXml()"):
        for item in parse_xml(xml.encode("utf-8")).iter(f"{{{STATE_NS}}}item"):
            out.setdefault(item.get("tag"), []).extend(item.get("hash").split())
    return out


def edited_ops(page) -> list[tuple[str, int]]:
    """Return (operation, control id) of every change the pane made to controls in the mocked document."""
    return [(e["op"], e["id"]) for e in word_log(page) if e["op"] in ("insertOoxml", "delete")]


# -- the flows --------------------------------------------------------------------------------------------
def test_sign_in_shows_the_plan_and_municipality_by_short_name(page):
    state_of(page, "sign-in")
    connect(page)
    assert page.locator("#login").is_hidden(), "the sign-in form collapses once connected"
    assert page.locator("#context-name").inner_text() == "Plan: Tynset – Østerdalen 2024–2027"
    assert page.get_by_role("combobox", name="Plan og kommune").input_value() == "osterdalen|3427"
    assert wait_status(page, "Klar: Tynset – Østerdalen 2024–2027.")
    # goals as a tree: hovedmål → delmål → tiltak
    assert page.locator("#tree > li.level-main").count() >= 3
    assert page.locator("#tree > li.level-main > ul > li.level-sub > ul > li.level-measure").count() > 0
    state_of(page, "connected")


def test_insert_with_preview(page):
    connect(page)
    page.get_by_label("Søk").fill("moteplass")  # «møteplass», typed without ø
    shown = page.locator("#tree button.item .id").all_inner_texts()
    assert shown and all(page.locator("#tree button.item").all_inner_texts())
    assert "T-01" not in shown

    page.get_by_label("Søk").fill("ungdata")
    row = open_preview(page, "T-01")
    toggle = row.locator(":scope > button.item")
    assert toggle.get_attribute("aria-expanded") == "true"
    preview = row.locator(".preview-text").inner_text()
    assert "T-01" in preview and "Ansvarlig" in preview, preview
    assert not ops(page, "insert"), "a preview changes nothing"
    state_of(page, "preview")

    page.get_by_role("button", name="Sett inn tiltak T-01").click()
    assert wait_status(page, "Tiltak T-01 er satt inn.")
    (insert,) = ops(page, "insert")
    assert insert["where"] == "Replace" and 'w:val="docplan:measure:T-01"' in insert["xml"]
    idle(page)
    assert "all" not in status(page)
    inserted = page.locator("#document-items li", has_text="Tiltak T-01")
    assert inserted.locator(".badge").inner_text() == "oppdatert"
    state_of(page, "inserted")


def test_a_double_click_inserts_once(page):
    connect(page)
    page.get_by_label("Søk").fill("ungdata")
    open_preview(page, "T-01")
    page.get_by_role("button", name="Sett inn tiltak T-01").dblclick()
    wait_status(page, "Tiltak T-01 er satt inn.")
    idle(page)
    assert len(ops(page, "insert")) == 1

    # the server's answer is held back: meanwhile every action is disabled and the spinner turns
    held = []
    page.route("**/snippets/measure-table/**", lambda route: held.append(route))
    button = page.get_by_role("button", name="Sett inn tiltakstabellen")
    button.dblclick()
    while not held:
        page.wait_for_timeout(20)
    assert page.evaluate("[...document.querySelectorAll('#session button, #session select')].every((b) => b.disabled)")
    assert page.locator("#main").get_attribute("aria-busy") == "true" and page.locator("#spinner").is_visible()
    assert status(page) == "Setter inn …"
    state_of(page, "busy")
    held[0].continue_()
    wait_status(page, "Tiltakstabellen er satt inn.")
    idle(page)
    assert len(held) == 1 and len(ops(page, "insert")) == 2
    assert button.is_enabled()


def test_the_measure_table_is_named_not_its_tag(page):
    connect(page)
    page.get_by_role("button", name="Sett inn tiltakstabellen").click()
    assert wait_status(page, "Tiltakstabellen er satt inn.") == "Tiltakstabellen er satt inn."
    tables = [c for c in page.evaluate("window.__controls()") if c["tag"].startswith("docplan:measure-table:")]
    assert [c["subtype"] for c in tables] == ["RichTextTable"]


def test_nothing_goes_into_a_table_or_into_docplan_content(page):
    connect(page)
    page.evaluate("window.__placeCursor({table: true})")
    open_preview(page, "HM-1")
    page.get_by_role("button", name="Sett inn hovedmål HM-1").click()
    assert wait_status(page, "Markøren står i en tabell")
    assert not ops(page, "insert")
    state_of(page, "refused-in-table")

    hm2 = page.evaluate("window.__seed('docplan:goal:HM-2', 'HM-2 Ansvarlig salg')")
    page.evaluate("([id]) => window.__placeCursor({control: id})", [hm2])
    idle(page)
    page.get_by_role("button", name="Sett inn hovedmål HM-1").click()
    assert wait_status(page, "Markøren står inne i innhold fra docplan")
    assert not ops(page, "insert")


def test_refresh_with_an_edited_item_and_its_confirmation(page):
    from docplan.ooxml.text import text_hash
    from docplan.state import STATE_NS

    connect(page)
    open_preview(page, "HM-1")
    page.get_by_role("button", name="Sett inn hovedmål HM-1").click()
    wait_status(page, "Hovedmål HM-1 er satt inn.")
    idle(page)
    (hm1,) = [c for c in page.evaluate("window.__controls()") if c["tag"] == "docplan:goal:HM-1"]
    assert text_hash(hm1["text"]) in recorded(page)["docplan:goal:HM-1"]

    # The planner rewrites HM-1; the document also holds an HM-2 exactly as docplan once wrote it
    # (recorded, now stale) and an HM-3 without any record.
    page.evaluate("([id]) => window.__edit(id, 'Min egen formulering av hovedmålet')", [hm1["id"]])
    hm2 = page.evaluate("window.__seed('docplan:goal:HM-2', 'gammel tekst fra forrige plan')")
    hm3 = page.evaluate("window.__seed('docplan:goal:HM-3', 'tekst uten registrering')")
    page.evaluate("([xml]) => window.__addPart(xml)",
                  [f'<state xmlns="{STATE_NS}" municipality="3427"><item tag="docplan:goal:HM-2" '
                   f'hash="{text_hash("gammel tekst fra forrige plan")}"/></state>'])
    writes_before = len(ops(page, "addPart"))

    with page.expect_request("**/refresh?lang=nb") as sent:
        page.get_by_role("button", name="Oppdater alle").click()
    summary = wait_status(page, "oppdatert")
    idle(page)
    assert summary == "1 oppdatert, 1 endret av deg – ikke overskrevet, 1 uten registrering – ikke overskrevet."
    request = sent.value.post_data_json
    assert request["edition"] == "3427"
    assert {(i["tag"], i["shape"]) for i in request["items"]} >= {("docplan:goal:HM-2", "block"),
                                                                  ("docplan:goal:HM-3", "block")}
    assert edited_ops(page) == [("insertOoxml", hm2), ("delete", hm2)], "only the unedited stale HM-2 is replaced"
    after = {c["id"]: c for c in page.evaluate("window.__controls()")}
    assert after[hm1["id"]]["text"] == "Min egen formulering av hovedmålet"
    assert after[hm3]["text"] == "tekst uten registrering"
    (new_hm2,) = [c for c in after.values() if c["tag"] == "docplan:goal:HM-2"]
    assert new_hm2["subtype"] == "RichTextParagraphs" and "Ansvarlig salg og skjenking" in new_hm2["text"]
    assert len(ops(page, "addPart")) == writes_before + 1, "one state write for the whole refresh"
    assert all('municipality="3427"' in xml for xml in page.evaluate("window.__stateXml()"))
    assert text_hash(new_hm2["text"]) in recorded(page)["docplan:goal:HM-2"]

    # «I dokumentet» lists each item with its status; the held ones can be overwritten
    assert page.evaluate("document.activeElement.id") == "document-heading"
    rows = {row.locator(".id").inner_text(): row.locator(".badge").inner_text()
            for row in page.locator("#document-items li").all()}
    main = {name: badge for name, badge in rows.items() if name.startswith("Hovedmål")}
    assert main == {"Hovedmål HM-1": "endret av deg", "Hovedmål HM-2": "oppdatert", "Hovedmål HM-3": "ukjent"}
    # HM-1's delmål and kommuneplan references went in with it, and are as docplan wrote them
    assert {badge for name, badge in rows.items() if not name.startswith("Hovedmål")} == {"oppdatert"}
    overwrite = page.get_by_role("button", name="Overskriv likevel hovedmål HM-1")
    assert "warning" in overwrite.get_attribute("class")
    state_of(page, "refreshed")

    # A second refresh changes nothing: the new HM-2 was recorded, HM-1 is still held.
    page.get_by_role("button", name="Oppdater alle").click()
    wait_status(page, "1 endret av deg")
    idle(page)
    assert [i for op, i in edited_ops(page) if op == "delete"] == [hm2]

    # «Overskriv likevel» shows both texts first; «Avbryt» leaves the document as it is.
    page.get_by_role("button", name="Overskriv likevel hovedmål HM-1").click()
    page.get_by_role("heading", name="Overskrive hovedmål HM-1?").wait_for()
    idle(page)
    assert page.get_by_role("textbox", name="Nå i dokumentet").input_value() == "Min egen formulering av hovedmålet"
    assert page.get_by_role("textbox", name="Fra planen").input_value().startswith("HM-1 Senere debut")
    assert page.evaluate("document.activeElement.id") == "confirm-title"
    state_of(page, "confirm-overwrite")
    page.get_by_role("button", name="Avbryt").click()
    assert wait_status(page, "Ingenting er endret.")
    assert [i for op, i in edited_ops(page) if op == "delete"] == [hm2]

    # Only a confirmed «Overskriv likevel» replaces the unrecorded HM-3.
    page.get_by_role("button", name="Overskriv likevel hovedmål HM-3").click()
    page.get_by_role("heading", name="Overskrive hovedmål HM-3?").wait_for()
    idle(page)
    assert page.get_by_role("textbox", name="Nå i dokumentet").input_value() == "tekst uten registrering"
    page.get_by_role("button", name="Overskriv hovedmål HM-3 med teksten fra planen").click()
    assert wait_status(page, "Hovedmål HM-3 er overskrevet med teksten fra planen.")
    idle(page)
    assert [i for op, i in edited_ops(page) if op == "delete"] == [hm2, hm3]
    badges = {row.locator(".id").inner_text(): row.locator(".badge").inner_text()
              for row in page.locator("#document-items li").all() if "Hovedmål" in row.inner_text()}
    assert badges == {"Hovedmål HM-1": "endret av deg", "Hovedmål HM-2": "oppdatert", "Hovedmål HM-3": "oppdatert"}
    assert hm1["id"] in {c["id"] for c in page.evaluate("window.__controls()")}


def test_refresh_of_an_untouched_rendered_edition_changes_nothing(page, tynset_docx):
    """The pane sends what the server's own reading of the file gives, and Tynset's edition is current."""
    from docplan.ooxml.text import text_hash
    from tests.addin_server.test_refresh_api import pane_request

    load_rendered(page, tynset_docx)
    connect(page)
    summary = page.locator("#document-summary").inner_text()
    assert re.fullmatch(r"\d+ elementer fra docplan: \d+ oppdatert\.", summary), summary
    with page.expect_request("**/refresh?lang=nb") as sent:
        page.get_by_role("button", name="Oppdater alle").click()
    wait_status(page, "Alt er oppdatert")
    idle(page)
    assert edited_ops(page) == [] and not ops(page, "addPart")

    def shape_of(request: dict) -> list[tuple]:
        index = {item["id"]: n for n, item in enumerate(request["items"])}
        return [(i["tag"], i["shape"], text_hash(i["text"]), i.get("hash"),
                 index[i["parent"]] if i["parent"] is not None else None, bool(i.get("ooxml")))
                for i in request["items"]]

    sent_request = sent.value.post_data_json
    expected = pane_request(tynset_docx)
    assert sent_request["edition"] == expected["edition"] == "3427"
    assert shape_of(sent_request) == shape_of(expected)
    rows = [i for i in sent_request["items"] if i["shape"] == "row" and i["tag"].startswith("docplan:measure:")]
    assert rows and all(i.get("parent") is not None for i in rows), "measure rows are sent inside their table"


def test_checking_twice_gives_one_set_of_comments_and_keeps_the_planners(page, tynset_docx):
    load_rendered(page, tynset_docx)  # the body Word shows is the file getFileAsync returns
    connect(page)
    page.evaluate("window.__addComment('Husk å spørre rådmannen om dette')")
    with page.expect_request("**/check?lang=nb") as sent:
        page.get_by_role("button", name="Kontroller dokumentet").click()
    wait_status(page, "funn")
    idle(page)
    assert sent.value.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert [e["op"] for e in ops(page, "getFileAsync", "close")] == ["getFileAsync", "close"]
    first = page.evaluate("window.__comments()")
    ours = [c for c in first if c.startswith("docplan:")]
    assert ours and len(ours) == len(first) - 1
    assert f"{len(ours)} lagt inn som kommentarer" in status(page)
    groups = page.locator("#findings h3").all_inner_texts()
    assert any(g.startswith("Tiltak uten ansvarlig (") for g in groups), groups  # the rule's Norwegian name
    assert page.locator("#findings .fix-lead").first.inner_text() == "Slik retter du:"
    assert page.evaluate("document.activeElement.id") == "findings-heading"
    state_of(page, "findings")

    page.get_by_role("button", name="Kontroller dokumentet").click()
    wait_status(page, "funn")
    idle(page)
    second = page.evaluate("window.__comments()")
    assert second.count("Husk å spørre rådmannen om dette") == 1
    assert sorted(c for c in second if c.startswith("docplan:")) == sorted(ours)
    deleted = [e["content"] for e in ops(page, "deleteComment")]
    assert sorted(deleted) == sorted(ours), "only docplan's own comments are deleted"

    # a finding is found by its text in the body, not by the checker's paragraph number
    placed = page.locator("#findings .finding-list button").first
    placed.click()
    wait_status(page, "markert")
    assert ops(page, "select-range", "select-control")


def test_findings_go_when_the_document_changes_and_a_gone_place_says_so(pane, tynset_docx):
    # WordApi 1.6 reports paragraph changes: the findings go
    page = pane.open()
    load_rendered(page, tynset_docx)
    connect(page)
    page.get_by_role("button", name="Kontroller dokumentet").click()
    wait_status(page, "funn")
    idle(page)
    page.wait_for_timeout(1600)  # the pane's own comments come back as events first; those are ignored
    assert page.locator("#findings-panel").is_visible()
    page.evaluate("window.__typeParagraph('Et nytt avsnitt')")
    wait_status(page, "Dokumentet er endret siden kontrollen")
    assert page.locator("#findings-panel").is_hidden()
    state_of(page, "findings-cleared")

    # Word 2021 (WordApi 1.4, no paragraph events): a finding whose paragraph went says so when clicked
    page = pane.open(options={"wordApi": "1.4"})
    load_rendered(page, tynset_docx)
    connect(page)
    with page.expect_response("**/check?lang=nb") as answered:
        page.get_by_role("button", name="Kontroller dokumentet").click()
    wait_status(page, "funn")
    idle(page)
    finding = next(f for f in answered.value.json()["findings"] if f["tag"] == "docplan:goal:DM-2.3")
    assert finding["place"] == {"text": "DM-2.3 Alkoholfrie arrangementer for barn og unge", "occurrence": 0}
    page.evaluate("([tag]) => window.__deleteControls(tag)", [finding["tag"]])  # the planner deletes DM-2.3
    page.locator("#findings .finding-list button", has_text=finding["message"]).first.click()
    assert wait_status(page, "Stedet finnes ikke lenger i dokumentet")
    state_of(page, "place-gone")


def test_nynorsk_throughout(pane, tynset_nn_docx):
    page = pane.open(options={"displayLanguage": "nn-NO", "common": ["CustomXmlParts", "Settings"]})
    page.locator("#login").wait_for()
    assert page.evaluate("document.documentElement.lang") == "nn"
    assert page.get_by_role("button", name="Kopla til").is_visible()
    assert page.get_by_label("Hugs meg på denne maskina").is_visible()
    state_of(page, "nn-sign-in")
    load_rendered(page, tynset_nn_docx)
    connect(page, label="Kopla til")
    assert wait_status(page, "Klar: Tynset – Østerdalen 2024–2027.")
    assert re.fullmatch(r"\d+ element frå docplan: \d+ oppdatert\.", page.locator("#document-summary").inner_text())

    page.get_by_label("Søk").fill("ungdata")
    with page.expect_request("**/snippets/measure/T-01?lang=nn"):
        row = open_preview(page, "T-01")
    assert "Ansvarleg" in row.locator(".preview-text").inner_text(), "the snippet is written in nynorsk"
    state_of(page, "nn-preview")
    page.get_by_role("button", name="Set inn tiltak T-01").click()
    assert wait_status(page, "Tiltak T-01 er sett inn.")
    idle(page)

    with page.expect_request("**/refresh?lang=nn"):
        page.get_by_role("button", name="Oppdater alle").click()
    assert wait_status(page, "Alt er oppdatert") == "Alt er oppdatert: dokumentet stemmer med planen."
    idle(page)

    with page.expect_response("**/check?lang=nn") as answered:
        page.get_by_role("button", name="Kontroller dokumentet").click()
    wait_status(page, "funn")
    idle(page)
    assert answered.value.json()["lang"] == "nn"
    assert not ops(page, "getFileAsync"), "without CompressedFile (Word on the web) the body's OOXML is sent"
    assert "merknader" in status(page)
    assert page.locator("#findings .fix-lead").first.inner_text() == "Slik rettar du:"
    assert page.locator("#findings .severity").first.inner_text() in ("Feil", "Åtvaring", "Merknad")
    state_of(page, "nn-findings")

    # switching back: the pane speaks bokmål again and asks for a new check for the findings
    page.get_by_role("button", name="Byt til bokmål").click()
    assert page.evaluate("document.documentElement.lang") == "nb"
    assert wait_status(page, "Kontroller dokumentet på nytt for å få funnene på bokmål.")
    assert page.evaluate("localStorage.getItem('docplan.lang')") == "nb"


def test_the_server_going_down(pane, office_js):
    """A real `docplan serve` process, stopped while the pane is open: every connection to it is gone."""
    from tests.addin_server.test_serve_cli import free_port, start_serve, stop

    port = free_port()
    proc = start_serve([], port)
    address = f"http://127.0.0.1:{port}"
    own = Pane(pane.browser, address, office_js)
    try:
        page = own.open()
        connect(page)
        stop(proc)
        page.get_by_role("button", name="Kontroller dokumentet").click()
        message = wait_status(page, "Får ikke kontakt")
        idle(page)
        assert message == (f"Får ikke kontakt med docplan-tjeneren på {address}. Sjekk nettverket (og VPN), eller "
                           "kontakt den som drifter docplan.")
        assert "error" in page.locator("#status").get_attribute("class")
        assert page.get_by_role("button", name="Kontroller dokumentet").is_enabled(), "the pane is usable again"
        state_of(page, "server-down")
    finally:
        own.close()
        if proc.poll() is None:
            stop(proc)
    assert not own.errors, own.errors


def test_a_wrong_token_says_so_in_the_planners_words(page):
    page.locator("#token").fill("feil")
    page.get_by_role("button", name="Koble til").click()
    assert wait_status(page, "Tilgangsnøkkelen er ikke gyldig.")
    assert page.locator("#login").is_visible()
    state_of(page, "wrong-token")


def test_sign_out_forgets_the_token_and_remember_me_keeps_it(pane):
    context = pane.context()
    page = pane.open(context)
    connect(page)
    assert page.evaluate("sessionStorage.getItem('docplan.token')") == "demo-3427"
    assert page.evaluate("localStorage.getItem('docplan.token')") is None, "the session only, by default"
    # a new pane (Word restarted) does not know the token
    again = pane.open(context)
    again.locator("#login").wait_for()
    assert again.locator("#session").is_hidden()

    page.get_by_role("button", name="Logg ut").click()
    assert wait_status(page, "Du er logget ut.")
    assert page.locator("#login").is_visible() and page.locator("#session").is_hidden()
    assert page.locator("#token").input_value() == ""
    assert page.evaluate("document.activeElement.id") == "token"
    assert page.evaluate("[sessionStorage.getItem('docplan.token'), localStorage.getItem('docplan.token')]") == [None, None]
    assert page.locator("#context-name").is_hidden()
    state_of(page, "signed-out")

    connect(page, remember=True)
    assert page.evaluate("localStorage.getItem('docplan.token')") == "demo-3427"
    assert page.evaluate("sessionStorage.getItem('docplan.token')") is None
    remembered = pane.open(context)
    remembered.locator("#tree button.item").first.wait_for()
    assert remembered.locator("#remember").is_checked()
    remembered.get_by_role("button", name="Logg ut").click()
    assert remembered.evaluate("localStorage.getItem('docplan.token')") is None


def test_the_plan_is_remembered_in_the_document_and_restored_when_it_is_reopened(pane):
    page = pane.open()
    connect(page, "demo-korus")
    page.get_by_role("combobox", name="Plan og kommune").select_option("osterdalen|3428")
    wait_status(page, "Klar: Alvdal – Østerdalen 2024–2027.")
    idle(page)
    saved = page.evaluate("window.__settings()")
    assert saved == {"docplan.choice": {"plan": "osterdalen", "number": "3428"}}

    reopened = pane.open(options={"settings": saved})
    connect(reopened, "demo-korus")
    assert reopened.get_by_role("combobox", name="Plan og kommune").input_value() == "osterdalen|3428"
    assert reopened.locator("#context-name").inner_text() == "Plan: Alvdal – Østerdalen 2024–2027"
    assert not [e for e in reopened.evaluate("window.__wordLog") if e["op"] == "saveSettings"], \
        "restoring writes nothing into the document"


def test_keyboard_only_connects_switches_to_nynorsk_and_inserts(page):
    page.locator("#login").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "language"
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "nn"
    assert page.get_by_role("button", name="Kopla til").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "token"
    page.keyboard.type("demo-3427")
    page.keyboard.press("Enter")
    page.locator("#tree button.item").first.wait_for()
    idle(page)
    page.locator("#search").focus()
    page.keyboard.type("ungdata")
    while page.evaluate("document.activeElement.className") != "item":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#tree .preview button").first.wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Set inn"
    page.keyboard.press("Enter")
    wait_status(page, "er sett inn.")


def test_the_language_button_keeps_its_contrast_on_hover(page):
    connect(page)
    page.get_by_role("button", name="Bytt til nynorsk").hover()
    assert axe_violations(page) == []
    colours = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('language'));
        return [s.color, s.backgroundColor]; }""")
    assert colours != ["rgb(0, 82, 136)", "rgb(0, 59, 99)"], "the old hover: #005288 on #003b63"
    state_of(page, "language-hover")


@pytest.mark.parametrize("case, options, expected", [
    ("outside-word", {"host": "Excel"}, "Dette tillegget må åpnes i Word"),
    ("old-word", {"wordApi": "1.2"}, "mangler det tillegget trenger (WordApi 1.3)"),
])
def test_a_host_the_pane_cannot_work_in_says_so(pane, case, options, expected):
    page = pane.open(options=options)
    page.locator("#boot-text").filter(has_text=expected).wait_for()
    assert page.locator("#app-body").is_hidden()
    state_of(page, f"host-{case}")


def test_office_js_blocked_or_a_browser_too_old_for_the_pane_is_a_message_not_a_blank_pane(pane, live_server):
    context = pane.context()
    context.unroute("**/*")
    context.route("**/*", lambda route: route.abort() if not route.request.url.startswith(live_server)
                  else route.continue_())
    page = context.new_page()
    page.goto(live_server + PANE)
    page.locator("#boot-text").filter(has_text="Får ikke lastet Office.js").wait_for()
    state_of(page, "office-js-blocked")

    # Internet Explorer 11 (Office 2016/2019) cannot parse the ES2017 bundle: support.js speaks instead
    older = pane.context()
    older.route(re.compile(r".*/pane/taskpane-[0-9a-f]+\.js$"),
                lambda route: route.fulfill(body="const f = async () => { await 1 ?? ;", content_type="text/javascript"))
    page = older.new_page()
    page.on("pageerror", lambda exc: None)  # the syntax error is the point
    page.goto(live_server + PANE)
    page.locator("#boot-text").filter(has_text="Denne versjonen av Word kan ikke vise docplan-tillegget").wait_for()
    assert page.locator("#language").is_hidden(), "no button that cannot work"
    state_of(page, "unsupported-browser")


def test_the_pane_works_under_its_own_content_security_policy(pane):
    page = pane.open(pane.context(enforce_csp=True))
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    connect(page)
    page.get_by_label("Søk").fill("ungdata")
    open_preview(page, "T-01")
    page.get_by_role("button", name="Sett inn tiltak T-01").click()
    wait_status(page, "Tiltak T-01 er satt inn.")
    assert refused == []


def test_the_page_has_no_inline_styles_or_scripts_and_only_office_js_is_remote(client):
    html = client.get(PANE)
    text = html.get_data(as_text=True)
    html.close()
    assert "style=" not in text and "<style" not in text
    remote = re.findall(r'(?:src|href)="(https?://[^"]+)"', text)
    assert remote == [OFFICE_JS]
    assert all(tag.count("src=") for tag in re.findall(r"<script[^>]*>", text))
