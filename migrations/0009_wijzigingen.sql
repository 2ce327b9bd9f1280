-- Issue 16: other services learn of every change, in commit order, and miss nothing (docs/database.md,
-- "wijzigingen"). Three parts:
--
-- 1. wijzigingen: one row per change of a current result, a revisie or a foutmelding, written by
--    statement-level triggers (transition tables: one INSERT … SELECT per statement, not one per row) in the
--    transaction that makes the change, so a change and its row commit together.
-- 2. wijzigingen_grenzen and wijzigingen_leesbaar: up to which positie the feed can be read without ever
--    missing a row that commits later. positie comes from a sequence when the row is written, not when it
--    commits, so a reader that stored positie 7 could later meet a 5 committed after it. The proof is in
--    docs/database.md; in short, wijzigingen_grens_zetten() (run every second by the service) reads the
--    sequence's last value L and only then takes a transaction id v of its own. Every writer of a positie
--    <= L had its transaction id before it took that positie, so before v; once v is below the oldest
--    transaction still running (pg_snapshot_xmin), every one of them has ended, and every positie <= L is
--    committed (and visible) or gone for good.
-- 3. The publication boom_koppeling, for logical replication and Debezium (docs/operations.md).

-- CACHE 1 (the default, spelled out): positions are handed out in the order they are asked for, across
-- sessions. The proof above depends on it.
CREATE TABLE wijzigingen (
  positie          bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
  xid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
  vastgelegd_op    timestamptz NOT NULL DEFAULT clock_timestamp(),
  soort            text NOT NULL CHECK (soort IN ('toetsresultaat', 'revisie', 'foutmelding')),
  actie            text NOT NULL CHECK (actie IN ('nieuw', 'gewijzigd', 'verwijderd')),
  school_id        uuid NOT NULL,
  resultaat_key    text NOT NULL,
  -- Each pair is the value after the change and the value before it (null for a new row; for a removed
  -- row only the _was columns are set).
  revisie          integer,
  revisie_was      integer,
  reden            text,
  leerling_id      text,
  leerling_id_was  text,
  ingetrokken      boolean,
  ingetrokken_was  boolean,
  verwerking       text,
  verwerking_was   text,
  fout_id          uuid,
  code             text,
  code_was         text,
  status           text,
  status_was       text
);

-- toetsresultaten: every insert; an update that changes the revisie, the pupil, the withdrawal or the
-- content (not one that only touches bijgewerkt_op or aanbieding_id); every delete (a pupil or school removed).
CREATE FUNCTION wijzigingen_toetsresultaten() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, reden, leerling_id, ingetrokken)
    SELECT 'toetsresultaat', 'nieuw', n.school_id, n.resultaat_key, n.revisie, n.reden, n.leerling_id, n.ingetrokken
      FROM nieuw n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, revisie_was, reden, leerling_id,
                             leerling_id_was, ingetrokken, ingetrokken_was)
    SELECT 'toetsresultaat', 'gewijzigd', n.school_id, n.resultaat_key, n.revisie, o.revisie, n.reden, n.leerling_id,
           o.leerling_id, n.ingetrokken, o.ingetrokken
      FROM nieuw n JOIN oud o ON o.school_id = n.school_id AND o.resultaat_key = n.resultaat_key
     WHERE (n.revisie, n.leerling_id, n.ingetrokken, n.inhoud_hash)
           IS DISTINCT FROM (o.revisie, o.leerling_id, o.ingetrokken, o.inhoud_hash);
  ELSE
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie_was, leerling_id_was, ingetrokken_was)
    SELECT 'toetsresultaat', 'verwijderd', o.school_id, o.resultaat_key, o.revisie, o.leerling_id, o.ingetrokken
      FROM oud o;
  END IF;
  RETURN NULL;
END
$$;

-- resultaat_revisies: every insert; an update of its verwerking or reden (a skipped revisie applied later).
CREATE FUNCTION wijzigingen_resultaat_revisies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, reden, leerling_id, verwerking)
    SELECT 'revisie', 'nieuw', n.school_id, n.resultaat_key, n.revisie, n.reden, n.leerling_id, n.verwerking
      FROM nieuw n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, reden, leerling_id, leerling_id_was,
                             verwerking, verwerking_was)
    SELECT 'revisie', 'gewijzigd', n.school_id, n.resultaat_key, n.revisie, n.reden, n.leerling_id, o.leerling_id,
           n.verwerking, o.verwerking
      FROM nieuw n JOIN oud o ON o.school_id = n.school_id AND o.resultaat_key = n.resultaat_key AND o.revisie = n.revisie
     WHERE (n.verwerking, n.reden, n.leerling_id, n.inhoud_hash)
           IS DISTINCT FROM (o.verwerking, o.reden, o.leerling_id, o.inhoud_hash);
  ELSE
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, leerling_id_was, verwerking_was)
    SELECT 'revisie', 'verwijderd', o.school_id, o.resultaat_key, o.revisie, o.leerling_id, o.verwerking
      FROM oud o;
  END IF;
  RETURN NULL;
END
$$;

