import type { Approval } from '../../core/report/schema';
import { safe } from '../format/report-text';
import type { Io } from '../io';
import { parse } from '../options';
import { UsageError } from '../usage-error';
import { replay } from './replay';
import { STATE_FLAGS_HELP, STATE_OPTIONS } from './state-options';

export const APPROVALS_USAGE = `Usage: cosmos approvals list [--all] [--json] [--dir DIR]
       cosmos approvals approve ID [--dir DIR] [--by NAME]
       cosmos approvals reject ID --reason TEXT [--dir DIR] [--by NAME]

Actions COSMOS will not run on its own wait here. Approving runs the action exactly once, as it was
shown (if the incident changed since, the approval is refused and a fresh one is proposed); expired
approvals never run.

${STATE_FLAGS_HELP}`;

export async function approvalsCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...STATE_OPTIONS, all: { type: 'boolean' }, json: { type: 'boolean' }, reason: { type: 'string' }, by: { type: 'string' } },
    APPROVALS_USAGE,
  );
  if (values.help) {
    io.out(APPROVALS_USAGE);
    return 0;
  }
  const [sub, id] = positionals;
  if (sub !== 'list' && sub !== 'approve' && sub !== 'reject') throw new UsageError(`unknown or missing subcommand ${JSON.stringify(sub ?? '')}`, APPROVALS_USAGE);
  if (sub !== 'list' && !id) throw new UsageError(`approvals ${sub} needs an approval ID (see \`cosmos approvals list\`)`, APPROVALS_USAGE);
  if (sub === 'reject' && typeof values.reason !== 'string') throw new UsageError('approvals reject needs --reason TEXT (it is journalled)', APPROVALS_USAGE);
  const by = typeof values.by === 'string' ? values.by : `cli:${process.env.USER ?? 'user'}`;

  const { agent } = await replay(io, values, APPROVALS_USAGE);
  try {
    if (sub === 'list') {
      const list = values.all ? agent.approvals() : agent.approvals({ status: 'pending' });
      if (values.json) io.out(JSON.stringify(list, null, 2));
      else io.out(list.length ? list.map(describe).join('\n') : values.all ? 'no approvals yet' : 'no pending approvals');
      return 0;
    }
    const result = sub === 'approve' ? await agent.approve(id!, by) : await agent.reject(id!, by, String(values.reason));
    (result.ok ? io.out : io.err)(`${result.ok ? '' : 'cosmos: '}${safe(result.message)}`);
    return result.ok ? 0 : 1;
  } finally {
    agent.dispose();
  }
}

function describe(a: Approval): string {
  const left = a.expiresAt - Date.now();
  const expiry = a.status === 'pending' ? (left > 0 ? `expires in ${Math.round(left / 60_000)} min` : 'expired') : a.status;
  return `${a.id}  ${a.type} [${a.risk} risk] for ${a.incidentId} — ${safe(a.reason)} (${expiry})`;
}
