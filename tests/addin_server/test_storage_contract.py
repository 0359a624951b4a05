"""The storage contract (addin_server.storage), run alike on both backends: files and PostgreSQL.

PostgreSQL runs for real (tests/addin_server/pgcluster.py: a throwaway cluster on a Unix socket); its
tests are skipped, with the reason, only where the server programs are not installed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from addin_server import create_app
from addin_server.errors import NotFoundError, StaleVersionError
from addin_server.postgres import PostgresStorage, safe_url
from addin_server.storage import ABSENT, ALL, Grant, Storage, copy_workspace, hash_token
from addin_server.workspace import Workspace, sample_root
from docplan.errors import ConflictError, DataError
from docplan.model import Adoption
from tests.addin_server.conftest import ALVDAL, KORUS, PLAN, TYNSET, auth

SAMPLE_TEXT = (sample_root() / "plans" / f"{PLAN}.yaml").read_text("utf-8")
ADOPTED = Adoption(status="vedtatt", date="2024-06-20", case_no="PS 12/24")


def open_backend(kind: str, tmp_path: Path, request) -> Storage:
    if kind == "files":
        return Workspace.create(tmp_path / f"ws-{len(list(tmp_path.iterdir()))}")
    url = request.getfixturevalue("pg_cluster").new_database()
    storage = PostgresStorage.open(url, pool_size=4)
    request.addfinalizer(storage.close)
    return storage


@pytest.fixture(params=["files", "postgresql"])
def kind(request) -> str:
    return request.param


@pytest.fixture()
def empty(kind, tmp_path, request) -> Storage:
    """An empty workspace of the backend under test."""
    return open_backend(kind, tmp_path, request)


@pytest.fixture()
def store(empty) -> Storage:
    """The backend under test holding the embedded sample (its plan and tokens)."""
    copy_workspace(Workspace.open(sample_root()), empty)
    return empty


def bump(storage: Storage, number: str = "3427", **changes) -> str:
    """Write the current adoption back with ``changes``, naming the version read; return the new version."""
    current = storage.adoption(PLAN, number)
    wanted = Adoption.model_validate({**current.value.model_dump(), **changes})
    return storage.write_adoption(PLAN, number, wanted, expected=current.version, actor="test").version


# -- plans -------------------------------------------------------------------------------------------
def test_an_empty_workspace_has_no_plans_tokens_or_log(empty):
    assert empty.plan_ids() == [] and empty.grants() == {} and empty.audit_entries() == []
    with pytest.raises(NotFoundError, match="finnes ikke"):
        empty.plan(PLAN)
    with pytest.raises(NotFoundError):
        empty.plan_source(PLAN)


def test_a_plan_is_stored_as_written_and_read_back_with_its_version(empty):
    version = empty.put_plan_source(PLAN, SAMPLE_TEXT, expected=ABSENT)
    assert version != ABSENT and empty.plan_ids() == [PLAN]
    got = empty.plan_source(PLAN)
    assert got.value == SAMPLE_TEXT and got.version == version  # comments and all
    assert empty.plan(PLAN).municipality("3427").name == "Tynset"


def test_a_plan_write_naming_an_old_version_is_refused_and_changes_nothing(store):
    first = store.plan_source(PLAN)
    edited = first.value.replace("Trygge lokalsamfunn", "Gode lokalsamfunn")
    second = store.put_plan_source(PLAN, edited, expected=first.version)
    assert second != first.version and "Gode lokalsamfunn" in store.plan(PLAN).info.vision
    with pytest.raises(StaleVersionError, match="endret av noen andre") as caught:
        store.put_plan_source(PLAN, first.value, expected=first.version)
    assert caught.value.http_status == 409 and caught.value.code == "stale_version"
    with pytest.raises(StaleVersionError):
        store.put_plan_source(PLAN, first.value, expected=ABSENT)  # creating a plan that exists
    assert store.plan_source(PLAN) == store.plan_source(PLAN) and store.plan_source(PLAN).version == second
    assert "Gode lokalsamfunn" in store.plan_source(PLAN).value


def test_invalid_plan_data_is_refused_naming_the_file_and_line(empty):
    with pytest.raises(DataError) as caught:
        empty.put_plan_source(PLAN, SAMPLE_TEXT.replace("start_year: 2024", "start_year: [ikke lukket"),
                              expected=ABSENT)
    assert caught.value.location.file == f"plans/{PLAN}.yaml" and caught.value.location.line
    with pytest.raises(DataError):
        empty.put_plan_source(PLAN, "plan: {}\n", expected=ABSENT)
    assert empty.plan_ids() == []


def test_a_write_through_another_instance_is_seen_at_the_next_read(kind, store, tmp_path, request):
    """Another server process (another instance on the same workspace) writes; the cached plan follows."""
    other = Workspace.open(store.root) if kind == "files" else PostgresStorage.open(store.url, pool_size=2)
    request.addfinalizer(other.close)
    assert store.plan(PLAN).municipality("3427").adoption.case_no != "PS 99/24"
    bump(other, case_no="PS 99/24")
    assert store.plan(PLAN).municipality("3427").adoption.case_no == "PS 99/24"
    assert store.adoption(PLAN, "3427") == other.adoption(PLAN, "3427")


# -- adoption records --------------------------------------------------------------------------------
def test_an_adoption_not_yet_written_is_the_plan_datas_with_version_absent(store):
    record = store.adoption(PLAN, "3427")
    assert record.version == ABSENT and record.value == store.plan(PLAN).municipality("3427").adoption
    assert store.adoption_records(PLAN) == {}
    with pytest.raises(NotFoundError):
        store.adoption(PLAN, "0301")  # not in the plan
    with pytest.raises(NotFoundError):
        store.write_adoption(PLAN, "0301", ADOPTED, expected=ABSENT, actor="test")
    with pytest.raises(NotFoundError):
        store.write_adoption("nope", "3427", ADOPTED, expected=ABSENT, actor="test")


def test_an_adoption_write_gives_a_new_version_seen_in_the_plan(store):
    written = store.write_adoption(PLAN, "3427", ADOPTED, expected=ABSENT, actor="demo 3427")
    assert written.value == ADOPTED and written.version != ABSENT
    assert store.adoption(PLAN, "3427") == written
    assert store.adoption_records(PLAN) == {"3427": written}
    assert store.plan(PLAN).municipality("3427").adoption == ADOPTED
    assert store.plan(PLAN).municipality("3428").adoption != ADOPTED
    again = store.write_adoption(PLAN, "3427", ADOPTED.model_copy(update={"case_no": "PS 13/24"}),
                                 expected=written.version, actor="demo 3427")
    assert again.version not in (written.version, ABSENT)


def test_a_stale_adoption_write_is_refused_and_changes_nothing_not_even_the_log(store):
    read = store.adoption(PLAN, "3427")
    store.write_adoption(PLAN, "3427", ADOPTED, expected=read.version, actor="first")
    before = (store.adoption(PLAN, "3427"), store.audit_entries())
    late = ADOPTED.model_copy(update={"case_no": "PS 1/99"})
    for version in (read.version, "7", "deadbeefdeadbeef", ""):
        with pytest.raises(StaleVersionError, match="vedtaket for kommune 3427") as caught:
            store.write_adoption(PLAN, "3427", late, expected=version, actor="second")
        assert caught.value.http_status == 409
    assert (store.adoption(PLAN, "3427"), store.audit_entries()) == before


def test_every_audited_write_logs_what_it_replaced_and_a_copy_write_logs_nothing(store):
    from_plan = store.adoption(PLAN, "3427").value
    first = store.write_adoption(PLAN, "3427", ADOPTED, expected=ABSENT, actor="demo 3427")
    second = ADOPTED.model_copy(update={"case_no": "PS 13/24"})
    store.write_adoption(PLAN, "3427", second, expected=first.version, actor="KoRus")
    log = store.audit_entries()
    assert [(e["token"], e["plan"], e["municipality"]) for e in log] == [("demo 3427", PLAN, "3427"),
                                                                        ("KoRus", PLAN, "3427")]
    assert log[0]["before"] == from_plan.model_dump(mode="json") and log[0]["after"] == ADOPTED.model_dump(mode="json")
    assert log[1]["before"] == log[0]["after"] and log[1]["time"].endswith("+00:00")
    store.write_adoption(PLAN, "3428", ADOPTED, expected=ABSENT, actor=None)
    assert store.audit_entries() == log


def test_the_audit_log_filters_by_plan_and_municipality_and_keeps_the_newest(store):
    for number in ("3427", "3428", "3427"):
        bump(store, number, case_no=f"PS {len(store.audit_entries())}/24")
    assert [e["municipality"] for e in store.audit_entries()] == ["3427", "3428", "3427"]
    assert [e["after"]["case_no"] for e in store.audit_entries(number="3427")] == ["PS 0/24", "PS 2/24"]
    assert [e["after"]["case_no"] for e in store.audit_entries(limit=1)] == ["PS 2/24"]
    assert store.audit_entries(plan_id="other") == []
    assert len(store.audit_entries(limit=None)) == 3


def test_concurrent_read_modify_writes_never_lose_an_update(store):
    """Eight threads each add one to a counter five times, reading and writing with versions; a write that
    lost the race is refused and made again. Every increment must be in the result and in the log."""
    counter = Adoption(status="til behandling", case_no="PS 0/24")
    store.write_adoption(PLAN, "3427", counter, expected=ABSENT, actor="start")
    refused, errors = [], []

    def worker() -> None:
        try:
            for _ in range(5):
                while True:
                    current = store.adoption(PLAN, "3427")
                    n = int(current.value.case_no.split()[1].split("/")[0])
                    try:
                        store.write_adoption(PLAN, "3427", current.value.model_copy(update={"case_no": f"PS {n + 1}/24"}),
                                             expected=current.version, actor=threading.current_thread().name)
                        break
                    except StaleVersionError:
                        refused.append(1)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, name=f"writer {i}") for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads)
    assert store.adoption(PLAN, "3427").value.case_no == "PS 40/24"
    log = store.audit_entries(limit=None)
    assert [e["after"]["case_no"] for e in log] == [f"PS {n}/24" for n in range(41)]
    assert all(b["after"] == a["before"] for b, a in zip(log, log[1:]))


# -- tokens ------------------------------------------------------------------------------------------
def test_tokens_are_stored_by_hash_and_found_by_token(empty):
    empty.put_grants({hash_token("t-3427"): Grant("Tynset", frozenset({"3427"})),
                      hash_token("t-all"): Grant("KoRus", ALL)})
    assert empty.grant_for("t-3427") == Grant("Tynset", frozenset({"3427"}))
    assert empty.grant_for("t-all").is_maintainer and empty.grant_for("t-none") is None and empty.grant_for("") is None
    empty.put_grants({hash_token("t-3427"): Grant("Tynset og Alvdal", frozenset({"3427", "3428"}))})
    assert empty.grant_for("t-3427").covers("3428") and len(empty.grants()) == 2


# -- copying between backends --------------------------------------------------------------------------
def test_a_workspace_copied_to_the_other_backend_and_back_is_the_same(kind, store, tmp_path, request):
    bump(store, "3427", case_no="PS 7/24")
    bump(store, "3428", status="vedtatt", date="2024-06-20")
    other = open_backend("postgresql" if kind == "files" else "files", tmp_path, request)
    report = copy_workspace(store, other)
    assert (report.plans, report.adoptions, report.audit) == (1, 2, 2) and report.tokens == len(store.grants())
    back = open_backend(kind, tmp_path, request)
    copy_workspace(other, back)
    for copy in (other, back):
        assert copy.plan_source(PLAN).value == store.plan_source(PLAN).value
        assert {n: r.value for n, r in copy.adoption_records(PLAN).items()} == \
            {n: r.value for n, r in store.adoption_records(PLAN).items()}
        assert copy.audit_entries(limit=None) == store.audit_entries(limit=None)
        assert copy.grants() == store.grants()
        assert copy.plan(PLAN) == store.plan(PLAN)
    again = copy_workspace(store, other)  # idempotent
    assert (again.plans, again.adoptions, again.audit, again.tokens) == (0, 0, 0, 0)


def test_a_copy_onto_different_records_writes_nothing_unless_overwrite(kind, store, tmp_path, request):
    other = open_backend("postgresql" if kind == "files" else "files", tmp_path, request)
    copy_workspace(store, other)
    bump(other, "3427", case_no="PS 1/24")  # the target has its own change
    bump(store, "3427", case_no="PS 2/24")
    bump(store, "3430", case_no="PS 3/24")
    with pytest.raises(ConflictError, match="ingenting er skrevet") as caught:
        copy_workspace(store, other)
    assert "kommune 3427" in caught.value.format()
    assert other.adoption(PLAN, "3427").value.case_no == "PS 1/24" and "3430" not in other.adoption_records(PLAN)
    copy_workspace(store, other, overwrite=True)
    assert other.adoption(PLAN, "3427").value.case_no == "PS 2/24"
    assert other.adoption(PLAN, "3430").value.case_no == "PS 3/24"


def test_a_copy_checks_every_plan_first_and_leaves_records_of_municipalities_out_of_the_plan(kind, tmp_path,
                                                                                             request, workspace):
    orphan = workspace / "municipalities" / "0301" / f"{PLAN}.adoption.yaml"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("status: vedtatt\ndate: 2024-06-20\n", "utf-8")
    target = open_backend(kind, tmp_path, request)
    report = copy_workspace(Workspace.open(workspace), target)
    assert report.skipped == 1 and "ikke lenger er med i planen" in report.summary()
    assert target.adoption_records(PLAN) == {}
    (workspace / "plans" / "broken.yaml").write_text("plan: [ikke lukket\n", "utf-8")
    fresh = open_backend(kind, tmp_path, request)
    with pytest.raises(DataError) as caught:
        copy_workspace(Workspace.open(workspace), fresh)
    assert caught.value.location.file == "plans/broken.yaml"
    assert fresh.plan_ids() == [] and fresh.grants() == {}  # nothing written


# -- through the API -----------------------------------------------------------------------------------
def test_the_api_versions_adoptions_the_same_on_both_backends(kind, store, tmp_path):
    config = {"TESTING": True, "WORKERS": 1}
    config.update({"WORKSPACE": str(store.root)} if kind == "files" else {"DATABASE": store.url})
    app = create_app(config)
    try:
        client = app.test_client()
        url = f"/api/v1/plans/{PLAN}/municipalities/3427/adoption"
        body = {"status": "vedtatt", "date": "2024-06-20", "case_no": "PS 40/24"}
        read = client.get(url, headers=auth(TYNSET))
        assert read.status_code == 200 and read.headers["ETag"] == f'"{ABSENT}"'
        missing = client.put(url, headers=auth(TYNSET), json=body)
        assert missing.status_code == 428 and "If-Match" in missing.get_json()["message"]
        star = client.put(url, headers={**auth(TYNSET), "If-Match": "*"}, json=body)
        assert star.status_code == 428
        first = client.put(url, headers={**auth(TYNSET), "If-Match": read.headers["ETag"]}, json=body)
        assert first.status_code == 200 and first.headers["ETag"] not in (read.headers["ETag"], None)
        late = client.put(url, headers={**auth(KORUS), "If-Match": read.headers["ETag"]},
                          json={**body, "case_no": "PS 41/24"})
        assert late.status_code == 409 and late.get_json()["code"] == "stale_version"
        assert "endret av noen andre" in late.get_json()["message"]
        now = client.get(url, headers=auth(TYNSET))
        assert now.get_json()["case_no"] == "PS 40/24" and now.headers["ETag"] == first.headers["ETag"]
        assert [e["token"] for e in client.get("/api/v1/audit/adoption", headers=auth(KORUS)).get_json()["entries"]] \
            == ["demo 3427"]
        other = client.get(f"/api/v1/plans/{PLAN}/municipalities/3428/catalogue", headers=auth(ALVDAL))
        assert other.status_code == 200
        snippet = client.get(f"/api/v1/plans/{PLAN}/municipalities/3427/snippets/measure/T-01", headers=auth(TYNSET))
        assert snippet.status_code == 200 and snippet.get_json()["tag"] == "docplan:measure:T-01"
        plans = client.get("/api/v1/plans", headers=auth(TYNSET)).get_json()["plans"]
        assert [p["id"] for p in plans] == [PLAN]
    finally:
        app.extensions["docplan.jobs"].shutdown()
        app.extensions["docplan.workspace"].close()


def test_an_unreachable_database_is_one_norwegian_line_without_the_password(tmp_path):
    url = f"postgresql://docplan:hemmelig@/nope?host={tmp_path}&connect_timeout=2"
    from docplan.errors import ConfigError

    pytest.importorskip("psycopg")
    with pytest.raises(ConfigError, match="kan ikke bruke databasen") as caught:
        PostgresStorage.open(url)
    assert "hemmelig" not in caught.value.format() and safe_url(url) in caught.value.format()


def test_a_database_that_stops_answering_is_a_503_to_retry_not_a_500(pg_cluster, workspace):
    import psycopg

    url = pg_cluster.new_database()
    seed = PostgresStorage.open(url, pool_size=1)
    copy_workspace(Workspace.open(workspace), seed)
    seed.close()
    app = create_app({"TESTING": True, "DATABASE": url, "DATABASE_POOL": 2})
    app.extensions["docplan.workspace"].close()
    app.extensions["docplan.workspace"] = PostgresStorage.open(url, pool_size=2, timeout=2)
    try:
        client = app.test_client()
        assert client.get("/api/v1/plans", headers=auth(TYNSET)).status_code == 200
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')
        for _ in range(2):  # the broken pooled connection, then no connection at all
            r = client.get("/api/v1/plans", headers=auth(TYNSET))
            assert r.status_code == 503 and r.get_json()["code"] == "database_unavailable"
            assert "databasen svarer ikke" in r.get_json()["message"] and r.headers["Retry-After"]
    finally:
        app.extensions["docplan.jobs"].shutdown()
        app.extensions["docplan.workspace"].close()


@pytest.mark.parametrize("url", ["postgresql://docplan:hemmelig@db/rusplan", "postgresql://docplan@db/rusplan?password=hemmelig",
                                 "host=db password=hemmelig dbname=rusplan", "host=db password='hem melig' dbname=rusplan"])
def test_a_database_is_named_in_messages_without_its_password(url):
    shown = safe_url(url)
    assert "hemmelig" not in shown and "hem" not in shown and "db" in shown and "***" in shown
