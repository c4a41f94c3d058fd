-- Batch for audit.row_images: the run's before-images without the saved rows themselves (a blob).
select
    i.run_id,
    i.image_seq,
    i.table_name,
    i.key_columns,
    i.row_count,
    i.logged_at
from audit.row_images as i
where $run_id is null or i.run_id = $run_id
