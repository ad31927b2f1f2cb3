/**
 * A minimal stand-in for the `vscode` module, enough for `activate()` to register everything it registers in a real
 * host: output channel, tree views, status item, CodeLens provider, diagnostics, commands, configuration and event
 * subscriptions. Real enough classes where the extension constructs them (EventEmitter, Disposable, TreeItem, …);
 * anything else resolves to an inert "universal" value, so a new API call in activate() cannot break the benchmark
 * (it only measures the time, not the behaviour — the extension's own tests check behaviour).
 */

type Listener<T> = (e: T) => unknown;

/** Callable, constructible, every property another universal value; never a thenable. */
function universal(): unknown {
  const target = function () {
    return undefined;
  };
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => undefined;
      return universal();
    },
    apply: () => universal(),
    construct: () => universal() as object,
  });
}

/** An object whose missing members are universal values. */
function lenient<T extends object>(known: T): T {
  return new Proxy(known, {
    get(t, prop, receiver) {
      if (prop in t) return Reflect.get(t, prop, receiver) as unknown;
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return universal();
    },
  });
}

class Disposable {
  constructor(private readonly fn: () => unknown = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

const noEvent = (): Disposable => new Disposable();

class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  get fsPath(): string {
    return this.path;
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    return new Uri('file', s.replace(/^file:\/\//, ''));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  with(change: { path?: string }): Uri {
    return new Uri(this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class TreeItem {
  constructor(
    readonly label: unknown,
    readonly collapsibleState?: number,
  ) {}
}
class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}
class ThemeColor {
  constructor(readonly id: string) {}
}
class MarkdownString {
  isTrusted = false;
  supportThemeIcons = false;
  constructor(public value = '') {}
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s;
    return this;
  }
  appendCodeblock(s: string): this {
    this.value += s;
    return this;
  }
}
class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  constructor(
    readonly start: unknown,
    readonly end: unknown,
    ...rest: unknown[]
  ) {
    void rest;
  }
}
class CodeLens {
  constructor(
    readonly range: unknown,
    readonly command?: unknown,
  ) {}
}
class Diagnostic {
  constructor(
    readonly range: unknown,
    readonly message: string,
    readonly severity?: number,
  ) {}
}

const logChannel = (): unknown =>
  lenient({
    name: 'COSMOS',
    logLevel: 2,
    onDidChangeLogLevel: noEvent,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    append: () => undefined,
    appendLine: () => undefined,
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  });

const configuration = (): unknown =>
  lenient({
    get: <T>(_key: string, fallback?: T): T | undefined => fallback,
    has: () => false,
    inspect: () => undefined,
    update: async () => undefined,
  });

export const registered = { commands: 0, treeViews: 0, codeLens: 0, statusItems: 0 };

export const stubVscode = lenient({
  version: '1.90.0',
  Disposable,
  EventEmitter,
  Uri,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  Position,
  Range,
  CodeLens,
  Diagnostic,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  window: lenient({
    createOutputChannel: logChannel,
    createTreeView: () => {
      registered.treeViews++;
      return lenient({ visible: true, onDidChangeVisibility: noEvent, onDidChangeSelection: noEvent, onDidExpandElement: noEvent, onDidCollapseElement: noEvent, reveal: async () => undefined, dispose: () => undefined });
    },
    createStatusBarItem: () => {
      registered.statusItems++;
      return lenient({ show: () => undefined, hide: () => undefined, dispose: () => undefined });
    },
    registerWebviewPanelSerializer: () => new Disposable(),
    onDidChangeActiveTextEditor: noEvent,
    onDidChangeWindowState: noEvent,
    activeTextEditor: undefined,
    visibleTextEditors: [],
    state: { focused: true },
  }),
  languages: lenient({
    registerCodeLensProvider: () => {
      registered.codeLens++;
      return new Disposable();
    },
    createDiagnosticCollection: () => lenient({ set: () => undefined, delete: () => undefined, clear: () => undefined, dispose: () => undefined }),
  }),
  commands: lenient({
    registerCommand: () => {
      registered.commands++;
      return new Disposable();
    },
    executeCommand: async () => undefined,
  }),
  workspace: lenient({
    workspaceFolders: undefined,
    isTrusted: true,
    getConfiguration: configuration,
    onDidChangeConfiguration: noEvent,
    onDidChangeWorkspaceFolders: noEvent,
    onDidGrantWorkspaceTrust: noEvent,
    onDidOpenTextDocument: noEvent,
    onDidCloseTextDocument: noEvent,
    onDidChangeTextDocument: noEvent,
    onDidSaveTextDocument: noEvent,
    textDocuments: [],
    createFileSystemWatcher: () => lenient({ onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose: () => undefined }),
  }),
  env: lenient({ machineId: 'bench', sessionId: 'bench', language: 'en', appName: 'bench', uiKind: 1 }),
});

const memento = (): unknown =>
  lenient({ get: <T>(_k: string, d?: T): T | undefined => d, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined });

/** An ExtensionContext with empty state, as on a first activation. */
export function stubContext(extensionPath: string, storagePath: string): unknown {
  return lenient({
    subscriptions: [] as { dispose(): unknown }[],
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    storageUri: Uri.file(`${storagePath}/workspace`),
    globalStorageUri: Uri.file(`${storagePath}/global`),
    logUri: Uri.file(`${storagePath}/log`),
    storagePath: `${storagePath}/workspace`,
    globalStoragePath: `${storagePath}/global`,
    extensionMode: 1,
    workspaceState: memento(),
    globalState: memento(),
    secrets: lenient({ get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: noEvent }),
    asAbsolutePath: (p: string) => `${extensionPath}/${p}`,
  });
}
