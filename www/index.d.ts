// Types of tattle's browser entry. Names and shapes follow @sentry/browser, so switching is
// changing an import.

export type SeverityLevel = 'fatal' | 'error' | 'warning' | 'log' | 'info' | 'debug';

/** What a tag value may be: sent as text; `undefined` or `null` removes the tag. */
export type Primitive = number | string | boolean | bigint | symbol | null | undefined;
export type Extras = Record<string, unknown>;
export type Context = Record<string, unknown>;
export type Contexts = Record<string, Context | undefined>;

/** How an exception was caught. */
export interface Mechanism {
  type: string;
  handled?: boolean;
  synthetic?: boolean;
  source?: string;
  exception_id?: number;
  parent_id?: number;
  is_exception_group?: boolean;
}

/**
 * Besides the event: what beforeSend gets (`event_id`, `originalException`, `syntheticException`,
 * `mechanism`), and what a capture takes (`event_id`, `mechanism`, `captureContext`, and for
 * captureEvent `originalException`), as in @sentry/browser.
 */
export interface EventHint {
  event_id?: string;
  /** The value passed to captureException (or thrown), or captureMessage's message. */
  originalException?: unknown;
  /** An Error created where the capture was made (its stack is the call site). */
  syntheticException?: Error | null;
  mechanism?: Partial<Mechanism>;
  /** Scope data for this one capture. */
  captureContext?: CaptureContext;
  /** Accepted and ignored. */
  data?: any;
}

export interface User {
  [key: string]: any;
  id?: string | number;
  email?: string;
  username?: string;
  ip_address?: string | null;
}

export interface Breadcrumb {
  type?: string;
  category?: string;
  message?: string;
  level?: SeverityLevel;
  data?: { [key: string]: any };
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
}

/** What came with an automatic breadcrumb (see the README's breadcrumbs). */
export interface BreadcrumbHint {
  [key: string]: any;
}

export interface StackFrame {
  filename?: string;
  function?: string;
  abs_path?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
  instruction_addr?: string;
}

export interface Exception {
  type?: string;
  value?: string;
  mechanism?: Mechanism;
  stacktrace?: { frames?: StackFrame[] };
}

/**
 * An event as beforeSend sees it (and captureEvent takes it). captureEvent reads `message` (or
 * `logentry`), the type, value and mechanism of `exception.values` (not their frames), `level`,
 * `tags`, `extra`, `contexts`, `user`, `fingerprint`, `transaction`, `release`, `environment`
 * and `dist`; the rest comes from tattle.
 */
export interface Event {
  event_id?: string;
  message?: string;
  logentry?: { message?: string; formatted?: string };
  /** Seconds since the epoch. */
  timestamp?: number;
  level?: SeverityLevel;
  platform?: string;
  release?: string;
  dist?: string;
  environment?: string;
  transaction?: string;
  user?: User;
  tags?: { [key: string]: Primitive };
  extra?: Extras;
  contexts?: Contexts;
  fingerprint?: string[];
  exception?: { values?: Exception[] };
  breadcrumbs?: Breadcrumb[];
  request?: { url?: string; method?: string; headers?: { [key: string]: string } };
  sdk?: { name?: string; version?: string };
  type?: undefined;
}

/** An error event (not a transaction): what beforeSend gets. */
export interface ErrorEvent extends Event {
  type: undefined;
}

/** Scope data for one capture, as @sentry/browser's captureContext. */
export interface ScopeContext {
  user: User;
  level: SeverityLevel;
  extra: Extras;
  contexts: Contexts;
  tags: { [key: string]: Primitive };
  fingerprint: string[];
}

/**
 * Scope data (tags, extra and contexts merged into the current scope's; user, level and
 * fingerprint replaced), one of tattle's scopes (already on every capture), or a function that
 * gets the capture's own scope and may change it or return scope data.
 */
export type CaptureContext = Scope | Partial<ScopeContext> | ((scope: Scope) => Scope | Partial<ScopeContext>);

/**
 * An integration, by Sentry's name. tattle has `GlobalHandlers`, `Breadcrumbs`, `Console`,
 * `Dedupe`, `BrowserSession` (the defaults) and `BrowserTracing` (and their factories below);
 * another is ignored (with `debug`, logged).
 */
export interface Integration {
  name: string;
  [key: string]: unknown;
}

/**
 * Scope data that events captured while it applies carry. Setters return the scope, for
 * chaining; none throws.
 */
