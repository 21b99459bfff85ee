// A petition's confirmed signatures, for its delivery bundle.
import type { SignatureTotals, Signer } from '../petitionBundle';

/**
 * A petition's signatures: confirmed and not erased only (an unconfirmed signature never counts,
 * an erased one has no name left to deliver). `confirmedBy` leaves out signatures confirmed
 * later, so totals and list read at different moments still agree.
 */
export interface SignatureStore {
  totals(slug: string, confirmedBy?: Date): Promise<SignatureTotals>;
  /** In signing order, fetched `batchSize` at a time. */
  signatures(slug: string, batchSize?: number, confirmedBy?: Date): AsyncIterable<Signer>;
}
