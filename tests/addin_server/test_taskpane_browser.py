"""End to end in real Chromium against the server on loopback, with Office.js mocked at the network edge.

Pick a plan, insert a tiltak, run a check, click a finding, switch to nynorsk; «Oppdater alle» on a
mocked Word document whose controls, shapes and OOXML come from real WordprocessingML; axe-core finds no
WCAG 2.1 AA violations; a screenshot is saved to test-artifacts/.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "addin_server" / "static" / "node_modules" / "axe-core" / "axe.min.js"
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

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
def office_js() -> str:
    from docplan.loaders import load_plan
    from docplan.render import render_plan
    from tests.testkit import EXAMPLE

    docx = render_plan(load_plan(EXAMPLE), municipality="3427")
    script = (Path(__file__).parent / "browser" / "office_mock.js").read_text("utf-8")
    return script.replace("__DOCX_BASE64__", base64.b64encode(docx).decode("ascii"))


@pytest.fixture()
def page(browser, live_server, office_js):
    context = browser.new_context(bypass_csp=True, locale="nb-NO", viewport={"width": 420, "height": 900})
    # Nothing leaves the machine: the Office CDN is answered by the mock, every other host is refused.
    def edge(route):
        url = route.request.url
        if url == OFFICE_JS:
            route.fulfill(body=office_js, content_type="text/javascript")
        elif url.startswith(live_server):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", edge)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/src/taskpane/taskpane.html")
    yield page
    context.close()
    assert not errors, errors


def connect(page, token: str = "demo-3427") -> None:
    page.get_by_label("Tilgangsnøkkel").fill(token)
    page.get_by_role("button", name="Koble til").click()
    page.get_by_role("button", name="Sett inn T-01", exact=False).wait_for()


def word_log(page) -> list[dict]:
    return page.evaluate("window.__wordLog")


def axe_violations(page) -> list[dict]:
    _need(AXE.is_file(), f"axe-core is not installed at {AXE} (run npm ci in addin_server/static)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""")
    return result


