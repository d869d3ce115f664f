// Types of tattle/vue: the browser API (tattle's) plus @sentry/vue's.
import type { BrowserOptions, Integration } from './index.js';

export * from './index.js';

/** A Vue 3 app (createApp's result), as far as tattle uses it. */
export interface Vue {
  config: { errorHandler?: any; warnHandler?: any; [key: string]: any };
  [key: string]: any;
}

export interface VueOptions {
  /** The app(s) whose errors are captured (createApp's result). */
  app?: Vue | Vue[];
  /** tattle's other name for several apps. */
  apps?: Vue[];
  /** false: no `propsData` in contexts.vue. Default true. */
  attachProps?: boolean;
  /** false: no error handler (you capture yourself). Default true. */
  attachErrorHandler?: boolean;
  /** true: also log `[Vue warn]: Error in <hook>` with the component trace. Default false. */
  logErrors?: boolean;
  /** Accepted for @sentry/vue compatibility (component tracking is not in tattle). */
  tracingOptions?: Record<string, unknown>;
}

export type Options = BrowserOptions & VueOptions;

export function init(options?: Partial<Options>): void;
export function vueIntegration(options?: Partial<VueOptions>): Integration;
export function attachErrorHandler(app: Vue, options?: Partial<VueOptions>): void;

/** A Vue Router 4 router, as far as tattle uses it. */
export interface VueRouter {
  onError: (handler: (error: any) => void) => any;
  afterEach: (guard: (to: any, from: any, failure?: any) => any) => any;
  [key: string]: any;
}

export function browserTracingIntegration(options?: {
  router?: VueRouter;
  routeLabel?: 'name' | 'path';
  instrumentPageLoad?: boolean;
  instrumentNavigation?: boolean;
  [key: string]: unknown;
}): Integration;
