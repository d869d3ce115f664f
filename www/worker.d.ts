// Types for `tattle/worker` (workerd / Cloudflare Workers and Deno).
import type {
  Breadcrumb, BreadcrumbHint, BrowserOptions, CaptureContext, Context, Event, EventHint, Extras, Integration, Primitive,
  Scope, SeverityLevel, User,
} from './index.js';

export type {
  Breadcrumb, BreadcrumbHint, CaptureContext, Context, Contexts, ErrorEvent, Event, EventHint, Exception, Extras,
  Integration, Mechanism, Primitive, Scope, ScopeContext, SeverityLevel, StackFrame, User,
} from './index.js';

/** What `tracesSampler` is asked about a new transaction (Sentry's SamplingContext). */
export interface SamplingContext {
  /** `GET /path` for a request, `Scheduled Cron …` / `process <queue>` for the other handlers, or startSpan's name. */
  name: string;
  attributes?: { [key: string]: unknown };
  /** The incoming trace's decision (`sentry-trace`'s `-1` / `-0`), when there was one. */
  parentSampled?: boolean;
  parentSampleRate?: number;
  /** The request, for a fetch invocation: url, method and the allowlisted headers. */
  normalizedRequest?: { url?: string; method?: string; headers?: { [key: string]: string } };
  /** The parent's decision when there is one, else `rate`. */
  inheritOrSampleWith(rate: number): number;
}

/**
 * Tracing (off unless `tracesSampleRate` or `tracesSampler` is set: then nothing of it runs and
 * global fetch is left alone) and request-mode release health.
 */
export interface WorkerTracingOptions {
  /** Share of invocations traced (a transaction sent), 0 to 1. Setting it turns tracing on. */
  tracesSampleRate?: number;
  /** Decides per transaction (a rate 0 to 1, or a boolean); wins over tracesSampleRate and over the incoming decision. */
  tracesSampler?: (context: SamplingContext) => number | boolean;
  /** Which subrequests carry `sentry-trace` and `baggage`: strings (found in the URL) and RegExps. Default: every one (as Sentry's server SDKs). */
  tracePropagationTargets?: Array<string | RegExp>;
  /** With tracing on and a release set, per-minute counts of requests exited / errored / crashed are sent; `false` turns that off. */
  autoSessionTracking?: boolean;
}

/** The browser options, minus what only a page has (automatic breadcrumbs, the .wasm URL, the offline store), plus tracing. */
export type WorkerOptions = Omit<BrowserOptions, 'breadcrumbs' | 'wasmUrl' | 'offlineStore' | keyof WorkerTracingOptions> & WorkerTracingOptions;

/** A span's ids (`traceFlags` 1 when sampled). */
export interface SpanContextData { traceId: string; spanId: string; traceFlags: number }
/** Sentry's span status: code 1 ok, 2 error (`message` a Sentry status such as `not_found`). */
export interface SpanStatus { code: 0 | 1 | 2; message?: string }
export type SpanAttributeValue = string | number | boolean | Array<string | number | boolean> | undefined;
/** A span with Sentry's (v8+) Span API. */
export interface Span {
  spanContext(): SpanContextData;
  setAttribute(key: string, value: SpanAttributeValue): this;
  setAttributes(attributes: { [key: string]: SpanAttributeValue }): this;
  setStatus(status: SpanStatus): this;
  updateName(name: string): this;
  /** Ends the span (seconds, milliseconds or a Date; default now). Only the first call counts. */
  end(endTime?: number | Date | [number, number]): void;
  /** True while the span is sampled and not ended. */
  isRecording(): boolean;
}
export interface StartSpanOptions {
  name: string;
  op?: string;
  attributes?: { [key: string]: SpanAttributeValue };
  startTime?: number | Date | [number, number];
  /** The parent (default: the active span, else the invocation's transaction); `null`: a new transaction. */
  parentSpan?: Span | null;
  /** Without a parent, a non-recording span instead of a new transaction. */
  onlyIfParent?: boolean;
}
/** @sentry's name for the options. Of the integrations a worker has Dedupe; others are ignored. */
export type Options = WorkerOptions;

export interface ExecutionContext { waitUntil(promise: Promise<unknown>): void }

