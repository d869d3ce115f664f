// Types for `tattle/worker` (workerd / Cloudflare Workers and Deno).
import type { Breadcrumb, BrowserOptions, Scope, SeverityLevel, User } from './index.js';

/** The browser options, minus what only a page has (automatic breadcrumbs, the .wasm URL, the offline store). */
export type WorkerOptions = Omit<BrowserOptions, 'breadcrumbs' | 'wasmUrl' | 'offlineStore'>;

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
export function captureException(exception: unknown, hint?: { event_id?: string }): string;
export function captureMessage(message: string, level?: SeverityLevel): string;
export function setUser(user: User | null): void;
export function setTag(key: string, value: string | number | boolean): void;
export function setTags(tags: Record<string, string | number | boolean>): void;
export function setContext(name: string, context: Record<string, unknown> | null): void;
export function setExtra(key: string, value: unknown): void;
export function setExtras(extras: Record<string, unknown>): void;
export function addBreadcrumb(breadcrumb: Breadcrumb): void;
export function withScope<T>(callback: (scope: Scope) => T): T;
export function lastEventId(): string | undefined;
/** True once everything this invocation captured was accepted by the server (or dropped by a filter you set). */
export function flush(timeout?: number): Promise<boolean>;
