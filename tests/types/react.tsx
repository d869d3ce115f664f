// Typical @sentry/react app code, with only the import swapped to tattle/react (run.mjs also compiles
// it with the import swapped back, against @sentry/react).
import * as Sentry from 'tattle/react';
import { ErrorBoundary, withErrorBoundary } from 'tattle/react';
import { Component, useEffect, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { createRoutesFromChildren, matchRoutes, Routes, Route, useLocation, useNavigationType, createBrowserRouter } from 'react-router';

Sentry.init({
  dsn: 'https://key@o0.ingest.example.com/1',
  release: 'shop@1.4.2',
  tracesSampleRate: 0.2,
  integrations: [
    Sentry.reactRouterV7BrowserTracingIntegration({ useEffect, useLocation, useNavigationType, createRoutesFromChildren, matchRoutes }),
  ],
});

const SentryRoutes = Sentry.withSentryReactRouterV7Routing(Routes);
const sentryCreateBrowserRouter = Sentry.wrapCreateBrowserRouterV7(createBrowserRouter);
const router = sentryCreateBrowserRouter([{ path: '/users/:id', element: <p>user</p> }]);
void router;

function Checkout(props: { items: number }) {
  if (props.items < 0) throw new Error('negative');
  return <p>{props.items}</p>;
}
const SafeCheckout = withErrorBoundary(Checkout, { fallback: <p>Something went wrong</p> });

class OwnBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  componentDidCatch(error: Error, info: { componentStack?: string | null }) {
    Sentry.captureReactException(error, info);
  }
  render() {
    return this.state.failed ? null : this.props.children;
  }
}

function App() {
  return (
    <>
      <ErrorBoundary
        fallback={({ error, componentStack, resetError, eventId }) => (
          <button onClick={resetError} title={`${eventId} ${componentStack}`}>{String(error)}</button>
        )}
        beforeCapture={(scope, error, componentStack) => {
          scope.setTag('section', 'cart');
          scope.setExtra('componentStack', componentStack);
          void error;
        }}
        onError={(error, componentStack, eventId) => console.log(error, componentStack, eventId)}
        onReset={() => {}}
        onMount={() => {}}
        onUnmount={(error, componentStack, eventId) => console.log(error, componentStack, eventId)}
        showDialog={false}
      >
        <Checkout items={3} />
      </ErrorBoundary>
      <Sentry.ErrorBoundary fallback={<p>oops</p>} handled={false}>
        <SafeCheckout items={1} />
      </Sentry.ErrorBoundary>
      <OwnBoundary>
        <SentryRoutes>
          <Route path="/" element={<p>home</p>} />
        </SentryRoutes>
      </OwnBoundary>
    </>
  );
}

const root = createRoot(document.getElementById('root')!, {
  onUncaughtError: Sentry.reactErrorHandler((error, errorInfo) => {
    console.warn('Uncaught error', error, errorInfo.componentStack);
  }),
  onCaughtError: Sentry.reactErrorHandler(),
  onRecoverableError: Sentry.reactErrorHandler(),
});
root.render(<App />);
const id: string = Sentry.captureException(new Error('still the browser API'));
void id;
