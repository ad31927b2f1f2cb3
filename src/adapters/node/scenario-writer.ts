import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate, type GenerateOptions, type GroundTruth } from '../../core/generate/generate';
import type { LineSink } from '../../core/generate/record-writer';

export interface WrittenScenario {
  readonly truth: GroundTruth;
  readonly files: { events: string; tickets: string; expected: string };
}

/**
 * `cosmos generate`: writes events.<fmt>, tickets.<fmt> and expected.json into `dir`.
 * Records stream through fs write streams honouring backpressure (a million events never sit in
 * memory); each file is written under a temporary name and renamed when complete, so a watcher never
 * sees a half-generated scenario as if it were finished.
 */
export async function writeScenario(dir: string, opts: GenerateOptions): Promise<WrittenScenario> {
  await mkdir(dir, { recursive: true });
  const ext = opts.format;
  const files = {
    events: join(dir, `events.${ext}`),
    tickets: join(dir, `tickets.${ext}`),
    expected: join(dir, 'expected.json'),
  };
  const eventsStream = createWriteStream(`${files.events}.tmp`);
  const ticketsStream = createWriteStream(`${files.tickets}.tmp`);
  try {
    const truth = await generate(opts, { events: streamSink(eventsStream), tickets: streamSink(ticketsStream) });
    await Promise.all([close(eventsStream), close(ticketsStream)]);
    await rename(`${files.events}.tmp`, files.events);
    await rename(`${files.tickets}.tmp`, files.tickets);
    await writeFile(files.expected, `${JSON.stringify(truth, null, 2)}\n`);
    return { truth, files };
  } catch (err) {
    // Wait for both streams to close: a stream destroyed before its file was opened still creates the
    // file when the open completes, so removing it earlier would leave a stray .tmp behind.
    await Promise.all([closed(eventsStream), closed(ticketsStream)]);
    await Promise.all([rm(`${files.events}.tmp`, { force: true }), rm(`${files.tickets}.tmp`, { force: true })]);
    throw err;
  }
}

function streamSink(stream: WriteStream): LineSink {
  return {
    write(chunk) {
      if (stream.write(chunk)) return;
      return new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          stream.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          stream.off('drain', onDrain);
          reject(err);
        };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    },
  };
}

function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed) return resolve();
    stream.once('close', () => resolve());
    stream.destroy();
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
