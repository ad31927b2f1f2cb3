import { LOOP_OPTIONS } from '../options';

/** Commands that work on a data folder's state: `--dir` names the folder (default: the current one). */
export const STATE_OPTIONS = {
  ...LOOP_OPTIONS,
  dir: { type: 'string' },
} as const;

export const STATE_FLAGS_HELP = `  --dir DIR        the data folder (default: current folder)
  --state-dir DIR  journal and snapshot (default: DIR/.cosmos/state)`;
