import type { CosmosConfig } from '../config/config';
import type { ActionType, Cause, Incident, Risk } from '../report/schema';
import { actionSpec } from './catalogue';
import { canonicalJson, sha256Hex } from './canonical-json';
import { httpTarget } from './http-target';

/**
 * Action parameters come only from structured incident fields (ids, merchants, cause, fingerprint,
 * scope, ticket ids) and from configuration — never from ticket text or model text — so nothing a
 * stranger writes can choose a target, a URL or a file name. HTTP targets are named by setting and
 * bound by hash (see http-target.ts), so no webhook secret lands in the journal. Content (confidence, evidence lines)
 * is rendered at execution time and is not part of the action's identity.
 */
export type ActionParams = Record<string, unknown>;

export class ActionUnavailableError extends Error {
  constructor(
    readonly actionType: ActionType,
    readonly reason: string,
  ) {
    super(`${actionType} cannot run: ${reason}`);
    this.name = 'ActionUnavailableError';
  }
}

/** One output file of a draft action: relative to `config.act.outDir`. */
export interface DraftFile {
  readonly merchantId: string;
  readonly path: string;
}

export function buildActionParams(type: ActionType, incident: Incident, config: CosmosConfig): ActionParams {
  const spec = actionSpec(type);
  const unavailable = spec.unavailableReason(config);
  if (unavailable) throw new ActionUnavailableError(type, unavailable);

  const cause: Cause = incident.cause ?? 'unknown';
  const common = { incidentId: incident.id, fingerprint: incident.fingerprint, cause };
  const dir = safeSegment(incident.id);
  const merchants = sortedUnique(incident.merchants);
  const ticketIds = ticketIdsOf(incident);
  const outDir = config.act.outDir;

  switch (spec.type) {
    case 'monitor':
      return { ...common, scope: incident.scope };
    case 'draft_support_reply': {
      const files: DraftFile[] = merchants.map((m) => ({ merchantId: m, path: `${dir}/reply-${safeSegment(m)}.md` }));
      return { ...common, merchants, ticketIds, outDir, files };
    }
    case 'suggest_doc_update': {
      const codes = sortedUnique([...incident.features.errorCodes, ...incident.features.ticketIssues]);
      return { ...common, codes, ticketIds, outDir, file: `${dir}/doc-suggestion.md` };
    }
    case 'create_escalation': {
      const params: ActionParams = { ...common, scope: incident.scope, merchants, ticketIds, outDir, file: `${dir}/escalation.md` };
      if (config.act.escalationUrl) params.target = httpTarget('escalationUrl', config.act.escalationUrl);
      return params;
    }
    case 'notify_webhook':
      return { ...common, scope: incident.scope, target: httpTarget('webhookUrl', config.act.webhookUrl ?? '') };
    case 'pause_automation':
      return { ...common, scope: incident.scope, reason: `automatic actions paused for ${cause} (${incident.scope} scope, incident ${incident.id})` };
  }
}

/** Idempotency key: the same incident fingerprint, action and parameters always give the same key. */
export function actionKey(fingerprint: string, type: ActionType, params: ActionParams): string {
  return sha256Hex(canonicalJson({ v: 1, fingerprint, type, params }));
}

/** What an approval is bound to: if the action a human saw would now differ, this hash differs. */
export function actionHash(type: ActionType, params: ActionParams): string {
  return sha256Hex(canonicalJson({ v: 1, type, params })).slice(0, 32);
}

export interface PreparedAction {
  readonly id: string;
  readonly type: ActionType;
  readonly risk: Risk;
  readonly params: ActionParams;
  readonly key: string;
  readonly hash: string;
}

/** Everything Decide needs to put an action in its report: id and key are deterministic per parameters. */
export function prepareAction(type: ActionType, incident: Incident, config: CosmosConfig): PreparedAction {
  const params = buildActionParams(type, incident, config);
  const key = actionKey(incident.fingerprint, type, params);
  return { id: `ACT-${key.slice(0, 12)}`, type, risk: actionSpec(type).defaultRisk, params, key, hash: actionHash(type, params) };
}

export function ticketIdsOf(incident: Incident): string[] {
  return sortedUnique(incident.evidence.filter((e) => e.kind === 'ticket').map((e) => e.recordId));
}

/**
 * A file-name segment from an id that came from a data file: only [A-Za-z0-9._-], no leading dot, at
 * most 64 characters, plus a short hash when anything was changed so that `a/b` and `a_b` stay apart.
 */
export function safeSegment(id: string): string {
  let s = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.{2,}/g, '_').replace(/^[.]+/, '_');
  if (s.length > 64) s = s.slice(0, 64);
  if (s !== id || s.length === 0) s = `${s}-${sha256Hex(id).slice(0, 8)}`;
  return s;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
