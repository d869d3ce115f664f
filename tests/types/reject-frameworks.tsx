// What tattle/react's and tattle/vue's types must refuse (each line after a directive must be an
// error, or tsc fails on the unused directive): compiled with react.tsx and vue.ts by run.mjs.
import * as React from 'tattle/react';
import * as Vue from 'tattle/vue';

// @ts-expect-error a fallback is an element or a render function
export const a = <React.ErrorBoundary fallback={42}>x</React.ErrorBoundary>;
// @ts-expect-error beforeCapture's first argument is a scope
export const b = <React.ErrorBoundary beforeCapture={(scope: string) => scope}>x</React.ErrorBoundary>;
// @ts-expect-error the callback, not a string
React.reactErrorHandler('log');
// @ts-expect-error captureReactException needs the errorInfo
React.captureReactException(new Error('x'));
// @ts-expect-error attachProps is a boolean
Vue.init({ dsn: '', attachProps: 'yes' });
// @ts-expect-error attachErrorHandler needs the app
Vue.attachErrorHandler();
