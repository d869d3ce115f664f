// A React app written as Sentry's React guide shows (the test swaps only the import for
// tattle/react). Each button is one kind of error; window.appLog is what the app's own handlers saw.
import * as Sentry from '@sentry/react';
import React, { Component, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  BrowserRouter, Link, Route, Routes, createRoutesFromChildren, matchRoutes, useLocation, useNavigationType, useParams,
} from 'react-router';

window.appLog = [];
const log = (line) => window.appLog.push(line);

Sentry.init({
  dsn: __DSN__,
  release: 'react-app@1.0.0',
  tracesSampleRate: 1,
  integrations: [
    Sentry.reactRouterV7BrowserTracingIntegration({ useEffect, useLocation, useNavigationType, createRoutesFromChildren, matchRoutes }),
  ],
});
window.Sentry = Sentry;
const SentryRoutes = Sentry.withSentryReactRouterV7Routing(Routes);

function Thrower({ what }) {
  throw new Error(`render error: ${what}`);
}

function EffectThrower() {
  useEffect(() => {
    throw new Error('useEffect error');
  }, []);
  return <p>effect ran</p>;
}

// The app's own boundary: React's default onCaughtError only logs what it catches.
class OwnBoundary extends Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }
  static getDerivedStateFromError(error) {
    return { error };
  }
  componentDidCatch(error) {
    log(`own boundary: ${error.message}`);
  }
  render() {
    return this.state.error ? <p id="own-fallback">own boundary caught it</p> : this.props.children;
  }
}

function Scenarios() {
  const [shown, setShown] = useState({});
  const [count, setCount] = useState(0);
  const show = (k) => setShown((s) => ({ ...s, [k]: true }));
  return (
    <div>
      <button id="boundary" onClick={() => show('boundary')}>boundary</button>
      <button id="own" onClick={() => show('own')}>own</button>
      <button id="effect" onClick={() => show('effect')}>effect</button>
      <button id="count" onClick={() => setCount((c) => c + 1)}>count</button>
      <p id="counter">{count}</p>
      {shown.boundary && (
        <Sentry.ErrorBoundary
          fallback={<p id="fallback">fallback shown</p>}
          onError={(error, componentStack, eventId) => log(`onError: ${error.message} ${eventId}`)}
        >
          <Thrower what="boundary" />
        </Sentry.ErrorBoundary>
      )}
      {shown.own && (
        <OwnBoundary>
          <Thrower what="own boundary" />
        </OwnBoundary>
      )}
      {shown.effect && (
        <Sentry.ErrorBoundary
          beforeCapture={(scope) => scope.setTag('scenario', 'effect')}
          fallback={({ error, resetError, eventId }) => (
            <button id="reset" data-event={eventId} onClick={() => { log(`reset after ${error.message}`); resetError(); setShown((s) => ({ ...s, effect: false })); }}>reset</button>
          )}
        >
          <EffectThrower />
        </Sentry.ErrorBoundary>
      )}
    </div>
  );
}

function User() {
  const { id } = useParams();
  return <p id="user">user {id}</p>;
}

function App() {
  return (
    <BrowserRouter>
      <nav>
        <Link id="to-user-1" to="/users/1">user 1</Link>
        <Link id="to-user-2" to="/users/2">user 2</Link>
        <Link id="to-home" to="/">home</Link>
      </nav>
      <SentryRoutes>
        <Route path="/" element={<Scenarios />} />
        <Route path="/users/:id" element={<User />} />
      </SentryRoutes>
    </BrowserRouter>
  );
}

// The error hooks, as Sentry's guide for React 19 sets them (React 18 has only onRecoverableError).
const rootOptions = {
  onUncaughtError: Sentry.reactErrorHandler((error) => log(`uncaught: ${error.message}`)),
  onCaughtError: Sentry.reactErrorHandler(),
  onRecoverableError: Sentry.reactErrorHandler(),
};
createRoot(document.getElementById('root'), rootOptions).render(<App />);

// An island of its own root: an error with no boundary at all unmounts only this root.
function Island() {
  const [boom, setBoom] = useState(false);
  return (
    <div>
      <button id="uncaught" onClick={() => setBoom(true)}>uncaught</button>
      {boom && <Thrower what="uncaught" />}
    </div>
  );
}
createRoot(document.getElementById('island'), rootOptions).render(<Island />);
