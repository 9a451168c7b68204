// The shared HTTP core: import from here.
export * from './body';
export * from './client';
export * from './errors';
export * from './paging';
export * from './retryAfter';
export * from './tls';
export { bypassesProxy, type ProxySettings } from './proxy';
