// Loaded from a second origin without CORS: the browser censors its errors to "Script error.".
window.crossOriginLoaded = true;
throw new Error('secret detail from another origin');
