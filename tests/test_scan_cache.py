"""A nightly scan re-reads only files whose size or modification time changed."""

from __future__ import annotations

import os
from pathlib import Path

from parallax.ingest import scan_inputs
from parallax.settings import Settings


def _known(scan_files) -> dict[str, tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    rows = scan_files.to_pylist()
    return {r["path"]: (r["size_bytes"], r["mtime_ns"], r["sha256"]) for r in rows}


def test_unchanged_stat_reuses_hash_and_changed_stat_rehashes(tmp_path: Path, settings: Settings) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    f = inp / "a.txt"
    f.write_text("Title\n\nBody text of the article.", encoding="utf-8")
    first = scan_inputs(inp, settings)
    known = _known(first.files)
    st = f.stat()

    # same size and mtime, different bytes: trusted as unchanged (one stat, no read)
    f.write_text("Title\n\nBody text of the artiklE.", encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert scan_inputs(inp, settings, known).files.to_pylist() == first.files.to_pylist()
    # with trust_mtime off every file is hashed again
    strict = settings.model_copy(update={"trust_mtime": False})
    assert scan_inputs(inp, strict, known).files["sha256"][0] != first.files["sha256"][0]

    # a touched file (new mtime) is re-hashed even with trust_mtime
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    again = scan_inputs(inp, settings, known)
    assert again.files["sha256"][0].as_py() != first.files["sha256"][0].as_py()
