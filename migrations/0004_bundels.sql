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
--   openFouten [school, resultaatKey, revisie]
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
-- The same statements for 1 delivery and for 100 (arrays joined to primary-key and unique-index lookups):
-- a generic plan fits all, and planning anew on every call cost more than the lookups of a small batch.
SET plan_cache_mode = force_generic_plan
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
    (SELECT coalesce(json_agg(json_build_array(a.school_id, a.bericht_id, encode(a.inhoud_hash, 'hex'), a.antwoord)), '[]')
       FROM unnest(p_bericht_scholen, p_bericht_ids) AS b(s, b)
       JOIN aanbiedingen a ON a.school_id = b.s AND a.bericht_id = b.b AND a.afgewezen_status IS NULL),
    'leerlingen',
    (SELECT coalesce(json_agg(json_build_array(l.school_id, l.boom_leerlingnummer, l.leerling_id, l.toetsdoel)), '[]')
       FROM (SELECT DISTINCT n.s, n.n FROM unnest(p_nummer_scholen, p_nummers) AS n(s, n)) AS n
       JOIN leerlingen l ON l.school_id = n.s AND l.boom_leerlingnummer = n.n),
    'toetsen',
    (SELECT coalesce(json_agg(json_build_array(t.code,
              (SELECT coalesce(array_agg(o.code), '{}') FROM toetsonderdelen o WHERE o.toets_code = t.code))), '[]')
       FROM toetsen t
      WHERE t.code = ANY (p_toetsen)),
    'huidig',
    (SELECT coalesce(json_agg(json_build_array(r.school_id, r.resultaat_key, r.revisie, encode(r.inhoud_hash, 'hex'))), '[]')
       FROM (SELECT DISTINCT k.s, k.k FROM unnest(p_key_scholen, p_keys) AS k(s, k)) AS k
       JOIN toetsresultaten r ON r.school_id = k.s AND r.resultaat_key = k.k),
    'openFouten',
    (SELECT coalesce(json_agg(json_build_array(f.school_id, f.resultaat_key, f.revisie)), '[]')
       FROM (SELECT DISTINCT k.s, k.k FROM unnest(p_key_scholen, p_keys) AS k(s, k)) AS k
       JOIN foutmeldingen f ON f.school_id = k.s AND f.resultaat_key = k.k AND f.status = 'open'));
END
$$;
