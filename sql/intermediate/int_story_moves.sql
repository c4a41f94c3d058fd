-- intermediate.int_story_moves: documents a run moved out of a story an earlier run had written
-- (split off into a story of their own, or merged into a story holding the same event).
-- grain: document x run that moved it; key: (doc_id, run_id)
-- Written by parallax.stories when a story turns out to hold two events, or two stories one event
-- (the log of corrections);
-- db.rollback_run moves the documents back from the before-images in audit.row_images.
create table if not exists intermediate.int_story_moves (
    doc_id varchar not null,
    run_id varchar not null,
    from_story_id varchar not null,
    to_story_id varchar not null,
    from_similarity double,
    from_method varchar not null,
    from_run_id varchar not null,
    primary key (doc_id, run_id)
);
comment on table intermediate.int_story_moves is 'Story corrections: a document an earlier run had put in one story, moved by a later run into a story split off it, or into the story it was merged with.';
comment on column intermediate.int_story_moves.doc_id is 'Document id.';
comment on column intermediate.int_story_moves.run_id is 'Run that moved the document.';
comment on column intermediate.int_story_moves.from_story_id is 'Story the document was in before the move.';
comment on column intermediate.int_story_moves.to_story_id is 'Story the document moved to (split off, or the story it was merged with).';
comment on column intermediate.int_story_moves.from_similarity is 'Similarity recorded before the move.';
comment on column intermediate.int_story_moves.from_method is 'Assignment method recorded before the move.';
comment on column intermediate.int_story_moves.from_run_id is 'Run that had written the document''s story row (kept on the row).';
