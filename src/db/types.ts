import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { FoutCode, FoutStatus, Reden, Verwerking } from '../verwerking/model.js';

/** Row types of the tables, as PostgreSQL returns them through pg (numeric as string, bigint as string). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ScholenTable {
  id: Generated<string>;
  naam: string;
  brin: string | null;
  boom_wijzigingen_verwerken: Generated<boolean>;
  aangemaakt_op: Generated<Date>;
}

export interface KoppelingSleutelsTable {
  id: Generated<string>;
  school_id: string;
  sleutel_hash: Buffer;
  status: Generated<'aangevraagd' | 'actief' | 'ingetrokken'>;
  aangemaakt_op: Generated<Date>;
  geactiveerd_op: Timestamp | null;
  verloopt_op: Timestamp | null;
  ingetrokken_op: Timestamp | null;
}

/** Signing of a school's koppeling (migration 0006): a row while it is on, for every key of the school. */
export interface KoppelingOndertekeningTable {
  school_id: string;
  ondertekengeheim: string;
  vorig_ondertekengeheim: string | null;
  vorig_geheim_verloopt_op: Timestamp | null;
  aangezet_op: Generated<Date>;
  gewisseld_op: Generated<Date>;
}

export interface LeerlingenTable {
  school_id: string;
  leerling_id: string;
  boom_leerlingnummer: string | null;
  fase: string | null;
  toetsdoel: string | null;
  bijgewerkt_op: Generated<Date>;
}

export interface ToetsenTable {
  code: string;
  naam: string;
  vak: string;
}

export interface ToetsonderdelenTable {
  toets_code: string;
  code: string;
  naam: string;
}

export interface SchooltoetsenTable {
  school_id: string;
  toets_code: string;
}

export interface DleNormenTable {
  vak: string;
  fase: string;
  toetsdoel: string;
  norm_dle: ColumnType<string, string | number, string | number>;
}

export interface AanbiedingenTable {
  id: Generated<string>;
  school_id: string;
  bericht_id: string | null;
  ontvangen_op: Generated<Date>;
  aantal_resultaten: Generated<number>;
  per_status: ColumnType<Record<string, number>, string | undefined, string>;
  afgewezen_status: number | null;
  afgewezen_code: string | null;
  inhoud_hash: Buffer | null;
  bericht: ColumnType<unknown, string | null, string | null>;
  bericht_verwijderd_op: Timestamp | null;
  antwoord: ColumnType<unknown, string | null, string | null>;
}

export interface ToetsresultatenTable {
  school_id: string;
  resultaat_key: string;
  leerling_id: string;
  revisie: number;
  reden: Reden;
  toets_code: string;
  toets_versie: string | null;
  toetsonderdeel_code: string | null;
  afnamedatum: ColumnType<string, string, string>;
  dle: ColumnType<string | null, string | number | null, string | number | null>;
  ingetrokken: boolean;
  /** Not written since migration 0011 (the content is in resultaat_revisies); older rows keep theirs. */
  resultaat: ColumnType<unknown, string | null, string | null> | null;
  inhoud_hash: Buffer;
  aanbieding_id: string | null;
  bijgewerkt_op: Generated<Date>;
}

export interface ResultaatRevisiesTable {
  school_id: string;
  resultaat_key: string;
  revisie: number;
  reden: Reden;
  verwerking: Verwerking;
  ontvangen_op: Generated<Date>;
  leerling_id: string;
  resultaat: ColumnType<unknown, string, string>;
  inhoud_hash: Buffer;
  aanbieding_id: string | null;
}

export interface FoutmeldingenTable {
  id: Generated<string>;
  school_id: string;
  code: FoutCode;
  status: Generated<FoutStatus>;
  melding: string;
  resultaat_key: string;
  revisie: number;
  boom_leerlingnummer: string;
  leerling_id: string | null;
  toets_code: string;
  toetsonderdeel_code: string | null;
  resultaat: ColumnType<unknown, string, string>;
  aanbieding_id: string | null;
  aangemaakt_op: Generated<Date>;
  pogingen: Generated<number>;
  laatste_poging_op: Generated<Date>;
  opgelost_op: Timestamp | null;
}

export interface DoorstroomgrafiekPuntenView {
  school_id: string;
  leerling_id: string;
  resultaat_key: string;
  toets_code: string;
  toetsonderdeel_code: string | null;
  afnamedatum: string;
  dle: string | null;
  norm_dle: string | null;
  dle_verschil: string | null;
}

export interface Database {
  scholen: ScholenTable;
  koppeling_sleutels: KoppelingSleutelsTable;
  koppeling_ondertekening: KoppelingOndertekeningTable;
  leerlingen: LeerlingenTable;
  toetsen: ToetsenTable;
  toetsonderdelen: ToetsonderdelenTable;
  schooltoetsen: SchooltoetsenTable;
  dle_normen: DleNormenTable;
  aanbiedingen: AanbiedingenTable;
  toetsresultaten: ToetsresultatenTable;
  resultaat_revisies: ResultaatRevisiesTable;
  foutmeldingen: FoutmeldingenTable;
  doorstroomgrafiek_punten: DoorstroomgrafiekPuntenView;
}

export type Db = Kysely<Database>;
/** What repository functions take: the database or a transaction on it. */
export type Executor = Kysely<Database> | Transaction<Database>;