export interface Scope {
  setUser(user: User | null): this;
  /** The user set on this scope (undefined when none). */
  getUser(): User | undefined;
  setTag(key: string, value: Primitive): this;
  setTags(tags: { [key: string]: Primitive }): this;
  setContext(name: string, context: Context | null): this;
  setExtra(key: string, extra: unknown): this;
  setExtras(extras: Extras): this;
  setLevel(level: SeverityLevel): this;
  setFingerprint(fingerprint: string[]): this;
  /** The events' `transaction` (a route or view name); none or empty removes it. */
  setTransactionName(name?: string): this;
  /** Adds a breadcrumb (after beforeBreadcrumb); `maxBreadcrumbs` is ignored (the option of that name applies). */
  addBreadcrumb(breadcrumb: Breadcrumb, maxBreadcrumbs?: number): this;
  /** Forgets user, tags, contexts, extra, breadcrumbs, level, fingerprint and transaction name. */
  clear(): this;
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
  beforeSend?: (event: ErrorEvent, hint: EventHint) => ErrorEvent | null | PromiseLike<ErrorEvent | null>;
  /** Drop errors whose message (or `Type: message`) contains one of these strings or matches one of these RegExps. */
  ignoreErrors?: Array<string | RegExp>;
  /** Drop errors thrown from files whose URL matches. */
  denyUrls?: Array<string | RegExp>;
  /** Only report errors thrown from files whose URL matches (when not empty). */
  allowUrls?: Array<string | RegExp>;
  /** Look at (change, or drop with `null`) every breadcrumb before it is kept. */
  beforeBreadcrumb?: (breadcrumb: Breadcrumb, hint?: BreadcrumbHint) => Breadcrumb | null;
  /**
   * Sentry's integrations option: an array adds to (by name, replaces) the defaults
   * (GlobalHandlers, Breadcrumbs, Console, Dedupe); a function gets the defaults and returns the
   * list. Integrations tattle does not have are ignored (logged with `debug`).
   */
  integrations?: Integration[] | ((integrations: Integration[]) => Integration[]);
  /** `false`: start from no integrations (no global handlers, no automatic breadcrumbs, no dedupe). */
  defaultIntegrations?: false;
  /** Scope data set at init. */
  initialScope?: { user?: User; tags?: { [key: string]: Primitive }; extra?: Extras; contexts?: Record<string, Context> };
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
  /**
   * Share of traces whose transactions are sent, 0 to 1. Setting it (or `tracesSampler`, or
   * adding `browserTracingIntegration()`) turns tracing on; unset, no tracing code is loaded.
   */
  tracesSampleRate?: number;
  /** Decides per root span (pageload, navigation, a startSpan without parent): a rate or a boolean; wins over `tracesSampleRate`. */
  tracesSampler?: (samplingContext: SamplingContext) => number | boolean;
  /**
   * Requests whose URL contains one of these strings or matches one of these RegExps get the
   * `sentry-trace` and `baggage` headers (with browserTracingIntegration). Default: the page's origin.
   */
  tracePropagationTargets?: Array<string | RegExp>;
  /** `false`: no session (release health); sessions are on by default when `release` is set. */
  autoSessionTracking?: boolean;
}

/** What `tracesSampler` gets. */
export interface SamplingContext {
  name: string;
  attributes?: SpanAttributes;
  parentSampled?: boolean;
  /** The parent's decision when there is one, else `rate`. */
  inheritOrSampleWith: (rate: number) => number;
  [key: string]: unknown;
}

export type SpanAttributeValue = string | number | boolean | Array<string> | Array<number> | Array<boolean>;
export type SpanAttributes = Partial<Record<string, SpanAttributeValue | undefined>>;
/** A span's time: seconds or milliseconds since the epoch, a Date, or [seconds, nanoseconds]. */
export type SpanTimeInput = number | Date | [number, number];

/** `code` 0 unset, 1 ok, 2 error (`message`: Sentry's status, e.g. `not_found`, `internal_error`). */
export interface SpanStatus {
  code: 0 | 1 | 2;
  message?: string;
}

