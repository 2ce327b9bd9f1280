-- An operator's retry of foutmeldingen (src/verwerking/herverwerk.ts) takes the locks of their result keys
-- before it locks the foutmeldingen' rows: the order a delivery from Boom takes them in (the key locks in
-- verwerking_claim(), migrations/0004, then its changes to the keys' open foutmeldingen). In the other order a
-- retry and a delivery of one key could each hold what the other waits for, a deadlock that PostgreSQL ends
-- after deadlock_timeout by aborting one of them (test/beheer/volgorde-vergrendeling.test.ts).
-- The lock keys are verwerking_claim()'s, taken in the same order (by hash), so that neither deadlocks.
CREATE FUNCTION verwerking_vergrendel_fouten(p_ids uuid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(s.h)
     FROM (SELECT DISTINCT hashtextextended(f.school_id::text || ':' || f.resultaat_key, 0) AS h
             FROM foutmeldingen f WHERE f.id = ANY (p_ids)) AS s
    ORDER BY s.h;
END
$$;
