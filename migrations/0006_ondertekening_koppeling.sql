-- Signing (Standard Webhooks) is a setting of the school's koppeling, no longer a copy on each key row.
-- A copy per key lapsed: keys issued after a withdrawal of all keys, or the first key after signing was
-- turned on before any key existed, carried no secret and were accepted unsigned. One row per school
-- while signing is on; no row: signing off. Every key of the school, whenever issued, is checked against it.
CREATE TABLE koppeling_ondertekening (
  school_id                 uuid PRIMARY KEY REFERENCES scholen (id) ON DELETE CASCADE,
  -- The secret in force (whsec_…), stored readable: verifying an HMAC needs the secret itself.
  ondertekengeheim          text NOT NULL CHECK (length(ondertekengeheim) > 0),
  -- The secret it replaced, valid until vorig_geheim_verloopt_op (24 hours after the rotation).
  vorig_ondertekengeheim    text,
  vorig_geheim_verloopt_op  timestamptz,
  aangezet_op               timestamptz NOT NULL DEFAULT now(),
  gewisseld_op              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT koppeling_ondertekening_vorig_check
    CHECK ((vorig_ondertekengeheim IS NULL) = (vorig_geheim_verloopt_op IS NULL))
);

-- Carried over: a school any of whose keys has a secret keeps signing on, with that secret and its
-- previous one (while still valid). A key in force decides before a withdrawn one, the newest first
-- (before this migration every key in force of a school had the same secret). A school whose keys in force
-- lost the secret (issued after a withdrawal) while a withdrawn key still has one gets signing on again:
-- the school asked for signatures and nobody turned them off for it.
INSERT INTO koppeling_ondertekening (school_id, ondertekengeheim, vorig_ondertekengeheim, vorig_geheim_verloopt_op)
SELECT DISTINCT ON (school_id)
       school_id,
       ondertekengeheim,
       CASE WHEN vorig_geheim_verloopt_op > now() THEN vorig_ondertekengeheim END,
       CASE WHEN vorig_geheim_verloopt_op > now() THEN vorig_geheim_verloopt_op END
  FROM koppeling_sleutels
 WHERE ondertekengeheim IS NOT NULL
 ORDER BY school_id, (status <> 'ingetrokken') DESC, aangemaakt_op DESC, id DESC;

-- No copy of a secret stays behind on the key rows (their CHECK goes with the columns).
ALTER TABLE koppeling_sleutels
  DROP COLUMN ondertekengeheim,
  DROP COLUMN vorig_ondertekengeheim,
  DROP COLUMN vorig_geheim_verloopt_op;
