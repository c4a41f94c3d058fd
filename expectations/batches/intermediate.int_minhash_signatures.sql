-- Batch for intermediate.int_minhash_signatures: the run's signatures (without the signature arrays).
select
    doc_id,
    shingle_count,
    anchor_count,
    len(signature) as signature_length,
    run_id
from intermediate.int_minhash_signatures
where $run_id is null or run_id = $run_id
