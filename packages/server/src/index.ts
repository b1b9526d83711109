export { createApp, type App } from './app.js';
export { loadConfig, type Config } from './server-config.js';
export { createLogger } from './logger.js';
export { ERRORS, ApiError } from './errors.js';
