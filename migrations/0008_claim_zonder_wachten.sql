-- No school waits for another (CONTRACT §2 "Time and fairness", src/boom/ingest.ts): a batch of deliveries
-- of many schools no longer waits for a lock that one school's result key or berichtId is held under by
-- another transaction (an operator's fix or retry, a batch of another instance). verwerking_claim_vrij()
-- takes the batch's locks with pg_try_advisory_xact_lock, the same lock keys as verwerking_claim()
-- (migrations/0004) and verwerking_vergrendel_fouten() (0005), so all of them still interlock. It waits for
-- none: a lock held elsewhere is named in 'bezet' as ['sleutel', school, resultaatKey] or
-- ['bericht', school, berichtId] (answered as {claim: what verwerking_claim() answers, bezet}), and the caller takes every delivery that needs one out of the batch (it
-- waits on a lane of its own school, with verwerking_claim()). Then verwerking_claim() does the lookups for
-- what was locked: every lock it asks for is held by this transaction already, so it waits for nothing.
-- Locks granted for a delivery that is taken out stay held until this batch ends, as in any batch.
-- verwerking_claim() itself is unchanged: instances of the earlier version keep calling it.
CREATE FUNCTION verwerking_claim_vrij(
  p_scholen uuid[],
  p_bericht_scholen uuid[], p_bericht_ids text[],
  p_key_scholen uuid[], p_keys text[],
  p_nummer_scholen uuid[], p_nummers text[],
  p_toetsen text[])
RETURNS json
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  r record;
  v_bezet jsonb := '[]';
  v_key_scholen uuid[] := '{}';
  v_keys text[] := '{}';
  v_bericht_scholen uuid[] := '{}';
  v_bericht_ids text[] := '{}';
BEGIN
  FOR r IN SELECT k.s, k.k FROM unnest(p_key_scholen, p_keys) AS k(s, k) LOOP
    IF pg_try_advisory_xact_lock(hashtextextended(r.s::text || ':' || r.k, 0)) THEN
      v_key_scholen := v_key_scholen || r.s;
      v_keys := v_keys || r.k;
    ELSE
      v_bezet := v_bezet || jsonb_build_array(jsonb_build_array('sleutel', r.s, r.k));
    END IF;
  END LOOP;
  FOR r IN SELECT b.s, b.b FROM unnest(p_bericht_scholen, p_bericht_ids) AS b(s, b) LOOP
    IF pg_try_advisory_xact_lock(hashtextextended('bericht:' || r.s::text || ':' || r.b, 0)) THEN
      v_bericht_scholen := v_bericht_scholen || r.s;
      v_bericht_ids := v_bericht_ids || r.b;
    ELSE
      v_bezet := v_bezet || jsonb_build_array(jsonb_build_array('bericht', r.s, r.b));
    END IF;
  END LOOP;
  RETURN json_build_object(
    'claim', verwerking_claim(p_scholen, v_bericht_scholen, v_bericht_ids, v_key_scholen, v_keys,
                              p_nummer_scholen, p_nummers, p_toetsen),
    'bezet', v_bezet);
END
$$;