export interface SpanContextData {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** A span, with @sentry/browser's (v8+) Span API. One that is not recording has ids and ignores the rest. */
export interface Span {
  spanContext(): SpanContextData;
  setAttribute(key: string, value: SpanAttributeValue | undefined): this;
  setAttributes(attributes: SpanAttributes): this;
  setStatus(status: SpanStatus): this;
  updateName(name: string): this;
  /** Ends it (now, or at `endTime`); a second end does nothing. */
  end(endTime?: SpanTimeInput): void;
  isRecording(): boolean;
}

/** What startSpan & co. take. */
export interface StartSpanOptions {
  name: string;
  op?: string;
  attributes?: SpanAttributes;
  startTime?: SpanTimeInput;
  /** The parent (default: the active span); `null` makes a root span (its own transaction). */
  parentSpan?: Span | null;
  /** Only a child: without a parent, the span records nothing. */
  onlyIfParent?: boolean;
  /** A root span (its own transaction) even inside another one. */
  forceTransaction?: boolean;
}

/** @sentry/browser's name for the options. */
export type Options = BrowserOptions;

export function init(options: BrowserOptions): void;
/** Captures an exception (any thrown value) with an EventHint or a captureContext. Returns the event id (32 hex digits). */
export function captureException(exception: unknown, hint?: EventHint | CaptureContext): string;
/** Captures a message at a level (default `info`) or with a captureContext. Returns the event id. */
export function captureMessage(message: string, captureContext?: SeverityLevel | CaptureContext): string;
/** Captures an event the app made itself (see `Event` for what is read of it). Returns the event id. */
export function captureEvent(event: Event, hint?: EventHint): string;
export function setUser(user: User | null): void;
export function setTag(key: string, value: Primitive): void;
export function setTags(tags: { [key: string]: Primitive }): void;
export function setContext(name: string, context: Context | null): void;
export function setExtra(key: string, extra: unknown): void;
export function setExtras(extras: Extras): void;
export function addBreadcrumb(breadcrumb: Breadcrumb, hint?: BreadcrumbHint): void;
/** Runs `callback(scope)` with a child of the current scope; what it returns comes back. */
export function withScope<T>(callback: (scope: Scope) => T): T;
/** The scope of what runs now: withScope's inside its callback, else the page's. */
export function getCurrentScope(): Scope;
/** The page's scope, which setTag & co. set and every capture carries. */
export function getIsolationScope(): Scope;
/** The page's scope too: a page has one scope all its events carry. */
export function getGlobalScope(): Scope;
export function globalHandlersIntegration(options?: { onerror?: boolean; onunhandledrejection?: boolean }): Integration;
/** Automatic breadcrumbs other than the console's; each `false` turns one off. */
export function breadcrumbsIntegration(options?: { dom?: boolean | object; fetch?: boolean; history?: boolean; xhr?: boolean }): Integration;
/** Console breadcrumbs, for the `levels` given (all by default). */
export function consoleIntegration(options?: { levels?: Array<'debug' | 'info' | 'warn' | 'error' | 'log'> }): Integration;
/** Identical errors within 10 s are sent once (the storm guard's window); without it, none is dropped as a duplicate. */
export function dedupeIntegration(): Integration;
export function lastEventId(): string | undefined;
/**
 * Turns tracing on: a `pageload` transaction and `navigation` ones on history changes, with
 * Navigation/Resource Timing, fetch/XHR and web vitals; `sentry-trace`/`baggage` on requests to
 * `tracePropagationTargets`. Ends them about 1 s after their last activity (at most 30 s).
 */
export function browserTracingIntegration(options?: {
  instrumentPageLoad?: boolean;
  instrumentNavigation?: boolean;
  [key: string]: unknown;
}): Integration;
/** Release health: one session per page load (on by default with a `release`); filter it out of `integrations` to turn it off. */
export function browserSessionIntegration(): Integration;
/**
 * Runs `callback(span)` with `span` active; it ends when the callback returns or its promise
 * settles. What the callback returns (or throws) comes back unchanged. Before tracing's code has
 * loaded (just after init) and without tracing, the span records nothing.
 */
export function startSpan<T>(options: StartSpanOptions, callback: (span: Span) => T): T;
/** As startSpan, but the span ends when you call `span.end()` or `finish()`. */
export function startSpanManual<T>(options: StartSpanOptions, callback: (span: Span, finish: () => void) => T): T;
/** A span that is not made active; end it yourself. */
export function startInactiveSpan(options: StartSpanOptions): Span;
/** The span new spans and requests are children of now: startSpan's inside its callback, else the pageload or navigation, if any. */
export function getActiveSpan(): Span | undefined;
/** True when every event captured since the last flush was accepted by the server (or dropped by a filter you set); false when one was lost, waits in the offline store, the .wasm never loaded, or `timeout` ms passed first. */
export function flush(timeout?: number): Promise<boolean>;
/** Flushes, then turns tattle off. */
export function close(timeout?: number): Promise<boolean>;
