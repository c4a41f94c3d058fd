-- audit.row_images: rows of earlier runs as they were before a run changed or deleted them.
-- grain: one logged batch of rows of one table; key: (run_id, image_seq)
-- Written by parallax.db.log_before_images (every upsert_arrow of an earlier run's row, and code
-- that updates or deletes rows itself); read by db.rollback_run, which puts the rows back.
-- A run's images are dropped when it finishes successfully, so the table is empty between runs.
create table if not exists audit.row_images (
    run_id varchar not null,
    image_seq integer not null,
    table_name varchar not null,
    key_columns varchar[] not null,
    row_count integer not null,
    rows blob not null,
    logged_at timestamptz not null,
    primary key (run_id, image_seq)
);
comment on table audit.row_images is 'Before-images: rows earlier runs wrote, saved before the running run changed or deleted them, so that rolling the run back restores them exactly. Empty between runs.';
comment on column audit.row_images.run_id is 'Run that changed the rows (rolling it back restores them).';
comment on column audit.row_images.image_seq is 'Order of the image within the run (the first image of a row is the state before the run).';
comment on column audit.row_images.table_name is 'Table the rows belong to (schema.table).';
comment on column audit.row_images.key_columns is 'Columns identifying a row; rollback deletes rows with these keys before re-inserting the saved ones (empty: re-insert only).';
comment on column audit.row_images.row_count is 'Number of rows saved.';
comment on column audit.row_images.rows is 'The rows as they were, as an Arrow IPC stream (exact types and values).';
comment on column audit.row_images.logged_at is 'When the rows were saved.';
