-- Ingest speed (bench/RESULTS.md). Every stored result pays one foreign-key check per constraint, and on a
-- delivery of 500 results those checks are about half of the write statement's time.
--
-- toetsresultaten (school_id) → scholen is implied by (school_id, leerling_id) → leerlingen, whose
-- school_id references scholen: a result cannot name a school that does not exist, and deleting a school
-- still removes its results (through its pupils, ON DELETE CASCADE on both steps). The check is redundant.
ALTER TABLE toetsresultaten DROP CONSTRAINT toetsresultaten_school_id_fkey;
