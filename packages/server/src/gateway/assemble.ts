// Builds an instance's gateway from its configuration and domain services.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Signals } from '../cluster-signals.js';
import type { Services } from '../domain/index.js';
import type { Config } from '../server-config.js';
import { DEFAULT_GATEWAY_SETTINGS, Gateway } from './gateway.js';
import { pushMessagesOf } from './msg-data.js';
import { requestHandlers } from './requests.js';

export function createGateway(a: {
  config: Config;
  services: Services;
  signals: Signals;
  logger: Logger;
  now: () => number;
}): Gateway {
  const { config, services } = a;
  return new Gateway({
    settings: {
      ...DEFAULT_GATEWAY_SETTINGS,
      host: config.host,
      port: config.gatewayPort,
      maxConnections: config.gatewayMaxConnections,
      idleTimeoutMs: config.gatewayIdleTimeoutMs,
      maxBufferedBytes: config.gatewayMaxBufferedBytes,
    },
    authenticate: (token) => services.auth.authenticate(token),
    loginReplaced: (userID, platformID, token) => services.auth.keepOnlyToken(userID, platformID, token),
    handlers: requestHandlers(services),
    readers: (m) => services.recipients.of(m),
    encodePush: pushMessagesOf,
    loadMessages: (c, from, to) => services.recipients.stored(c, from, to),
    bus: a.signals,
    instanceID: randomBytes(8).toString('hex'),
    now: a.now,
    logger: a.logger.child({ part: 'gateway' }),
  });
}
