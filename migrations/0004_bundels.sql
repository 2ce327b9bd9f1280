-- Deliveries handled together (bench/RESULTS.md, src/boom/bundelaar.ts): deliveries that arrive while
-- others are being written share one transaction, one claim statement and one write statement. The claim
-- of a berichtId therefore no longer inserts the aanbieding first (which then had to be updated with its
-- answer, writing the whole row twice): it takes an advisory lock on (school, berichtId) and looks for
-- an accepted aanbieding with that berichtId; the aanbieding is inserted once, complete, with the results.
-- The unique index aanbiedingen_bericht_uniek stays: it is the guarantee, the lock is the queue.
--
-- verwerking_claim() locks, in one fixed order (by hash) so that transactions wait instead of deadlocking:
--   * every (school, resultaatKey) of the results, with the same lock key as verwerking_opzoeken()
--     (migrations/0002), so the two interlock while instances of both versions run side by side;
--   * every (school, berichtId) of the deliveries (none for an operator's retry);
-- and then, as statements of their own (in READ COMMITTED each statement of a VOLATILE function reads with
-- a new snapshot, so they see what the earlier holders of these locks committed), looks up:
--   scholen    [school, boomWijzigingenVerwerken]
--   eerder     [school, berichtId, inhoud_hash hex, antwoord] of accepted deliveries with these berichtIds
--   leerlingen [school, boomLeerlingnummer, leerling_id, toetsdoel]
--   toetsen    [code, [onderdeel codes]]
--   huidig     [school, resultaatKey, revisie, inhoud_hash hex]
--   openFouten [school, resultaatKey, revisie, id, code]
--   nu         the time the deliveries are received (ontvangen_op)
-- The arrays come in pairs of equal length: p_key_scholen[i] is the school of p_keys[i], and so on.
CREATE FUNCTION verwerking_claim(
  p_scholen uuid[],
  p_bericht_scholen uuid[], p_bericht_ids text[],
  p_key_scholen uuid[], p_keys text[],
  p_nummer_scholen uuid[], p_nummers text[],
  p_toetsen text[])
RETURNS json
LANGUAGE plpgsql VOLATILE
-- Every lookup is a handful of rows found by a unique index, one per key of the batch: each is a LATERAL
-- subquery with LIMIT, so the planner cannot turn it into a scan of the whole table, and it is planned on
-- every call (a custom plan), with the tables as they are then. A generic plan, made once per connection,
-- was made while the tables were still empty and then kept: it took toetsresultaten's pupil index for
-- the key lookup (with the empty table, both indexes cost the same), and so read all of the school's
-- results for every key: 130 ms for a delivery of 500 results once a school had 1,500. Planning costs
-- about 0.4 ms a call, once per batch. No sequential scans: a table is small only while it is new.
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
                      ORDER BY l.school_id, l.boom_leerlingnummer LIMIT 1) AS l),
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

-- Foreign-key checks that cost more than they guard (bench/RESULTS.md). Each runs once per stored row, as
-- a cached plan made when the connection first needed it:
--  * aanbieding_id → aanbiedingen (results, history, errors): the service writes the aanbieding and the rows
--    that name it in one statement, from one id it generated, so the check only re-reads that row. On a new
--    database its cached plan was a sequential scan of aanbiedingen (made while the table was small):
--    0.5 ms per stored result once it held a few thousand deliveries. aanbieding_id stays a plain column;
--    aanbiedingen rows are only ever removed with their school, whose results go with it.
--  * resultaat_revisies.school_id → scholen: a sequential scan of scholen per row (a small table, so the
--    planner's choice), 40 µs per result. Replaced by (school_id, leerling_id) → leerlingen, a primary-key
--    lookup, which implies the school (leerlingen.school_id references scholen) and, like the current
--    results, takes a pupil's history with the pupil (ON DELETE CASCADE). NOT VALID: history written before
--    this migration for pupils removed since is left as it is; every new row is checked.
ALTER TABLE toetsresultaten DROP CONSTRAINT toetsresultaten_aanbieding_id_fkey;
ALTER TABLE resultaat_revisies DROP CONSTRAINT resultaat_revisies_aanbieding_id_fkey;
ALTER TABLE foutmeldingen DROP CONSTRAINT foutmeldingen_aanbieding_id_fkey;
ALTER TABLE resultaat_revisies DROP CONSTRAINT resultaat_revisies_school_id_fkey;
ALTER TABLE resultaat_revisies
  ADD CONSTRAINT resultaat_revisies_leerling_fkey FOREIGN KEY (school_id, leerling_id)
      REFERENCES leerlingen (school_id, leerling_id) ON DELETE CASCADE NOT VALID;
