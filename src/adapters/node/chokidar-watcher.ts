import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import type { WatchHandle, WatcherPort } from '../../core/ports/watcher';

export interface ChokidarWatcherOptions {
  /** Re-check after the last hint of a burst; must exceed chokidar's 50 ms change throttle (ENGINEERING.md). */
  readonly trailingMs?: number;
  /** Slow safety poll: catches whatever the watcher missed (rotation races, network drives). */
  readonly safetyPollMs?: number;
}

/**
 * Watches folders with chokidar 4 and turns every event into a hint. Chokidar drops the last `change` of a burst
 * (it throttles `change` per path on the leading edge), so each hint is followed by a trailing re-check 75 ms after
 * the last event, and a safety poll hints every second regardless. No `awaitWriteFinish`: it starves a file that
 * keeps growing. The reader decides what changed from its own cursors; these are only prompts to look.
 */
export class ChokidarWatcher implements WatcherPort {
  private readonly trailingMs: number;
  private readonly safetyPollMs: number;

  constructor(options: ChokidarWatcherOptions = {}) {
    this.trailingMs = options.trailingMs ?? 75;
    this.safetyPollMs = options.safetyPollMs ?? 1000;
  }

  watch(dirs: readonly string[], onHint: (path: string) => void, options: { ignored?: readonly string[] } = {}): WatchHandle {
    const ignoredMatch = options.ignored?.length ? picomatch([...options.ignored], { dot: true }) : undefined;
    const roots = dirs.map((d) => path.resolve(d));
    const ignored = ignoredMatch
      ? (file: string) => {
          // Patterns are written relative to the data folder (`build/**`) or for any depth (`**/node_modules/**`):
          // test the path relative to each watched folder and the absolute one. Also test a child path, so that an
          // ignored folder is not even entered.
          const candidates = [file];
          for (const root of roots) {
            const rel = path.relative(root, file);
            if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) candidates.push(rel);
          }
          return candidates.some((c) => {
            const p = c.replace(/\\/g, '/');
            return ignoredMatch(p) || ignoredMatch(`${p}/x`);
          });
        }
      : undefined;

    let disposed = false;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const recent = new Set<string>();
    const hint = (file: string): void => {
      if (disposed) return;
      try {
        onHint(file);
      } catch {
        // A failing listener must not stop the watcher.
      }
    };

    const watcher: FSWatcher = watch([...dirs], {
      ignoreInitial: true,
      persistent: true,
      ...(ignored && { ignored }),
    });
    watcher.on('all', (_event, file) => {
      hint(file);
      recent.add(file);
      // Restarted at every event: every dropped change falls within 50 ms of a delivered one, so a re-check
      // 75 ms after the last delivered event always comes after it.
      if (trailing) clearTimeout(trailing);
      trailing = setTimeout(() => {
        trailing = undefined;
        const files = [...recent];
        recent.clear();
        for (const f of files) hint(f);
      }, this.trailingMs);
    });
    watcher.on('error', () => {
      // Errors (EPERM on a vanished folder, too many watchers) are covered by the safety poll.
    });

    const safety = setInterval(() => {
      for (const dir of dirs) hint(dir);
    }, this.safetyPollMs);
    // The poll alone must not keep a CLI process alive; the chokidar watcher does that while it runs.
    safety.unref?.();

    const ready = new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
    });
    return {
      ready,
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (trailing) clearTimeout(trailing);
        clearInterval(safety);
        recent.clear();
        void watcher.close().catch(() => undefined);
      },
    };
  }
}
