-- Ingest speed (bench/RESULTS.md). Every stored result pays one foreign-key check per constraint, and on a
-- delivery of 500 results those checks are about half of the write statement's time.
--
-- toetsresultaten (school_id) → scholen is implied by (school_id, leerling_id) → leerlingen, whose
-- school_id references scholen: a result cannot name a school that does not exist, and deleting a school
-- still removes its results (through its pupils, ON DELETE CASCADE on both steps). The check is redundant.
ALTER TABLE toetsresultaten DROP CONSTRAINT toetsresultaten_school_id_fkey;

-- The lookups of a batch of results, in one round trip with the locks of its keys (src/verwerking/opzoeken.ts).
-- Results with the same (school, resultaatKey) are decided one after the other, across requests and instances:
-- transaction-scoped advisory locks, taken in a fixed order (by hash) so that batches sharing keys wait for each
-- other instead of deadlocking. The lookups run after the locks are granted, as a statement of their own: in
-- READ COMMITTED each statement of a VOLATILE function reads with a new snapshot, so they see everything the
-- earlier holders of these locks committed (one statement that locked and read would read from before).
CREATE FUNCTION verwerking_opzoeken(p_school uuid, p_keys text[], p_nummers text[], p_toetsen text[])
RETURNS json
LANGUAGE plpgsql VOLATILE
-- Its statements are the same for 1 key and for 1000 (arrays, primary-key and unique-index lookups): a
-- generic plan fits all, and planning anew on every call cost more than the lookups for small deliveries.
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(s.h)
     FROM (SELECT DISTINCT hashtextextended(p_school::text || ':' || k, 0) AS h FROM unnest(p_keys) AS k) AS s
    ORDER BY s.h;
  RETURN json_build_object(
    'leerlingen',
    (SELECT coalesce(json_agg(json_build_array(l.boom_leerlingnummer, l.leerling_id, l.toetsdoel)), '[]')
       FROM leerlingen l
      WHERE l.school_id = p_school AND l.boom_leerlingnummer = ANY (p_nummers)),
    'toetsen',
    (SELECT coalesce(json_agg(json_build_array(t.code,
              (SELECT coalesce(array_agg(o.code), '{}') FROM toetsonderdelen o WHERE o.toets_code = t.code))), '[]')
       FROM toetsen t
      WHERE t.code = ANY (p_toetsen)),
    'huidig',
    (SELECT coalesce(json_agg(json_build_array(r.resultaat_key, r.revisie, encode(r.inhoud_hash, 'hex'))), '[]')
       FROM unnest(p_keys) AS k
       JOIN toetsresultaten r ON r.school_id = p_school AND r.resultaat_key = k),
    'openFouten',
    (SELECT coalesce(json_agg(json_build_array(f.resultaat_key, f.revisie)), '[]')
       FROM foutmeldingen f
      WHERE f.school_id = p_school AND f.status = 'open' AND f.resultaat_key = ANY (p_keys)));
END
$$;
