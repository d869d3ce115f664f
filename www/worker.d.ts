// Types for `tattle/worker` (workerd / Cloudflare Workers and Deno).
import type {
  Breadcrumb, BreadcrumbHint, BrowserOptions, CaptureContext, Context, Event, EventHint, Extras, Integration, Primitive,
  Scope, SeverityLevel, User,
} from './index.js';

export type {
  Breadcrumb, BreadcrumbHint, CaptureContext, Context, Contexts, ErrorEvent, Event, EventHint, Exception, Extras,
  Integration, Mechanism, Primitive, Scope, ScopeContext, SeverityLevel, StackFrame, User,
} from './index.js';

/** The browser options, minus what only a page has (automatic breadcrumbs, the .wasm URL, the offline store). */
export type WorkerOptions = Omit<BrowserOptions, 'breadcrumbs' | 'wasmUrl' | 'offlineStore'>;
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
export function withTattle<Env, H extends Handler<Env>>(options: WorkerOptions | ((env: Env) => WorkerOptions), handler: H): H;
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
export function lastEventId(): string | undefined;
/** True once everything this invocation captured was accepted by the server (or dropped by a filter you set). */
export function flush(timeout?: number): Promise<boolean>;
