-- boom-koppeling: the whole first schema. Frozen once landed: change the schema with a new file.
-- Relations other SchoolKr8 services read (CONTRACT §5) are documented in docs/database.md.

CREATE TABLE scholen (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  naam                        text NOT NULL CHECK (length(naam) BETWEEN 1 AND 200),
  brin                        text CHECK (brin ~ '^[0-9A-Z]{4}$'),
  boom_wijzigingen_verwerken  boolean NOT NULL DEFAULT true,
  aangemaakt_op               timestamptz NOT NULL DEFAULT now()
);

-- One row per issued autorisatiesleutel; only the SHA-256 of the key is kept.
CREATE TABLE koppeling_sleutels (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id       uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  sleutel_hash    bytea NOT NULL UNIQUE CHECK (length(sleutel_hash) = 32),
  status          text NOT NULL DEFAULT 'aangevraagd' CHECK (status IN ('aangevraagd', 'actief', 'ingetrokken')),
  aangemaakt_op   timestamptz NOT NULL DEFAULT clock_timestamp(),
  geactiveerd_op  timestamptz,
  verloopt_op     timestamptz,
  ingetrokken_op  timestamptz,
  -- Optional Standard Webhooks signing secret (whsec_…); when set, requests must be signed.
  ondertekengeheim text,
  CHECK ((status = 'ingetrokken') = (ingetrokken_op IS NOT NULL)),
  CHECK ((status = 'actief') <= (geactiveerd_op IS NOT NULL))
);
CREATE INDEX koppeling_sleutels_school_idx ON koppeling_sleutels (school_id, aangemaakt_op DESC);

CREATE TABLE leerlingen (
  school_id            uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  leerling_id          text NOT NULL CHECK (leerling_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  boom_leerlingnummer  text CHECK (length(boom_leerlingnummer) BETWEEN 1 AND 64),
  fase                 text CHECK (length(fase) BETWEEN 1 AND 32),
  toetsdoel            text CHECK (length(toetsdoel) BETWEEN 1 AND 32),
  bijgewerkt_op        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (school_id, leerling_id),
  -- Deferrable so that a bulk update may swap two pupils' numbers within one transaction.
  CONSTRAINT leerlingen_boom_nummer_uniek UNIQUE (school_id, boom_leerlingnummer) DEFERRABLE INITIALLY IMMEDIATE
);

CREATE TABLE toetsen (
  code  text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 64),
  naam  text NOT NULL CHECK (length(naam) BETWEEN 1 AND 200),
  vak   text NOT NULL CHECK (length(vak) BETWEEN 1 AND 32)
);

CREATE TABLE toetsonderdelen (
  toets_code  text NOT NULL REFERENCES toetsen (code) ON DELETE CASCADE,
  code        text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
  naam        text NOT NULL CHECK (length(naam) BETWEEN 1 AND 200),
  PRIMARY KEY (toets_code, code)
);

-- Stap 4: the Boom tests a school has activated (they give red dots in the Doorstroomgrafiek).
CREATE TABLE schooltoetsen (
  school_id   uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  toets_code  text NOT NULL REFERENCES toetsen (code),
  PRIMARY KEY (school_id, toets_code)
);

CREATE TABLE dle_normen (
  vak        text NOT NULL CHECK (length(vak) BETWEEN 1 AND 32),
  fase       text NOT NULL CHECK (length(fase) BETWEEN 1 AND 32),
  toetsdoel  text NOT NULL CHECK (length(toetsdoel) BETWEEN 1 AND 32),
  norm_dle   numeric(3, 1) NOT NULL CHECK (norm_dle BETWEEN 0 AND 60),
  PRIMARY KEY (vak, fase, toetsdoel)
);

-- Every delivery that passed the key check, accepted or rejected.
CREATE TABLE aanbiedingen (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id          uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  bericht_id         text,
  ontvangen_op       timestamptz NOT NULL DEFAULT clock_timestamp(),
  aantal_resultaten  integer NOT NULL DEFAULT 0 CHECK (aantal_resultaten >= 0),
  per_status         jsonb NOT NULL DEFAULT '{}'::jsonb,
  afgewezen_status   smallint CHECK (afgewezen_status IN (400, 409, 413, 415, 422)),
  afgewezen_code     text,
  -- SHA-256 of the validated body: the same berichtId with another body is a 409.
  inhoud_hash        bytea,
  -- The validated body, removed after the retention period (see docs/operations.md).
  bericht            jsonb,
  bericht_verwijderd_op timestamptz,
  -- The response as sent, answered again on a replay.
  antwoord           jsonb,
  CHECK ((afgewezen_status IS NULL) = (afgewezen_code IS NULL)),
  CHECK (afgewezen_status IS NOT NULL OR (bericht_id IS NOT NULL AND inhoud_hash IS NOT NULL))
);
-- The idempotency key: one accepted delivery per (school, berichtId). Rejected ones do not use it up.
CREATE UNIQUE INDEX aanbiedingen_bericht_uniek ON aanbiedingen (school_id, bericht_id) WHERE afgewezen_status IS NULL;
CREATE INDEX aanbiedingen_lijst_idx ON aanbiedingen (ontvangen_op DESC, id DESC);
CREATE INDEX aanbiedingen_school_idx ON aanbiedingen (school_id, ontvangen_op DESC, id DESC);