def test_pick_plan_insert_measure_check_and_click_finding(page, live_server):
    connect(page)
    plan = page.get_by_role("combobox", name="Plan og kommune")
    assert plan.input_value() == "osterdalen|3427"
    plan.select_option("osterdalen|3427")

    page.get_by_label("Søk i mål, tiltak og kommuneplan").fill("ungdata")
    visible = page.locator("#measures button").all_inner_texts()
    assert visible and all(text == "Sett inn" for text in visible)
    page.get_by_role("button", name="Sett inn T-01", exact=False).click()
    page.get_by_role("status").filter(has_text="Satt inn T-01").wait_for()
    (insert,) = [e for e in word_log(page) if e["op"] == "insert"]
    assert insert["where"] == "Replace" and 'w:val="docplan:measure:T-01"' in insert["xml"]

    page.get_by_role("button", name="Kontroller dokumentet").click()
    page.locator("#findings .finding-list button").first.wait_for()
    log = word_log(page)
    assert [e["op"] for e in log if e["op"] in ("getFileAsync", "close")] == ["getFileAsync", "close"]
    groups = page.locator("#findings h3").all_inner_texts()
    assert any(g.startswith("Tiltak uten ansvarlig (") for g in groups), groups  # the rule's Norwegian name
    assert page.locator("#findings .severity").first.inner_text() in ("Feil", "Advarsel", "Merknad")
    assert any(e["op"] == "comment" for e in log), "WordApi 1.4 is mocked as supported: comments expected"

    assert page.evaluate("document.activeElement.id") == "findings-heading"
    page.locator("#findings .finding-list button").first.click()
    page.get_by_role("status").filter(has_text="Markerte stedet").wait_for()
    assert any(e["op"].startswith("select") for e in word_log(page))

    Path("test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path="test-artifacts/taskpane.png", full_page=True)
    assert Path("test-artifacts/taskpane.png").stat().st_size > 1000


def _state(page) -> dict[str, list[str]]:
    """Return tag → recorded hashes from the mocked document's docplan state part(s)."""
    from docplan.ooxml import parse_xml
    from docplan.state import STATE_NS

    out: dict[str, list[str]] = {}
    for xml in page.evaluate("window.__stateXml()"):
        for item in parse_xml(xml.encode("utf-8")).iter(f"{{{STATE_NS}}}item"):
            out.setdefault(item.get("tag"), []).extend(item.get("hash").split())
    return out


def _edited_ops(page) -> list[tuple[str, int]]:
    """Return (operation, control id) of every change the pane made to controls in the mocked document."""
    return [(e["op"], e["id"]) for e in word_log(page) if e["op"] in ("insertOoxml", "delete")]


def test_refresh_all_replaces_only_unedited_items_and_never_a_hand_edited_one(page):
    from docplan.ooxml.text import text_hash
    from docplan.state import STATE_NS

    connect(page)
    page.get_by_role("button", name="Sett inn HM-1", exact=False).click()
    page.get_by_role("status").filter(has_text="Satt inn HM-1").wait_for()
    controls = page.evaluate("window.__controls()")
    (hm1,) = [c for c in controls if c["tag"] == "docplan:goal:HM-1"]
    # The pane recorded what it inserted, with the same hash as docplan's text_hash.
    assert text_hash(hm1["text"]) in _state(page)["docplan:goal:HM-1"]

    # The planner rewrites HM-1 by hand; the document also holds an HM-2 exactly as docplan once wrote
    # it (recorded, now stale) and an HM-3 without any record.
    page.evaluate("([id]) => window.__edit(id, 'Min egen formulering av hovedmålet')", [hm1["id"]])
    hm2 = page.evaluate("window.__seed('docplan:goal:HM-2', 'gammel tekst fra forrige plan')")
    hm3 = page.evaluate("window.__seed('docplan:goal:HM-3', 'tekst uten registrering')")
    page.evaluate("([xml]) => window.__addPart(xml)",
                  [f'<state xmlns="{STATE_NS}" municipality="3427"><item tag="docplan:goal:HM-2" '
                   f'hash="{text_hash("gammel tekst fra forrige plan")}"/></state>'])
    writes_before = len([e for e in word_log(page) if e["op"] == "addPart"])

    with page.expect_request("**/refresh?lang=nb") as sent:
        page.get_by_role("button", name="Oppdater alle").click()
    status = page.get_by_role("status").filter(has_text="1 oppdatert.")
    status.wait_for()
    request = sent.value.post_data_json
    assert request["edition"] == "3427"
    assert {(i["tag"], i["shape"]) for i in request["items"]} >= {("docplan:goal:HM-2", "block"),
                                                                  ("docplan:goal:HM-3", "block")}
    assert "2 ikke overskrevet" in status.inner_text()
    assert _edited_ops(page) == [("insertOoxml", hm2), ("delete", hm2)], "only the unedited stale HM-2 is replaced"
    after = page.evaluate("window.__controls()")
    texts = {c["id"]: c["text"] for c in after}
    assert texts[hm1["id"]] == "Min egen formulering av hovedmålet" and texts[hm3] == "tekst uten registrering"
    (new_hm2,) = [c for c in after if c["tag"] == "docplan:goal:HM-2"]
    assert new_hm2["subtype"] == "RichTextParagraphs" and "Ansvarlig salg og skjenking" in new_hm2["text"]
    # one state write for the whole refresh, keeping the edition and the replacement's record
    assert len([e for e in word_log(page) if e["op"] == "addPart"]) == writes_before + 1
    assert all('municipality="3427"' in xml for xml in page.evaluate("window.__stateXml()"))
    assert text_hash(new_hm2["text"]) in _state(page)["docplan:goal:HM-2"]

    held = page.locator("#held li").all_inner_texts()
    assert len(held) == 2 and "endret for hånd" in held[0] and "HM-1" in held[0] and "HM-3" in held[1]
    assert page.evaluate("document.activeElement.id") == "held-heading"
    assert axe_violations(page) == []

    # A second refresh changes nothing: the new HM-2 was recorded, HM-1 is still held.
    page.get_by_role("button", name="Oppdater alle").click()
    page.get_by_role("status").filter(has_text="0 oppdatert.").wait_for()
    assert [i for op, i in _edited_ops(page) if op == "delete"] == [hm2]

    # «Overskriv likevel» shows both texts first; «Avbryt» leaves the document as it is.
    page.get_by_role("button", name="Overskriv likevel HM-1").click()
    page.get_by_role("heading", name="Overskrive HM-1?").wait_for()
    assert page.get_by_role("textbox", name="Nå i dokumentet").input_value() == "Min egen formulering av hovedmålet"
    assert page.get_by_role("textbox", name="Fra planen").input_value().startswith("HM-1 Senere debut")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Avbryt").click()
    page.get_by_role("status").filter(has_text="Ingenting er endret.").wait_for()
    assert [i for op, i in _edited_ops(page) if op == "delete"] == [hm2]

    # Only a confirmed «Overskriv likevel» replaces the unrecorded HM-3.
    page.get_by_role("button", name="Overskriv likevel HM-3").click()
    assert page.get_by_role("textbox", name="Nå i dokumentet").input_value() == "tekst uten registrering"
    page.get_by_role("button", name="Overskriv HM-3 med teksten fra planen").click()
    page.get_by_role("status").filter(has_text="Overskrev HM-3").wait_for()
    assert [i for op, i in _edited_ops(page) if op == "delete"] == [hm2, hm3]
    assert page.locator("#held li").count() == 1
    assert hm1["id"] in {c["id"] for c in page.evaluate("window.__controls()")}


def _load_rendered(page, docx: bytes) -> None:
    """Make the mocked Word document the rendered edition ``docx``: its body and docplan's record."""
    from docplan.document import PlanDocument

    doc = PlanDocument.open(docx)
    page.evaluate("([xml]) => window.__loadDocument(xml)", [doc.part_bytes(doc.main_part).decode("utf-8")])
    page.evaluate("([xml]) => window.__addPart(xml)", [doc.part_bytes(doc.state_part()).decode("utf-8")])


def test_refresh_of_an_untouched_rendered_edition_changes_nothing(page):
    """The pane sends what the server's own reading of the file gives, and Tynset's edition is current."""
    from docplan.loaders import load_plan
    from docplan.ooxml.text import text_hash
    from docplan.render import render_plan
    from tests.addin_server.test_refresh_api import pane_request
    from tests.testkit import EXAMPLE

    docx = render_plan(load_plan(EXAMPLE), municipality="3427")
    _load_rendered(page, docx)
    connect(page)
    with page.expect_request("**/refresh?lang=nb") as sent:
        page.get_by_role("button", name="Oppdater alle").click()
    page.get_by_role("status").filter(has_text="Ingenting å oppdatere").wait_for()
    assert _edited_ops(page) == [] and not [e for e in word_log(page) if e["op"] == "addPart"]
    assert page.locator("#held-panel").is_hidden()

    def shape_of(request: dict) -> list[tuple]:
        index = {item["id"]: n for n, item in enumerate(request["items"])}
        return [(i["tag"], i["shape"], text_hash(i["text"]), i.get("hash"),
                 index[i["parent"]] if i["parent"] is not None else None, bool(i.get("ooxml")))
                for i in request["items"]]

    sent_request = sent.value.post_data_json
    expected = pane_request(docx)
    assert sent_request["edition"] == expected["edition"] == "3427"
    assert shape_of(sent_request) == shape_of(expected)
    rows = [i for i in sent_request["items"] if i["shape"] == "row" and i["tag"].startswith("docplan:measure:")]
    assert rows and all(i.get("parent") is not None for i in rows), "measure rows are sent inside their table"


def test_inserting_the_measure_table_names_the_table_not_its_tag(page):
    connect(page)
    page.get_by_role("button", name="Sett inn tiltakstabellen").click()
    page.get_by_role("status").filter(has_text="Tiltakstabellen er satt inn.").wait_for()
    assert "all" not in page.get_by_role("status").inner_text()
    tables = [c for c in page.evaluate("window.__controls()") if c["tag"].startswith("docplan:measure-table:")]
    assert [c["subtype"] for c in tables] == ["RichTextTable"]


def test_checking_twice_replaces_docplans_comments_and_keeps_the_planners(page):
    connect(page)
    page.evaluate("window.__addComment('Husk å spørre rådmannen om dette')")
    page.get_by_role("button", name="Kontroller dokumentet").click()
    page.locator("#findings .finding-list button").first.wait_for()
    page.wait_for_function("window.__wordLog.some((e) => e.op === 'comment')")
    first = page.evaluate("window.__comments()")
    ours = [c for c in first if c.startswith("docplan:")]
    assert ours and len(ours) == len(first) - 1

    page.get_by_role("button", name="Kontroller dokumentet").click()
    page.wait_for_function("([n]) => window.__wordLog.filter((e) => e.op === 'comment').length === 2 * n",
                           arg=[len(ours)])
    page.get_by_role("status").filter(has_text="funn").wait_for()
    second = page.evaluate("window.__comments()")
    assert second.count("Husk å spørre rådmannen om dette") == 1
    assert sorted(c for c in second if c.startswith("docplan:")) == sorted(ours)
    deleted = [e["content"] for e in word_log(page) if e["op"] == "deleteComment"]
    assert sorted(deleted) == sorted(ours), "only docplan's own comments are deleted"


def test_wrong_token_shows_the_servers_norwegian_message(page):
    page.get_by_label("Tilgangsnøkkel").fill("feil")
    page.get_by_role("button", name="Koble til").click()
    page.get_by_role("status").filter(has_text="mangler gyldig tilgangsnøkkel").wait_for()


def test_keyboard_only_connects_and_switches_to_nynorsk(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "language"
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "nn"
    assert page.get_by_role("button", name="Kopla til").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "token"
    page.keyboard.type("demo-3427")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Set inn T-01", exact=False).wait_for()


def test_no_wcag_21_aa_violations_before_and_after_a_check(page):
    assert axe_violations(page) == []
    connect(page)
    page.get_by_role("button", name="Kontroller dokumentet").click()
    page.locator("#findings .finding-list button").first.wait_for()
    assert axe_violations(page) == []


def test_the_page_has_no_inline_styles_or_scripts_and_only_office_js_is_remote(live_server, client):
    html = client.get("/src/taskpane/taskpane.html")
    text = html.get_data(as_text=True)
    html.close()
    assert "style=" not in text and "<style" not in text
    import re

    remote = re.findall(r'(?:src|href)="(https?://[^"]+)"', text)
    assert remote == [OFFICE_JS]
    assert all(tag.count("src=") for tag in re.findall(r"<script[^>]*>", text))
