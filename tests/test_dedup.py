"""Deduplication: exact and near copies kept as clusters with diffs, incremental over runs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pytest

from parallax import db
from parallax.copy_diffs import diff_documents
from parallax.dedup import deduplicate
from parallax.settings import REPO_ROOT, Settings

SEED_ARTICLES = REPO_ROOT / "seeds" / "articles"

BASE = (
    "The central bank raised its benchmark interest rate by 25 basis points to 4.5 percent on "
    "Tuesday, citing persistent inflation in services and a tight labour market. Governor Maria "
    "Keller told reporters in Frankfurt that the board would keep watching wage growth closely. "
    "Analysts at several banks had expected the move after consumer prices rose 3.2 percent in "
    "the year to March. Bond yields climbed after the announcement while the currency gained "
    "against the dollar. The next policy meeting is scheduled for June, when new staff forecasts "
    "will be published alongside the decision."
)
OTHER = (
    "Heavy rain flooded roads across the northern province on Sunday, forcing schools to close and "
    "cutting power to thousands of homes. Emergency crews evacuated residents of two villages near "
    "the river, which rose above its banks overnight. The weather service warned that more storms "
    "were expected later in the week and urged drivers to avoid unnecessary travel."
)


def _sha(body: str) -> str:
    return hashlib.sha256(" ".join(body.casefold().split()).encode("utf-8")).hexdigest()


def add_docs(con: duckdb.DuckDBPyConnection, run_id: str, docs: list[dict]) -> list[str]:
    """Insert staging rows directly (doc_id, body, optional title/source/published_at)."""
    rows = []
    for d in docs:
        body = d["body"]
        rows.append(
            {
                "doc_id": d["doc_id"],
                "source": d.get("source", "test"),
                "title": d.get("title"),
                "body": body,
                "normalized_sha256": _sha(body),
                "word_count": len(body.split()),
                "paragraph_count": 1,
                "sentence_count": body.count("."),
                "published_at": d.get("published_at"),
                "run_id": run_id,
            }
        )
    tbl = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("doc_id", pa.string()),
                ("source", pa.string()),
                ("title", pa.string()),
                ("body", pa.string()),
                ("normalized_sha256", pa.string()),
                ("word_count", pa.int32()),
                ("paragraph_count", pa.int32()),
                ("sentence_count", pa.int32()),
                ("published_at", pa.timestamp("us", tz="UTC")),
                ("run_id", pa.string()),
            ]
        ),
    )
    db.upsert_arrow(con, "staging.stg_documents", tbl, ["doc_id"])
    return [d["doc_id"] for d in docs]


def dup_rows(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = con.execute(
        "select doc_id, canonical_doc_id, method, jaccard, containment from "
        "intermediate.int_document_duplicates"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_changed_figure_is_a_copy_and_the_diff_lists_the_figure(con, settings: Settings) -> None:
    changed = BASE.replace("3.2 percent", "3.4 percent")
    ids = add_docs(con, "r1", [{"doc_id": "a", "body": BASE}, {"doc_id": "b", "body": changed}])
    res = deduplicate(con, "r1", ids, settings)
    rows = dup_rows(con)
    assert rows["a"][:2] == ("a", "canonical")
    assert rows["b"][:2] == ("a", "near")
    assert res.doc_ids == ["a"]
    diffs = con.execute(
        "select change_type, before_text, after_text from intermediate.int_duplicate_diffs "
        "where doc_id = 'b' order by change_index"
    ).fetchall()
    assert ("number_changed", "3.2", "3.4") in diffs
    assert [d[0] for d in diffs].count("sentence_changed") == 1


def test_same_body_under_two_headlines_is_a_copy(con, settings: Settings) -> None:
    ids = add_docs(
        con,
        "r1",
        [
            {"doc_id": "a", "title": "Tory backing for rate rise", "body": BASE},
            {"doc_id": "b", "title": "Conservative backing for rate rise", "body": BASE},
            {"doc_id": "c", "title": "Completely different headline", "body": BASE.upper()},
        ],
    )
    res = deduplicate(con, "r1", ids, settings)
    rows = dup_rows(con)
    assert res.doc_ids == ["a"]
    assert rows["b"] == ("a", "exact", 1.0, 1.0)
    assert rows["c"][:2] == ("a", "exact")
    diffs = con.execute(
        "select doc_id, change_type, before_text, after_text from intermediate.int_duplicate_diffs "
        "order by doc_id, change_index"
    ).fetchall()
    assert ("b", "title_changed", "Tory backing for rate rise", "Conservative backing for rate rise") in diffs
    assert {d[1] for d in diffs} == {"title_changed"}


def test_truncated_and_extended_copies_are_copies_by_containment(con, settings: Settings) -> None:
    truncated = BASE[: BASE.index(" Bond yields")]
    extended = BASE + " " + OTHER
    ids = add_docs(
        con,
        "r1",
        [
            {"doc_id": "orig", "body": BASE, "published_at": datetime(2024, 1, 1, tzinfo=UTC)},
            {"doc_id": "trunc", "body": truncated, "published_at": datetime(2024, 1, 2, tzinfo=UTC)},
            {"doc_id": "ext", "body": extended, "published_at": datetime(2024, 1, 3, tzinfo=UTC)},
        ],
    )
    deduplicate(con, "r1", ids, settings)
    rows = dup_rows(con)
    assert rows["trunc"][:2] == ("orig", "near")
    assert rows["trunc"][3] == pytest.approx(1.0)  # containment
    assert rows["trunc"][2] < settings.near_dup_jaccard  # Jaccard alone would miss it
    assert rows["ext"][:2] == ("orig", "near")
    assert rows["ext"][3] == pytest.approx(1.0)
    added = con.execute(
        "select count(*) from intermediate.int_duplicate_diffs where doc_id = 'ext' "
        "and change_type = 'sentence_added'"
    ).fetchone()
    assert added is not None and added[0] >= 3


def test_exact_and_near_duplicates_of_the_archive_on_a_second_run(con, settings: Settings) -> None:
    first = add_docs(con, "r1", [{"doc_id": "a", "body": BASE}, {"doc_id": "o", "body": OTHER}])
    assert deduplicate(con, "r1", first, settings).doc_ids == ["a", "o"]
    index_rows = con.execute("select count(*) from intermediate.int_lsh_buckets").fetchone()
    second = add_docs(
        con,
        "r2",
        [
            {"doc_id": "a2", "body": "  " + BASE.replace(" ", "  ")},  # exact after folding
            {"doc_id": "o2", "body": OTHER.replace("thousands", "hundreds")},  # near
            {"doc_id": "n", "body": "A completely new story about a football match in the rain."},
        ],
    )
    res = deduplicate(con, "r2", second, settings)
    rows = dup_rows(con)
    assert rows["a2"][:2] == ("a", "exact")
    assert rows["o2"][:2] == ("o", "near")
    assert res.doc_ids == ["n"]
    assert res.counts["exact"] == 1 and res.counts["near"] == 1
    # the exact copy is not indexed again; the near copy and the new document are
    indexed = {r[0] for r in con.execute("select doc_id from intermediate.int_minhash_signatures").fetchall()}
    assert indexed == {"a", "o", "o2", "n"}
    assert index_rows is not None


def test_canonical_is_earliest_then_longest_and_archive_canonical_is_kept(con, settings: Settings) -> None:
    short = BASE[: BASE.index(" The next policy")]
    ids = add_docs(
        con,
        "r1",
        [
            # same date: the most complete (longest) wins
            {"doc_id": "z-long", "body": BASE, "published_at": datetime(2024, 3, 2, tzinfo=UTC)},
            {"doc_id": "a-short", "body": short, "published_at": datetime(2024, 3, 2, tzinfo=UTC)},
            # no date: after every dated copy
            {"doc_id": "undated", "body": BASE.replace("June", "July")},
        ],
    )
    deduplicate(con, "r1", ids, settings)
    rows = dup_rows(con)
    assert rows["z-long"][:2] == ("z-long", "canonical")
    assert rows["a-short"][0] == "z-long"
    assert rows["undated"][0] == "z-long"
    # an earlier copy arriving later joins the existing cluster (canonical ids stay stable)
    later = add_docs(
        con,
        "r2",
        [
            {
                "doc_id": "early",
                "body": BASE + " Extra line.",
                "published_at": datetime(2024, 1, 1, tzinfo=UTC),
            }
        ],
    )
    res = deduplicate(con, "r2", later, settings)
    assert res.doc_ids == []
    assert dup_rows(con)["early"][:2] == ("z-long", "near")


def test_earlier_copy_in_the_same_run_becomes_canonical(con, settings: Settings) -> None:
    ids = add_docs(
        con,
        "r1",
        [
            {"doc_id": "late", "body": BASE, "published_at": datetime(2024, 5, 2, tzinfo=UTC)},
            {
                "doc_id": "early",
                "body": BASE.replace("June", "July"),
                "published_at": datetime(2024, 5, 1, tzinfo=UTC),
            },
        ],
    )
    res = deduplicate(con, "r1", ids, settings)
    assert res.doc_ids == ["early"]
    assert dup_rows(con)["late"][:2] == ("early", "near")


def test_sample_articles_are_not_merged(con, settings: Settings) -> None:
    docs = []
    for path in sorted(SEED_ARTICLES.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        docs.append({"doc_id": path.stem, "title": title.strip(), "body": body.strip()})
    assert len(docs) == 3
    ids = add_docs(con, "r1", docs)
    res = deduplicate(con, "r1", ids, settings)
    assert sorted(res.doc_ids) == sorted(ids)
    assert {m for _, m, *_ in dup_rows(con).values()} == {"canonical"}


def test_rerun_changes_nothing(con, settings: Settings) -> None:
    ids = add_docs(
        con,
        "r1",
        [
            {"doc_id": "a", "body": BASE},
            {"doc_id": "b", "body": BASE.replace("4.5", "4.75")},
            {"doc_id": "c", "body": OTHER},
        ],
    )
    first = deduplicate(con, "r1", ids, settings)
    tables = ["int_document_duplicates", "int_duplicate_diffs", "int_minhash_signatures", "int_lsh_buckets"]

    def snapshot() -> dict[str, list]:
        return {t: sorted(con.execute(f"select * from intermediate.{t}").fetchall(), key=str) for t in tables}

    before = snapshot()
    again = deduplicate(con, "r1", ids, settings)
    later = deduplicate(con, "r2", ids, settings)
    assert snapshot() == before
    assert first.doc_ids == again.doc_ids == later.doc_ids == ["a", "c"]


def test_rollback_removes_the_run_from_the_index(con, settings: Settings) -> None:
    ids = add_docs(con, "r1", [{"doc_id": "a", "body": BASE}])
    deduplicate(con, "r1", ids, settings)
    ids2 = add_docs(con, "r2", [{"doc_id": "b", "body": BASE.replace("Tuesday", "Monday")}])
    deduplicate(con, "r2", ids2, settings)
    db.rollback_run(con, "r2")
    for t in ("int_document_duplicates", "int_minhash_signatures", "int_lsh_buckets", "int_duplicate_diffs"):
        n = con.execute(f"select count(*) from intermediate.{t} where doc_id = 'b'").fetchone()
        assert n == (0,)


def test_diff_documents_lists_names_and_sentences() -> None:
    before = "Tory leaders met on Monday. They agreed a plan. Turnout was 40 percent."
    after = "Conservative leaders met on Monday. Turnout was 45 percent. A vote follows in May."
    changes = diff_documents("T", before, "T", after)
    kinds = [(c["change_type"], c["before_text"], c["after_text"]) for c in changes]
    assert ("name_changed", "Tory", "Conservative") in kinds
    assert ("sentence_removed", "They agreed a plan.", None) in kinds
    assert ("number_changed", "40", "45") in kinds
    assert ("sentence_added", None, "A vote follows in May.") in kinds


def test_small_batches_give_the_same_clusters(con, settings: Settings, monkeypatch) -> None:
    """Batches only see each other through the persisted index: results must not depend on batch size."""
    import parallax.dedup as dedup_mod

    bodies = {
        "a": BASE,
        "o": OTHER,
        "b": BASE.replace("4.5", "4.75"),
        "c": BASE,
        "t": OTHER[: OTHER.index(" The weather")],
    }
    docs = [
        {"doc_id": d, "body": body, "published_at": datetime(2024, 1, i + 1, tzinfo=UTC)}
        for i, (d, body) in enumerate(bodies.items())
    ]
    ids = add_docs(con, "r1", docs)
    monkeypatch.setattr(dedup_mod, "BATCH_DOCS", 2)
    res = deduplicate(con, "r1", ids, settings)
    rows = dup_rows(con)
    assert res.doc_ids == ["a", "o"]
    assert {d: r[:2] for d, r in rows.items()} == {
        "a": ("a", "canonical"),
        "o": ("o", "canonical"),
        "b": ("a", "near"),
        "c": ("a", "exact"),
        "t": ("o", "near"),
    }
