-- Issue 15: a result's content is kept once, in its history row (resultaat_revisies.resultaat), not again in
-- toetsresultaten. No reader needs it there: the service reads kept content only from foutmeldingen (a
-- retry), CONTRACT §5 does not name the column, and the current row's content is the history row of the
-- same (school_id, resultaat_key, revisie). Writing it twice cost a jsonb copy and its WAL per stored result.
--
-- The service no longer writes it: new and changed current rows have resultaat NULL. Rows written before
-- keep their copy until their result changes (clearing them all here would rewrite the whole table while
-- the migration holds it). An instance of the previous version still writes it, which this allows; a later
-- release drops the column.
ALTER TABLE toetsresultaten ALTER COLUMN resultaat DROP NOT NULL;
