// Types of tattle's browser entry. Names and shapes follow @sentry/browser, so switching is
// changing an import.

export type SeverityLevel = 'fatal' | 'error' | 'warning' | 'log' | 'info' | 'debug';

/** What beforeSend gets besides the event, as @sentry/browser gives it. */
export interface EventHint {
  event_id: string;
  /** The value passed to captureException (or thrown), or captureMessage's message. */
  originalException?: unknown;
  /** An Error created where the capture was made (its stack is the call site). */
  syntheticException?: Error;
  mechanism?: { type: string; handled: boolean };
}

export interface User {
  id?: string | number;
  email?: string;
  username?: string;
  ip_address?: string;
  [key: string]: unknown;
}

export interface Breadcrumb {
  type?: string;
  category?: string;
  message?: string;
  level?: SeverityLevel;
  data?: Record<string, unknown>;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
}

export interface BrowserOptions {
  /** The project's DSN. Empty or missing: tattle stays quiet. Invalid: one console error, tattle off. */
  dsn?: string;
  release?: string;
  /** Defaults to `production`. */
  environment?: string;
  dist?: string;
  /** Log tattle's own problems to the console. */
  debug?: boolean;
  /** `false` turns tattle off. */
  enabled?: boolean;
  /** Breadcrumbs kept per event (default and maximum 100). */
  maxBreadcrumbs?: number;
  /** A same-origin URL that forwards envelopes to the DSN. */
  tunnel?: string;
  /** Send personal data: with `false` (the default) IP addresses and e-mail addresses in free
   * text are scrubbed on the device and `user.ip_address` is dropped. */
  sendDefaultPii?: boolean;
  /** tattle's on-device scrubbing (on by default): more sensitive key fragments, patterns to
   * turn off (`creditCard`, `iban`, `ssn`, `jwt`, `bearer`, `urlUserinfo`, `pemKey`,
   * `homePath`, `ip`, `email`), your own `patterns` (RegExps, replaced by `[Filtered]` before
   * beforeSend runs), or `enabled: false` to turn it off. */
  scrubbing?: { enabled?: boolean; keys?: string[]; disable?: string[]; patterns?: RegExp[] };
  /** Share of error events sent, 0 to 1 (default 1). */
  sampleRate?: number;
  /** Last look at an event (a plain object) before it is sent: return it (changed or not), or
   * `null` to drop it. If it throws, the event is sent unmodified and the error is logged. */
  beforeSend?: (event: Record<string, any>, hint: EventHint) => Record<string, any> | null | PromiseLike<Record<string, any> | null>;
  /** Drop errors whose message (or `Type: message`) contains one of these strings or matches one of these RegExps. */
  ignoreErrors?: Array<string | RegExp>;
  /** Drop errors thrown from files whose URL matches. */
  denyUrls?: Array<string | RegExp>;
  /** Only report errors thrown from files whose URL matches (when not empty). */
  allowUrls?: Array<string | RegExp>;
  /** Look at (change, or drop with `null`) every breadcrumb before it is kept. */
  beforeBreadcrumb?: (breadcrumb: Breadcrumb, hint?: unknown) => Breadcrumb | null;
  /** Scope data set at init. */
  initialScope?: { user?: User; tags?: Record<string, string | number | boolean>; extra?: Record<string, unknown>; contexts?: Record<string, Record<string, unknown>> };
  /** Automatic breadcrumbs, all on by default. */
  breadcrumbs?: { console?: boolean; fetch?: boolean; xhr?: boolean; history?: boolean; dom?: boolean };
  /** Where to load tattle's .wasm from, if not beside this module (`tattle/inline` has it inside and ignores this). */
  wasmUrl?: string | URL;
  /** Delivery tuning (times in ms, sizes in bytes); see the README's "Delivery". */
  transportOptions?: {
    /** Requests at once (8), per page or per worker invocation. */
    maxInFlight?: number;
    /** Bodies waiting for a slot in memory (1 MB); beyond, they wait in the offline store. */
    maxBacklogBytes?: number;
    retryBase?: number; maxRetryDelay?: number; reportDelay?: number;
    /** How long one request may take (none in a page; a worker's requests end within its budget). */
    timeout?: number;
    /** A worker invocation's time for its sends and their retries (27,000; 60,000 without a ctx). */
    budget?: number;
    /** Gzip bodies of at least `compressMin` bytes (16 KiB); off by default. */
    compress?: boolean; compressMin?: number;
  };
  /** Drops identical errors within `dedupeWindowMs` (10 s) and, in a browser, caps events at `maxPerMinute` (100; in a worker 0, no cap); `false` turns it off. */
  stormGuard?: false | { maxPerMinute?: number; dedupeWindowMs?: number };
  /** Events that could not be sent wait in IndexedDB (at most `maxEvents`, 1,000); `false`: memory only. */
  offlineStore?: false | { maxEvents?: number };
}

export interface Scope {
  setUser(user: User | null): void;
  setTag(key: string, value: string | number | boolean | undefined): void;
  setTags(tags: Record<string, string | number | boolean>): void;
  setContext(name: string, context: Record<string, unknown> | null): void;
  setExtra(key: string, extra: unknown): void;
  setExtras(extras: Record<string, unknown>): void;
  setLevel(level: SeverityLevel): void;
  setFingerprint(fingerprint: string[]): void;
  addBreadcrumb(breadcrumb: Breadcrumb): void;
}

export function init(options: BrowserOptions): void;
/** Returns the event id (32 hex digits). */
export function captureException(exception: unknown, hint?: { event_id?: string }): string;
/** Returns the event id (32 hex digits). */
export function captureMessage(message: string, level?: SeverityLevel): string;
export function setUser(user: User | null): void;
export function setTag(key: string, value: string | number | boolean | undefined): void;
export function setTags(tags: Record<string, string | number | boolean>): void;
export function setContext(name: string, context: Record<string, unknown> | null): void;
export function setExtra(key: string, extra: unknown): void;
export function setExtras(extras: Record<string, unknown>): void;
export function addBreadcrumb(breadcrumb: Breadcrumb, hint?: unknown): void;
export function withScope<T>(callback: (scope: Scope) => T): T;
export function lastEventId(): string | undefined;
/** True when every event captured since the last flush was accepted by the server (or dropped by a filter you set); false when one was lost, waits in the offline store, the .wasm never loaded, or `timeout` ms passed first. */
export function flush(timeout?: number): Promise<boolean>;
/** Flushes, then turns tattle off. */
export function close(timeout?: number): Promise<boolean>;
