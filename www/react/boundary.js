// @sentry/react's ErrorBoundary and withErrorBoundary, on tattle: the error is captured in a
// scope of its own (beforeCapture(scope, error, componentStack) can add to it), with mechanism
// `auto.function.react.error_boundary`, handled when a fallback is given (or as the `handled`
// prop says); then onError(error, componentStack, eventId), and the fallback renders (an element,
// or a function of { error, componentStack, resetError, eventId }). resetError() calls onReset
// and renders the children again. onMount / onUnmount as componentDidMount / componentWillUnmount.
import { Component, createElement, isValidElement, memo } from 'react';
import { withScope } from 'tattle';
import { captureReactException } from './capture.js';

const INITIAL = { componentStack: null, error: null, eventId: null };

// The app's own callback runs outside tattle's try: what it throws is the app's.
export class ErrorBoundary extends Component {
  constructor(props) {
    super(props);
    this.state = INITIAL;
  }

  componentDidCatch(error, errorInfo) {
    const componentStack = (errorInfo && errorInfo.componentStack) || '';
    const { beforeCapture, onError, fallback, handled } = this.props;
    withScope((scope) => {
      if (typeof beforeCapture === 'function') beforeCapture(scope, error, componentStack);
      const eventId = captureReactException(error, errorInfo, {
        mechanism: { handled: handled != null ? !!handled : !!fallback, type: 'auto.function.react.error_boundary' },
      });
      if (typeof onError === 'function') onError(error, componentStack, eventId);
      this.setState({ error, componentStack, eventId });
    });
  }

  componentDidMount() {
    if (typeof this.props.onMount === 'function') this.props.onMount();
  }

  componentWillUnmount() {
    const { onUnmount } = this.props;
    if (typeof onUnmount !== 'function') return;
    const { error, componentStack, eventId } = this.state;
    if (this.state === INITIAL) onUnmount(null, null, null);
    else onUnmount(error, componentStack, eventId);
  }

  resetErrorBoundary() {
    const { onReset } = this.props;
    const { error, componentStack, eventId } = this.state;
    if (typeof onReset === 'function') onReset(error, componentStack, eventId);
    this.setState(INITIAL);
  }

  render() {
    const { fallback, children } = this.props;
    const s = this.state;
    // componentStack is null until an error was caught (null itself can be thrown).
    if (s.componentStack === null) return typeof children === 'function' ? children() : children;
    const element = typeof fallback === 'function'
      ? createElement(fallback, { error: s.error, componentStack: s.componentStack, resetError: () => this.resetErrorBoundary(), eventId: s.eventId })
      : fallback;
    return isValidElement(element) ? element : null;
  }
}

/** `Component` inside an ErrorBoundary with `options` as its props. */
export function withErrorBoundary(Wrapped, options) {
  const name = Wrapped.displayName || Wrapped.name || 'unknown';
  const Bounded = memo((props) => createElement(ErrorBoundary, options, createElement(Wrapped, props)));
  Bounded.displayName = `errorBoundary(${name})`;
  // The wrapped component's statics (e.g. a loader), as hoist-non-react-statics does.
  for (const key of Object.getOwnPropertyNames(Wrapped)) {
    if (['length', 'name', 'prototype', 'displayName', 'propTypes', 'defaultProps', 'contextType', '$$typeof', 'type', 'compare', 'render', 'caller', 'callee', 'arguments'].includes(key) || key in Bounded) continue;
    try {
      Object.defineProperty(Bounded, key, Object.getOwnPropertyDescriptor(Wrapped, key));
    } catch { /* not copyable */ }
  }
  return Bounded;
}
