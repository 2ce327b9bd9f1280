-- Issue 15: the pupil and the toets of every stored result are held by the claim, once per batch, instead
-- of by foreign-key checks, once per stored row (bench/RESULTS.md, "Issue 15"; docs/database.md).
--
-- A foreign-key check runs a query per inserted row (SELECT … FOR KEY SHARE on the referenced row): three per
-- new result (the pupil for toetsresultaten and for resultaat_revisies, the toets for toetsresultaten), 9 of
-- the ~31 ms PostgreSQL spends writing a delivery of 500 results. verwerking_claim() already looks up every
-- pupil of the batch (by Boom-leerlingnummer) and every toets; it now locks the rows it finds FOR KEY SHARE,
-- the lock a foreign-key check takes, so until the batch commits no pupil or toets it found can be removed
-- or get another key. Every row of toetsresultaten and resultaat_revisies is written by the batch's write
-- statement with a pupil and a toets this claim found (src/verwerking/): the guarantee of the constraints
-- holds, one lock per pupil instead of two checks per result.
--
-- What the constraints also did is done by triggers on the referenced tables:
--   * ON DELETE CASCADE of a pupil (and so of a school): removing pupils removes their current results and
--     their history, in the same statement (wijzigingen records the removals, as before);
--   * NO ACTION for a pupil's key (school_id, leerling_id) and a toets's code: changing them while results
--     name them, or removing a toets that results name, is refused with foreign_key_violation (23503).
-- A pupil removed before the claim locks it is not found: its results become LEERLING_NIET_GEVONDEN, where
-- the foreign key made the whole batch fail.

CREATE OR REPLACE FUNCTION verwerking_claim(
  p_scholen uuid[],
  p_bericht_scholen uuid[], p_bericht_ids text[],
  p_key_scholen uuid[], p_keys text[],
  p_nummer_scholen uuid[], p_nummers text[],
  p_toetsen text[])
RETURNS json
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_custom_plan
SET enable_seqscan = off
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(s.h)
     FROM (SELECT hashtextextended(k.s::text || ':' || k.k, 0) AS h FROM unnest(p_key_scholen, p_keys) AS k(s, k)
            UNION
           SELECT hashtextextended('bericht:' || b.s::text || ':' || b.b, 0) FROM unnest(p_bericht_scholen, p_bericht_ids) AS b(s, b)
          ) AS s
    ORDER BY s.h;
  -- The toetsen first (a few rows, by code), then each pupil as it is looked up: a removal or a key change
  -- of either waits for this transaction, and one that committed first is not found.
  PERFORM 1 FROM toetsen t WHERE t.code = ANY (p_toetsen) ORDER BY t.code FOR KEY SHARE;
  RETURN json_build_object(
    'nu', clock_timestamp(),
    'scholen',
    (SELECT coalesce(json_agg(json_build_array(s.id, s.boom_wijzigingen_verwerken)), '[]')
       FROM scholen s WHERE s.id = ANY (p_scholen)),
    'eerder',
    (SELECT coalesce(json_agg(json_build_array(b.s, b.b, a.h, a.antwoord)), '[]')
       FROM unnest(p_bericht_scholen, p_bericht_ids) AS b(s, b),
            LATERAL (SELECT encode(a.inhoud_hash, 'hex') AS h, a.antwoord FROM aanbiedingen a
                      WHERE a.school_id = b.s AND a.bericht_id = b.b AND a.afgewezen_status IS NULL
                      ORDER BY a.school_id, a.bericht_id LIMIT 1) AS a),
    'leerlingen',
    (SELECT coalesce(json_agg(json_build_array(n.s, n.n, l.leerling_id, l.toetsdoel)), '[]')
       FROM (SELECT DISTINCT n.s, n.n FROM unnest(p_nummer_scholen, p_nummers) AS n(s, n)) AS n,
            LATERAL (SELECT l.leerling_id, l.toetsdoel FROM leerlingen l
                      WHERE l.school_id = n.s AND l.boom_leerlingnummer = n.n
                      ORDER BY l.school_id, l.boom_leerlingnummer LIMIT 1 FOR KEY SHARE) AS l),
    'toetsen',
    (SELECT coalesce(json_agg(json_build_array(t.code,
              (SELECT coalesce(array_agg(o.code), '{}') FROM toetsonderdelen o WHERE o.toets_code = t.code))), '[]')
       FROM toetsen t
      WHERE t.code = ANY (p_toetsen)),
    'huidig',
    (SELECT coalesce(json_agg(json_build_array(k.s, k.k, r.revisie, r.h)), '[]')
       FROM (SELECT DISTINCT k.s, k.k FROM unnest(p_key_scholen, p_keys) AS k(s, k)) AS k,
            LATERAL (SELECT r.revisie, encode(r.inhoud_hash, 'hex') AS h FROM toetsresultaten r
                      WHERE r.school_id = k.s AND r.resultaat_key = k.k
                      ORDER BY r.school_id, r.resultaat_key LIMIT 1) AS r),
    'openFouten',
    (SELECT coalesce(json_agg(json_build_array(k.s, k.k, f.revisie, f.id, f.code)), '[]')
       FROM (SELECT DISTINCT k.s, k.k FROM unnest(p_key_scholen, p_keys) AS k(s, k)) AS k,
            LATERAL (SELECT f.revisie, f.id, f.code FROM foutmeldingen f
                      WHERE f.school_id = k.s AND f.resultaat_key = k.k AND f.status = 'open'
                      ORDER BY f.school_id, f.resultaat_key, f.revisie) AS f));
