// No SDK: what the platform workers do without one (the baseline their responses are compared to).
export const withSentry = (options, handler) => handler;
export const instrumentDurableObjectWithSentry = (options, Class) => Class;
export const instrumentWorkflowWithSentry = (options, Class) => Class;
export const captureException = () => 'none';
export const sentry = () => async (c, next) => { await next(); };
export const setUser = () => {};
export const setTag = () => {};
export const addBreadcrumb = () => {};
