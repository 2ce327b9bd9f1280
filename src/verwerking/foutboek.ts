import type { FoutCode, NieuweFout, OpenFout } from './model.js';

/** A foutmelding that was open before the batch, and what the batch does to it. */
export interface FoutWijziging {
  id: string;
  /** Attempts the batch adds (each failure again, and an operator's retry that gets through). */
  pogingen: number;
  /** The latest failure's content and code, when it failed again. */
  nieuw: NieuweFout | undefined;
  /** Resolved (opgelost) by a revisie that got through. */
  gesloten: boolean;
}

/** A foutmelding the batch records: still open, or already resolved by a later result of the batch. */
export interface NieuweFoutRij {
  fout: NieuweFout;
  pogingen: number;
  opgelost: boolean;
}

interface Bestaand extends FoutWijziging {
  code: FoutCode;
}

interface Spoor {
  bestaand: Bestaand | undefined;
  nieuwe: NieuweFoutRij[];
}

/**
 * The foutmeldingen of a batch, delivery after delivery, exactly as if the deliveries came one by one
 * (CONTRACT §2 and §3). Within one delivery: a failing result is to be recorded with its latest code; a
 * result that gets through drops the error its revisie met earlier in the delivery, unless that was a
 * REVISIE_CONFLICT (its answer said fout; it must reach the operators). At the end of each delivery
 * (`sluitAanbieding`), as the statements of a delivery on its own would: the revisies that got through
 * resolve their open foutmelding — never a REVISIE_CONFLICT, unless that one itself was being retried —
 * and then each error to be recorded counts another attempt on the open foutmelding of its revisie,
 * with the latest content, or becomes a new one. Keys are revisieSleutel.
 */
export class Foutboek {
  private readonly sporen = new Map<string, Spoor>();
  private readonly teSchrijven = new Map<string, NieuweFout>();
  /** Revisies that got through in the current delivery, with the foutmelding retried, if any. */
  private readonly doorgekomen = new Map<string, string | undefined>();

  /** `open`: the open foutmelding of each revisie before the batch (verwerking_claim). */
  constructor(private readonly open: ReadonlyMap<string, OpenFout>) {}

  mislukt(revKey: string, fout: NieuweFout): void {
    this.teSchrijven.set(revKey, fout);
  }

  /** The revisie got through; `foutId` when this was an operator's retry of that foutmelding. */
  gelukt(revKey: string, foutId: string | undefined): void {
    this.doorgekomen.set(revKey, foutId ?? this.doorgekomen.get(revKey));
    if (this.teSchrijven.get(revKey)?.code !== 'REVISIE_CONFLICT') this.teSchrijven.delete(revKey);
  }

  /** The end of one aanbieding (or of an operator's retry of one school's errors). */
  sluitAanbieding(): void {
    for (const [revKey, foutId] of this.doorgekomen) {
      const spoor = this.spoor(revKey);
      const { bestaand } = spoor;
      if (bestaand && !bestaand.gesloten) {
        const opnieuw = foutId !== undefined && foutId === bestaand.id;
        if (opnieuw) bestaand.pogingen++;
        if (opnieuw || bestaand.code !== 'REVISIE_CONFLICT') bestaand.gesloten = true;
        continue;
      }
      const laatste = spoor.nieuwe.at(-1);
      if (laatste && !laatste.opgelost && laatste.fout.code !== 'REVISIE_CONFLICT') laatste.opgelost = true;
    }
    for (const [revKey, fout] of this.teSchrijven) {
      const spoor = this.spoor(revKey);
      const { bestaand } = spoor;
      const laatste = spoor.nieuwe.at(-1);
      if (bestaand && !bestaand.gesloten) {
        bestaand.pogingen++;
        bestaand.code = fout.code;
        bestaand.nieuw = { ...fout, aanbiedingId: fout.aanbiedingId ?? bestaand.nieuw?.aanbiedingId ?? null };
      } else if (laatste && !laatste.opgelost) {
        laatste.pogingen++;
        laatste.fout = { ...fout, aanbiedingId: fout.aanbiedingId ?? laatste.fout.aanbiedingId };
      } else {
        spoor.nieuwe.push({ fout, pogingen: 1, opgelost: false });
      }
    }
    this.doorgekomen.clear();
    this.teSchrijven.clear();
  }

  /** What changes in foutmeldingen that were open before the batch. */
  wijzigingen(): FoutWijziging[] {
    const uit: FoutWijziging[] = [];
    for (const { bestaand } of this.sporen.values()) {
      if (bestaand && (bestaand.pogingen > 0 || bestaand.gesloten)) {
        const { id, pogingen, nieuw, gesloten } = bestaand;
        uit.push({ id, pogingen, nieuw, gesloten });
      }
    }
    return uit;
  }

  /** The foutmeldingen the batch adds, in the order they arose. */
  nieuwe(): NieuweFoutRij[] {
    return [...this.sporen.values()].flatMap((s) => s.nieuwe);
  }

  private spoor(revKey: string): Spoor {
    let spoor = this.sporen.get(revKey);
    if (!spoor) {
      const open = this.open.get(revKey);
      spoor = {
        bestaand: open && { id: open.id, code: open.code, pogingen: 0, nieuw: undefined, gesloten: false },
        nieuwe: [],
      };
      this.sporen.set(revKey, spoor);
    }
    return spoor;
  }
}