/** A module worker's handlers (any subset). */
export interface Handler<Env = unknown> {
  fetch?(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled?(controller: { cron?: string; scheduledTime?: number }, env: Env, ctx: ExecutionContext): void | Promise<void>;
  queue?(batch: { queue?: string; messages: unknown[] }, env: Env, ctx: ExecutionContext): void | Promise<void>;
}

/**
 * Wraps a module worker: throws and rejections are reported and rethrown, each invocation has its
 * own scope, and delivery goes through `ctx.waitUntil`.
 */
export function withTattle<Env, H extends Handler<Env> | WorkerClass>(options: WorkerOptions | ((env: Env) => WorkerOptions), handler: H): H;
export function captureException(exception: unknown, hint?: EventHint | CaptureContext): string;
export function captureMessage(message: string, captureContext?: SeverityLevel | CaptureContext): string;
export function captureEvent(event: Event, hint?: EventHint): string;
/** The scope setters change the invocation's scope inside a handler, the isolate's outside. */
export function setUser(user: User | null): void;
export function setTag(key: string, value: Primitive): void;
export function setTags(tags: { [key: string]: Primitive }): void;
export function setContext(name: string, context: Context | null): void;
export function setExtra(key: string, value: unknown): void;
export function setExtras(extras: Extras): void;
export function addBreadcrumb(breadcrumb: Breadcrumb, hint?: BreadcrumbHint): void;
export function withScope<T>(callback: (scope: Scope) => T): T;
/** withScope's scope inside its callback, else the invocation's (outside one, the isolate's). */
export function getCurrentScope(): Scope;
/** The invocation's scope (outside one, the isolate's). */
export function getIsolationScope(): Scope;
/** The isolate's scope, which every invocation's events carry. */
export function getGlobalScope(): Scope;
export function dedupeIntegration(): Integration;
/**
 * Runs `callback` with a new span active (nested spans and subrequests go under it), ended when the
 * callback returns or its promise settles (status error when it throws or rejects).
 */
export function startSpan<T>(options: StartSpanOptions, callback: (span: Span) => T): T;
/** A new span under the active one, not made active: end() it yourself. */
export function startInactiveSpan(options: StartSpanOptions): Span;
/** The active span: startSpan's inside its callback, else the invocation's transaction; undefined with tracing off or outside one. */
export function getActiveSpan(): Span | undefined;
export function lastEventId(): string | undefined;
/** True once everything this invocation captured was accepted by the server (or dropped by a filter you set). */
export function flush(timeout?: number): Promise<boolean>;
/** flush(), then tattle is off in this isolate (and global fetch the runtime's own again). */
export function close(timeout?: number): Promise<boolean>;

// ---- @sentry/cloudflare's names (switching is an import) ----
/** A class's constructor, as workerd calls it (ctx, env). */
export type WorkerClass<T = object> = new (ctx: any, env: any) => T;
/** The options, or a function of the env giving them (called once per isolate). */
export type OptionsFor<Env> = WorkerOptions | ((env: Env) => WorkerOptions);

/**
 * @sentry/cloudflare's withSentry: a handler object's fetch / scheduled / queue wrapped in place
 * (mechanism `auto.http.cloudflare`, `auto.faas.cloudflare.scheduled` / `.queue`, handled false) and
 * returned; a Hono app's errors reported (`auto.faas.hono.error_handler`). Or a `WorkerEntrypoint`
 * class: its fetch, scheduled, queue and RPC methods (`auto.faas.cloudflare.worker_entrypoint`).
 */
export function withSentry<Env, H extends Handler<Env> | WorkerClass>(options: OptionsFor<Env>, handler: H): H;
/**
 * A Durable Object class whose fetch, alarm, webSocketMessage / webSocketClose / webSocketError
 * and RPC methods report what they throw (`auto.faas.cloudflare.durable_object`, handled false;
 * the error webSocketError is given: `auto.faas.cloudflare.durable_object_websocket`), each call
 * with its own scope; tattle starts in the object's isolate from `options(env)`.
 */
export function instrumentDurableObjectWithSentry<Env, C extends WorkerClass>(options: OptionsFor<Env>, DurableObjectClass: C): C;
/**
 * A Workflow class: a step that fails on its final attempt is reported once (not once per retry),
 * `auto.faas.cloudflare.workflow`, handled true, with tags `workflow`, `workflow.step` and the
 * `cloudflare_workflow` context (instance id, step, attempt).
 */
export function instrumentWorkflowWithSentry<Env, C extends WorkerClass>(options: OptionsFor<Env>, WorkflowClass: C): C;

/** What @sentry/hono's middleware takes beyond the options. */
export interface HonoOptions extends WorkerOptions {
  /** Whether an error Hono caught is reported; default: all but those with a 3xx / 4xx `status`. */
  shouldHandleError?: (error: unknown) => boolean;
}
/** A Hono app, as far as tattle needs it. */
export interface HonoApp { fetch: (...args: any[]) => any; onError: (...args: any[]) => any; errorHandler: (...args: any[]) => any }
/**
 * @sentry/hono's middleware: `app.use(sentry(app, options))`. Wraps `app.fetch` as withSentry does
 * and reports the error Hono caught (`auto.http.hono.context_error`), the event named by the route
 * pattern (`GET /users/:id`). Hono's response is unchanged.
 */
export function sentry<Env = any>(app: HonoApp, options: HonoOptions | ((env: Env) => HonoOptions)): (c: any, next: () => Promise<void>) => Promise<void>;
