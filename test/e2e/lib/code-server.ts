import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { say } from './log';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Quiet user settings: no welcome page, no AI features, no git, no update checks, no trust prompt. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
  'editor.codeLens': true,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.secondarySideBar.showLabels': false,
  'workbench.sideBar.location': 'left',
};

/**
 * One throwaway code-server: its own user-data, extensions, config and XDG/TMP folders under a short /tmp
 * path (Unix sockets are limited to 108 characters), started in its own process group and stopped by
 * signalling the whole group (killing only the parent leaves a file-watcher child behind).
 */
export class CodeServer {
  readonly root: string;
  readonly userData: string;
  readonly extensions: string;
  private child: ChildProcess | undefined;
  port = 0;

  constructor(
    private readonly node24: string,
    private readonly entry: string,
    private readonly logFile: string,
  ) {
    this.root = mkdtempSync('/tmp/cse-');
    this.userData = join(this.root, 'ud');
    this.extensions = join(this.root, 'ext');
    for (const d of [this.userData, this.extensions, join(this.root, 'xc'), join(this.root, 'xd'), join(this.root, 'xk'), join(this.root, 'tmp')]) {
      mkdirSync(d, { recursive: true });
    }
  }

  /**
   * User settings, written both as the browser's user settings and as the remote machine's settings: code-server
   * is a remote window, so `machine`-scoped settings (the LLM host, webhook URLs) are read from the latter.
   */
  writeUserSettings(settings: Record<string, unknown>): void {
    for (const dir of [join(this.userData, 'User'), join(this.userData, 'Machine')]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
    }
  }

  install(vsix: string): void {
    const out = execFileSync(this.node24, [this.entry, ...this.profileArgs(), '--install-extension', vsix, '--force'], {
      env: this.env(),
      encoding: 'utf8',
    });
    if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
  }

  async start(workspace: string, options: { trust: boolean; extraArgs?: readonly string[] }): Promise<string> {
    this.port = await freePort();
    const config = join(this.root, 'config.yaml');
    writeFileSync(config, `bind-addr: 127.0.0.1:${this.port}\nauth: none\ncert: false\n`);
    const args = [
      this.entry,
      ...this.profileArgs(),
      '--config', config,
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(options.trust ? ['--disable-workspace-trust'] : []),
      ...(options.extraArgs ?? []),
      workspace,
    ];
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.child = spawn(this.node24, args, { env: this.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`code-server exited with ${this.child.exitCode}; see ${this.logFile}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 30 s; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    say(`code-server listening on ${this.port} (${options.trust ? 'trust disabled' : 'workspace trust on: Restricted Mode'})`);
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(workspace)}`;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // A child of the group may outlive the parent for a moment; make sure nothing of this run is left.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // group empty: good
    }
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Workspace storage of the extension for a folder (where the journal lives), found by scanning. */
  workspaceStorageRoot(): string {
    return join(this.userData, 'User', 'workspaceStorage');
  }

  private profileArgs(): string[] {
    return ['--user-data-dir', this.userData, '--extensions-dir', this.extensions];
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: join(this.root, 'xc'),
      XDG_DATA_HOME: join(this.root, 'xd'),
      XDG_CACHE_HOME: join(this.root, 'xk'),
      TMPDIR: join(this.root, 'tmp'),
      // The extension host must not inherit a developer's NODE_OPTIONS (e.g. --import tsx).
      NODE_OPTIONS: '',
    };
  }
}
