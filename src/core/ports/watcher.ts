import type { Disposable } from './disposable';

/**
 * Watching is only a hint source: the tailer re-reads from its own cursors after every hint,
 * after a trailing re-check, and on a slow safety poll (chokidar drops the last change of a burst).
 */
export interface WatcherPort {
  /** Calls `onHint(absolutePath)` when something under one of `dirs` may have changed. */
  watch(dirs: readonly string[], onHint: (path: string) => void, options?: { ignored?: readonly string[] }): WatchHandle;
}

export interface WatchHandle extends Disposable {
  /** Resolves once the watcher reports changes (initial scan done); changes before it only reach the safety poll. */
  readonly ready?: Promise<void>;
}
