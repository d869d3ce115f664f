// A React Router 7 data router, as Sentry's React Router guide wraps createBrowserRouter (the test
// swaps only the import for tattle/react).
import * as Sentry from '@sentry/react';
import React, { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import {
  Link, Outlet, RouterProvider, createBrowserRouter, createRoutesFromChildren, matchRoutes, useLocation, useNavigationType, useParams,
} from 'react-router';

Sentry.init({
  dsn: __DSN__,
  release: 'react-data-app@1.0.0',
  tracesSampleRate: 1,
  integrations: [
    Sentry.reactRouterV7BrowserTracingIntegration({ useEffect, useLocation, useNavigationType, createRoutesFromChildren, matchRoutes }),
  ],
});
window.Sentry = Sentry;
const sentryCreateBrowserRouter = Sentry.wrapCreateBrowserRouterV7(createBrowserRouter);

function Layout() {
  return (
    <div>
      <nav>
        <Link id="to-user-1" to="/users/1">user 1</Link>
        <Link id="to-user-2" to="/users/2">user 2</Link>
        <Link id="to-home" to="/">home</Link>
      </nav>
      <Outlet />
    </div>
  );
}
function User() {
  const { id } = useParams();
  return <p id="user">user {id}</p>;
}
const router = sentryCreateBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <p id="home">home</p> },
      { path: 'users/:id', element: <User /> },
    ],
  },
]);
createRoot(document.getElementById('root')).render(<RouterProvider router={router} />);
