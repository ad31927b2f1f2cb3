/** Where generated lines go: a file stream, a counter in tests, stdout. May apply backpressure. */
export interface LineSink {
  write(chunk: string): void | Promise<void>;
}

const FLUSH_BYTES = 64 * 1024;

/**
 * Streams records as a JSON array (the prototype's format, one record per line so line numbers are
 * readable: `[\n{...},\n{...}\n]\n`) or as NDJSON. Lines are batched into ~64 KB chunks; the sink's
 * promise is awaited before the next chunk, so memory stays flat however many records are written.
 */
export class RecordWriter {
  private buffer = '';
  private count = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly format: 'json' | 'ndjson',
  ) {}

  get records(): number {
    return this.count;
  }

  async add(record: object): Promise<void> {
    const line = JSON.stringify(record);
    if (this.format === 'json') this.buffer += this.count === 0 ? `[\n${line}` : `,\n${line}`;
    else this.buffer += `${line}\n`;
    this.count++;
    if (this.buffer.length >= FLUSH_BYTES) await this.flush();
  }

  async end(): Promise<void> {
    if (this.format === 'json') this.buffer += this.count === 0 ? '[\n]\n' : '\n]\n';
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    await this.sink.write(chunk);
  }
}
