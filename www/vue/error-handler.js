// tattle/vue's attachErrorHandler(app, options): handler.js's wrapper with tattle's captureException.
import { captureException } from 'tattle';
import { wrapErrorHandler } from './handler.js';

export const attachErrorHandler = (app, options) => wrapErrorHandler(app, options, captureException);