-- The current revisie of each result. A withdrawn result stays, flagged ingetrokken.
CREATE TABLE toetsresultaten (
  school_id            uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  resultaat_key        text NOT NULL CHECK (length(resultaat_key) BETWEEN 1 AND 128),
  leerling_id          text NOT NULL,
  revisie              integer NOT NULL CHECK (revisie >= 1),
  reden                text NOT NULL CHECK (reden IN ('nieuw', 'hernormering', 'correctie', 'intrekking')),
  toets_code           text NOT NULL REFERENCES toetsen (code),
  toets_versie         text,
  toetsonderdeel_code  text,
  afnamedatum          date NOT NULL,
  dle                  numeric(3, 1) CHECK (dle BETWEEN 0 AND 60),
  ingetrokken          boolean NOT NULL DEFAULT false,
  resultaat            jsonb NOT NULL,
  inhoud_hash          bytea NOT NULL,
  aanbieding_id        uuid REFERENCES aanbiedingen (id) ON DELETE SET NULL,
  bijgewerkt_op        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (school_id, resultaat_key),
  FOREIGN KEY (school_id, leerling_id) REFERENCES leerlingen (school_id, leerling_id) ON DELETE CASCADE,
  CHECK (ingetrokken = (reden = 'intrekking'))
);
CREATE INDEX toetsresultaten_leerling_idx ON toetsresultaten (school_id, leerling_id);

-- Every revisie that passed the lookups (steps 1–3), once, with what happened to it.
CREATE TABLE resultaat_revisies (
  school_id      uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  resultaat_key  text NOT NULL,
  revisie        integer NOT NULL CHECK (revisie >= 1),
  reden          text NOT NULL CHECK (reden IN ('nieuw', 'hernormering', 'correctie', 'intrekking')),
  verwerking     text NOT NULL CHECK (verwerking IN ('toegepast', 'overgeslagen', 'verouderd')),
  ontvangen_op   timestamptz NOT NULL DEFAULT now(),
  leerling_id    text NOT NULL,
  resultaat      jsonb NOT NULL,
  inhoud_hash    bytea NOT NULL,
  aanbieding_id  uuid REFERENCES aanbiedingen (id) ON DELETE SET NULL,
  PRIMARY KEY (school_id, resultaat_key, revisie)
);

-- Errors operators see, fix and retry; each keeps the validated result so it can be handled again.
CREATE TABLE foutmeldingen (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id            uuid NOT NULL REFERENCES scholen (id) ON DELETE CASCADE,
  code                 text NOT NULL CHECK (code IN ('LEERLING_NIET_GEVONDEN', 'TOETS_NIET_GEVONDEN',
                         'TOETSONDERDEEL_NIET_GEVONDEN', 'GEEN_TOETSDOEL', 'REVISIE_CONFLICT')),
  status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'opgelost', 'genegeerd')),
  melding              text NOT NULL,
  resultaat_key        text NOT NULL,
  revisie              integer NOT NULL CHECK (revisie >= 1),
  boom_leerlingnummer  text NOT NULL,
  leerling_id          text,
  toets_code           text NOT NULL,
  toetsonderdeel_code  text,
  resultaat            jsonb NOT NULL,
  aanbieding_id        uuid REFERENCES aanbiedingen (id) ON DELETE SET NULL,
  aangemaakt_op        timestamptz NOT NULL DEFAULT clock_timestamp(),
  pogingen             integer NOT NULL DEFAULT 1 CHECK (pogingen >= 1),
  laatste_poging_op    timestamptz NOT NULL DEFAULT clock_timestamp(),
  opgelost_op          timestamptz,
  CHECK ((status = 'opgelost') = (opgelost_op IS NOT NULL))
);
-- At most one open error per revisie of a result: a resend of the same failing result does not double it.
CREATE UNIQUE INDEX foutmeldingen_open_uniek ON foutmeldingen (school_id, resultaat_key, revisie) WHERE status = 'open';
CREATE INDEX foutmeldingen_lijst_idx ON foutmeldingen (aangemaakt_op DESC, id DESC);
CREATE INDEX foutmeldingen_school_idx ON foutmeldingen (school_id, aangemaakt_op DESC, id DESC);
CREATE INDEX foutmeldingen_open_leerling_idx ON foutmeldingen (school_id, boom_leerlingnummer) WHERE status = 'open';
CREATE INDEX foutmeldingen_open_toets_idx ON foutmeldingen (toets_code) WHERE status = 'open';

-- A red dot in the Doorstroomgrafiek: a current, not withdrawn result of a test the school activated,
-- with the DLE norm for the pupil's current fase and toetsdoel.
CREATE VIEW doorstroomgrafiek_punten AS
SELECT r.school_id,
       r.leerling_id,
       r.resultaat_key,
       r.toets_code,
       r.toetsonderdeel_code,
       r.afnamedatum,
       r.dle,
       n.norm_dle,
       r.dle - n.norm_dle AS dle_verschil
  FROM toetsresultaten r
  JOIN schooltoetsen st ON st.school_id = r.school_id AND st.toets_code = r.toets_code
  JOIN toetsen t ON t.code = r.toets_code
  JOIN leerlingen l ON l.school_id = r.school_id AND l.leerling_id = r.leerling_id
  LEFT JOIN dle_normen n ON n.vak = t.vak AND n.fase = l.fase AND n.toetsdoel = l.toetsdoel
 WHERE NOT r.ingetrokken;
