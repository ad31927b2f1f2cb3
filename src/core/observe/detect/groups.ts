import { createHash } from 'node:crypto';
import type { Family } from './families';

/**
 * An incident group is "failure pattern × scope": the identity an incident keeps while evidence arrives.
 * - `merchant`: one merchant, one signature family (`merchant|M3|webhook`).
 * - `cross`: one signature family seen at several merchants at once (`cross|checkout`); multi-merchant or platform.
 * - `platform`: several families failing at many merchants in the same windows (one "platform regression").
 * - `tickets`: tickets of one issue with no matching error incident (`tickets|how_to_configure_webhooks`).
 * The fingerprint is a hash of the group id, so it is stable across runs, machines and added evidence.
 */
export type GroupKind = 'merchant' | 'cross' | 'platform' | 'tickets';

export interface Group {
  readonly id: string;
  readonly kind: GroupKind;
  readonly family: Family;
  readonly merchant?: string;
  readonly issue?: string;
}

export function merchantGroup(merchant: string, family: Family): Group {
  return { id: `merchant|${merchant}|${family}`, kind: 'merchant', family, merchant };
}

export function crossGroup(family: Family): Group {
  return { id: `cross|${family}`, kind: 'cross', family };
}

export const PLATFORM_GROUP: Group = { id: 'platform', kind: 'platform', family: 'general' };

export function ticketGroup(issue: string, family: Family): Group {
  return { id: `tickets|${issue}`, kind: 'tickets', family, issue };
}

export function fingerprintOf(group: Group): string {
  return createHash('sha256').update(`cosmos-incident-v1|${group.id}`).digest('hex').slice(0, 16);
}
