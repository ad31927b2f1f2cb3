/**
 * The normalised signal: what every event or ticket record becomes after validation.
 * Everything downstream of ingestion (detectors, rules, the journal, the UI) sees only this shape,
 * never the raw file record, so field aliases and file formats stay an Observe concern.
 */

export type SignalKind = 'event' | 'ticket';

/** Where a record came from: enough to open the file at the exact line. */
export interface SourceLocation {
  /** Path as given to the source (relative to the data folder when discovered there). */
  readonly file: string;
  /** 1-based line of the record's first character. */
  readonly line: number;
  /** 1-based column of the record's first character. */
  readonly column: number;
}

export interface SignalRecord {
  readonly kind: SignalKind;
  /** Trimmed record id (`event_id`, `ticket_id` or an alias). */
  readonly id: string;
  /** Trimmed merchant id. */
  readonly merchantId: string;
  /**
   * Canonical lowercase code: for events the error code (`checkout_timeout`, `http_401`, ...),
   * for tickets the issue (`api_200_inconsistent`, ...). Numeric HTTP statuses become `http_<n>`.
   */
  readonly code: string;
  /** Canonical service name for events (`api`, `webhook`, `checkout`, `frontend`, ...); `support` for tickets without one. */
  readonly service: string;
  /** Event time, epoch milliseconds UTC (timestamps without a zone are UTC). */
  readonly timestamp: number;
  /** Number of occurrences this record stands for (`count`/`occurrence_count`), default 1. */
  readonly weight: number;
  readonly severity?: string;
  readonly migrationStage?: string;
  readonly endpoint?: string;
  /** HTTP status when the record carried one (separately from the code). */
  readonly httpStatus?: number;
  /** Ticket text (subject + message/body/description). Untrusted: never rendered as HTML, redacted before any prompt. */
  readonly text?: string;
  readonly location: SourceLocation;
  /** Unknown extra fields, kept verbatim (never used to decide anything). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A record that failed validation: reported precisely, counted, skipped. */
export interface InvalidRecord {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Human sentence, e.g. "`timestamp` is not a date: \"yesterday\"". */
  readonly message: string;
}

/** Signature = what a detector counts: error code × service for events, issue for tickets. */
export function signatureOf(r: Pick<SignalRecord, 'kind' | 'code' | 'service'>): string {
  return r.kind === 'event' ? `${r.code}@${r.service}` : `ticket:${r.code}`;
}
