-- Issue 11, "Dates PostgreSQL cannot hold" and "Answers name only what Boom sent".
--
-- 1. Open foutmeldingen whose kept result has an afnamedatum the contract no longer accepts (not a real
--    YYYY-MM-DD, such as 0000-01-01, or before 2000-01-01): kept before that rule, they could not be handled
--    again (0000-01-01 even failed every fix that healed it). They stay open, as the service now leaves
--    any error whose kept result no longer validates (src/verwerking/herverwerk.ts): their melding says
--    why, so that an operator can dismiss them or Boom can send the result again, corrected. Nothing is
--    deleted or dismissed on the operators' behalf.
-- 2. GEEN_TOETSDOEL's melding named SchoolKr8's own leerlingId, and a replay answers the stored response
--    again: the stored responses and the foutmeldingen get the melding the service now writes, which
--    names the pupil only by the Boom-leerlingnummer masked after its first two characters.
CREATE FUNCTION pg_temp.is_afnamedatum(s text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN s ~ '^\d{4}-\d{2}-\d{2}$' AND s >= '2000-01-01' AND to_char(s::date, 'YYYY-MM-DD') = s;
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;

UPDATE foutmeldingen
   SET melding = 'Het bewaarde resultaat voldoet niet meer aan het schema (afnamedatum: geen datum vanaf '
                 || '2000-01-01) en wordt niet opnieuw verwerkt; Boom kan het verbeterd opnieuw sturen, of '
                 || 'negeer deze foutmelding'
 WHERE status = 'open'
   AND NOT coalesce(pg_temp.is_afnamedatum(resultaat ->> 'afnamedatum'), false);

DROP FUNCTION pg_temp.is_afnamedatum(text);

UPDATE foutmeldingen
   SET melding = 'De leerling met Boom-leerlingnummer ' || left(boom_leerlingnummer, 2) || '… heeft geen toetsdoel'
 WHERE code = 'GEEN_TOETSDOEL' AND melding LIKE 'Leerling % heeft geen toetsdoel';

UPDATE aanbiedingen AS a
   SET antwoord = jsonb_set(a.antwoord, '{resultaten}', (
         SELECT jsonb_agg(
                  CASE WHEN r.e -> 'fout' ->> 'code' = 'GEEN_TOETSDOEL'
                       THEN jsonb_set(r.e, '{fout,melding}', to_jsonb(coalesce(
                              (SELECT 'De leerling met Boom-leerlingnummer ' || left(f.boom_leerlingnummer, 2)
                                      || '… heeft geen toetsdoel'
                                 FROM foutmeldingen f
                                WHERE f.school_id = a.school_id AND f.resultaat_key = r.e ->> 'resultaatKey'
                                  AND f.revisie = (r.e ->> 'revisie')::int
                                LIMIT 1),
                              'De leerling heeft geen toetsdoel')))
                       ELSE r.e END
                  ORDER BY r.i)
           FROM jsonb_array_elements(a.antwoord -> 'resultaten') WITH ORDINALITY AS r(e, i)))
 WHERE a.antwoord @> '{"resultaten": [{"fout": {"code": "GEEN_TOETSDOEL"}}]}';
