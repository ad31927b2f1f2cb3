import { createHash } from 'node:crypto';

/**
 * Results by sha256 of model + redacted prompt, least recently used evicted first. A recurring identical
 * ambiguous incident builds the identical prompt, so it costs no new model call.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity = 500) {}

  static key(model: string, prompt: string): string {
    return createHash('sha256').update(model).update('\u0000').update(prompt).digest('hex');
  }

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