-- foutmeldingen: every insert; an update of its status or code (not a further attempt that changes
-- neither: pogingen and laatste_poging_op are bookkeeping); every delete.
CREATE FUNCTION wijzigingen_foutmeldingen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, leerling_id, fout_id, code, status)
    SELECT 'foutmelding', 'nieuw', n.school_id, n.resultaat_key, n.revisie, n.leerling_id, n.id, n.code, n.status
      FROM nieuw n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, leerling_id, leerling_id_was, fout_id,
                             code, code_was, status, status_was)
    SELECT 'foutmelding', 'gewijzigd', n.school_id, n.resultaat_key, n.revisie, n.leerling_id, o.leerling_id, n.id,
           n.code, o.code, n.status, o.status
      FROM nieuw n JOIN oud o ON o.id = n.id
     WHERE (n.status, n.code) IS DISTINCT FROM (o.status, o.code);
  ELSE
    INSERT INTO wijzigingen (soort, actie, school_id, resultaat_key, revisie, leerling_id_was, fout_id, code_was,
                             status_was)
    SELECT 'foutmelding', 'verwijderd', o.school_id, o.resultaat_key, o.revisie, o.leerling_id, o.id, o.code, o.status
      FROM oud o;
  END IF;
  RETURN NULL;
END
$$;

-- Transition tables allow one event per trigger, so one trigger per table and event, all sharing the
-- table's function. An INSERT … ON CONFLICT DO UPDATE fires the INSERT trigger with the inserted rows and
-- the UPDATE trigger with the updated ones.
CREATE TRIGGER wijzigingen_nieuw AFTER INSERT ON toetsresultaten REFERENCING NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_toetsresultaten();
CREATE TRIGGER wijzigingen_gewijzigd AFTER UPDATE ON toetsresultaten REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_toetsresultaten();
CREATE TRIGGER wijzigingen_verwijderd AFTER DELETE ON toetsresultaten REFERENCING OLD TABLE AS oud
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_toetsresultaten();
CREATE TRIGGER wijzigingen_nieuw AFTER INSERT ON resultaat_revisies REFERENCING NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_resultaat_revisies();
CREATE TRIGGER wijzigingen_gewijzigd AFTER UPDATE ON resultaat_revisies REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_resultaat_revisies();
CREATE TRIGGER wijzigingen_verwijderd AFTER DELETE ON resultaat_revisies REFERENCING OLD TABLE AS oud
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_resultaat_revisies();
CREATE TRIGGER wijzigingen_nieuw AFTER INSERT ON foutmeldingen REFERENCING NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_foutmeldingen();
CREATE TRIGGER wijzigingen_gewijzigd AFTER UPDATE ON foutmeldingen REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_foutmeldingen();
CREATE TRIGGER wijzigingen_verwijderd AFTER DELETE ON foutmeldingen REFERENCING OLD TABLE AS oud
  FOR EACH STATEMENT EXECUTE FUNCTION wijzigingen_foutmeldingen();

-- One row per run of wijzigingen_grens_zetten() that found new positions: every positie <= tot_positie is
-- settled once xid is below the oldest running transaction. Small: each run removes the rows a newer
-- usable one makes redundant.
CREATE TABLE wijzigingen_grenzen (
  xid          xid8 PRIMARY KEY,
  tot_positie  bigint NOT NULL,
  gezet_op     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Run in a transaction of its own, before it writes anything (it checks): the order "read the sequence,
-- then take a transaction id" is the whole proof. Answers the positie up to which the feed is readable as
-- of this run, and sends NOTIFY boom_wijzigingen (delivered on commit, payload that positie) when that is
-- beyond p_gemeld, the positie the caller last announced.
CREATE FUNCTION wijzigingen_grens_zetten(p_gemeld bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_tot bigint;
  v_leesbaar bigint;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'wijzigingen_grens_zetten() must run before its transaction writes anything';
  END IF;
  SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END INTO v_tot FROM wijzigingen_positie_seq s;
  -- A committed row has an id below the snapshot's xmax. One above it came with a dump from another server
  -- (restored here, where ids count from elsewhere) and would hold the bound back: it is dropped.
  DELETE FROM wijzigingen_grenzen g WHERE g.xid >= pg_snapshot_xmax(pg_current_snapshot());
  IF NOT EXISTS (SELECT 1 FROM wijzigingen_grenzen g WHERE g.tot_positie >= v_tot) THEN
    INSERT INTO wijzigingen_grenzen (xid, tot_positie) VALUES (pg_current_xact_id(), v_tot);
  END IF;
  SELECT max(g.tot_positie) INTO v_leesbaar
    FROM wijzigingen_grenzen g WHERE g.xid < pg_snapshot_xmin(pg_current_snapshot());
  DELETE FROM wijzigingen_grenzen g
   WHERE g.xid < pg_snapshot_xmin(pg_current_snapshot()) AND g.tot_positie < v_leesbaar;
  v_leesbaar := coalesce(v_leesbaar, 0);
  IF v_leesbaar > coalesce(p_gemeld, -1) THEN
    PERFORM pg_notify('boom_wijzigingen', v_leesbaar::text);
  END IF;
  RETURN v_leesbaar;
END
$$;

-- The safe read (docs/database.md): only positions that no transaction still running can precede.
-- A reader stores the last positie it handled and asks for the ones after it, in order.
CREATE VIEW wijzigingen_leesbaar AS
SELECT w.*
  FROM wijzigingen w
 WHERE w.positie <= (SELECT coalesce(max(g.tot_positie), 0)
                       FROM wijzigingen_grenzen g
                      WHERE g.xid < pg_snapshot_xmin(pg_current_snapshot()));

-- For logical replication and Debezium (docs/operations.md: the server needs wal_level = logical for a
-- slot; the publication itself does not).
CREATE PUBLICATION boom_koppeling FOR TABLE toetsresultaten, resultaat_revisies, foutmeldingen, aanbiedingen, wijzigingen;