END
$$;

ALTER TABLE toetsresultaten DROP CONSTRAINT toetsresultaten_toets_code_fkey;
ALTER TABLE toetsresultaten DROP CONSTRAINT toetsresultaten_school_id_leerling_id_fkey;
ALTER TABLE resultaat_revisies DROP CONSTRAINT resultaat_revisies_leerling_fkey;

-- ON DELETE CASCADE, for pupils removed by any statement (also by the cascade from scholen), one statement
-- per table for all the pupils a statement removed. As with the constraint, the history has no index on the
-- pupil (it would cost every stored revisie to speed up the rare removal): a removal reads the school's part
-- of the history through its primary key's leading column.

CREATE FUNCTION leerlingen_verwijderd() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM toetsresultaten t USING oud o WHERE t.school_id = o.school_id AND t.leerling_id = o.leerling_id;
  DELETE FROM resultaat_revisies h USING oud o WHERE h.school_id = o.school_id AND h.leerling_id = o.leerling_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER leerlingen_verwijderd AFTER DELETE ON leerlingen REFERENCING OLD TABLE AS oud
  FOR EACH STATEMENT EXECUTE FUNCTION leerlingen_verwijderd();

-- NO ACTION on a pupil's key: only an update that changes it is checked (a new Boom-leerlingnummer is not).
CREATE FUNCTION leerlingen_sleutel_gewijzigd() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM toetsresultaten t WHERE t.school_id = OLD.school_id AND t.leerling_id = OLD.leerling_id)
     OR EXISTS (SELECT 1 FROM resultaat_revisies h WHERE h.school_id = OLD.school_id AND h.leerling_id = OLD.leerling_id)
  THEN
    RAISE foreign_key_violation USING MESSAGE =
      'leerling ' || OLD.leerling_id || ' has results: its school_id and leerling_id cannot change';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER leerlingen_sleutel_gewijzigd BEFORE UPDATE OF school_id, leerling_id ON leerlingen
  FOR EACH ROW WHEN (OLD.school_id IS DISTINCT FROM NEW.school_id OR OLD.leerling_id IS DISTINCT FROM NEW.leerling_id)
  EXECUTE FUNCTION leerlingen_sleutel_gewijzigd();

-- NO ACTION on a toets: it cannot be removed, nor its code changed, while current results name it.
CREATE FUNCTION toetsen_in_gebruik() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.code = OLD.code THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM toetsresultaten t WHERE t.toets_code = OLD.code) THEN
    RAISE foreign_key_violation USING MESSAGE = 'toets ' || OLD.code || ' has results: it cannot be removed or renamed';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER toetsen_in_gebruik BEFORE DELETE OR UPDATE OF code ON toetsen
  FOR EACH ROW EXECUTE FUNCTION toetsen_in_gebruik();
