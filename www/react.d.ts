// Types of tattle/react: the browser API (tattle's) plus @sentry/react's.
import type * as React from 'react';
import type { EventHint, Integration, Scope } from './index.js';

export * from './index.js';

/** What React hands an error handler or componentDidCatch. */
export interface ErrorInfo {
  componentStack?: string | null;
  digest?: string | null;
}

export type FallbackRender = (errorData: {
  error: unknown;
  componentStack: string;
  eventId: string;
  resetError(): void;
}) => React.ReactElement;

export type ErrorBoundaryProps = {
  children?: React.ReactNode | (() => React.ReactNode);
  /** Rendered once an error was caught: an element, or a function of the error. */
  fallback?: React.ReactElement | FallbackRender | undefined;
  /** Overrides `handled` (default: whether a fallback is given). */
  handled?: boolean | undefined;
  onError?: ((error: unknown, componentStack: string, eventId: string) => void) | undefined;
  onMount?: (() => void) | undefined;
  onReset?: ((error: unknown, componentStack: string, eventId: string) => void) | undefined;
  onUnmount?: ((error: unknown, componentStack: string | null, eventId: string | null) => void) | undefined;
  beforeCapture?: ((scope: Scope, error: unknown, componentStack: string) => void) | undefined;
  /** Accepted for @sentry/react compatibility; tattle has no report dialog. */
  showDialog?: boolean | undefined;
  dialogOptions?: Record<string, unknown> | undefined;
};

type ErrorBoundaryState = { componentStack: string | null; error: unknown; eventId: string | null };

export class ErrorBoundary extends React.Component<ErrorBoundaryProps, ErrorBoundaryState> {
  resetErrorBoundary(): void;
  render(): React.ReactNode;
}

export function withErrorBoundary<P extends Record<string, any>>(
  WrappedComponent: React.ComponentType<P>,
  errorBoundaryOptions: ErrorBoundaryProps,
): React.FC<P>;

/** Captures an error React handed over, with its component stack. Returns the event id. */
export function captureReactException(error: any, errorInfo: ErrorInfo, hint?: EventHint): string;

/** For createRoot's `onUncaughtError`, `onCaughtError` and `onRecoverableError`. */
export function reactErrorHandler(
  callback?: (error: any, errorInfo: ErrorInfo, eventId: string) => void,
): (error: any, errorInfo: ErrorInfo) => void;

/** React Router 7's functions, as @sentry/react's integration takes them. */
export interface ReactRouterOptions {
  useEffect: (cb: () => void, deps: unknown[]) => void;
  useLocation: () => any;
  useNavigationType: () => any;
  createRoutesFromChildren: (children: any) => any[];
  matchRoutes: (routes: any[], location: any, basename?: string) => any[] | null;
  stripBasename?: boolean;
  instrumentPageLoad?: boolean;
  instrumentNavigation?: boolean;
  [key: string]: unknown;
}

export function reactRouterV7BrowserTracingIntegration(options: ReactRouterOptions): Integration;
export const reactRouterBrowserTracingIntegration: typeof reactRouterV7BrowserTracingIntegration;
export function withSentryReactRouterV7Routing<P extends Record<string, any>, R extends React.FC<P>>(routes: R): R;
export const wrapReactRouterRouting: typeof withSentryReactRouterV7Routing;
export function wrapCreateBrowserRouterV7<F extends (...args: any[]) => any>(createRouterFunction: F): F;
export const wrapCreateBrowserRouter: typeof wrapCreateBrowserRouterV7;
