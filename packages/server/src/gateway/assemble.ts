// Builds an instance's gateway from its configuration and domain services.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Signals } from '../cluster-signals.js';
import type { Services } from '../domain/index.js';
import { clientAddressOf } from '../http/client-address.js';
import type { Config } from '../server-config.js';
import { DEFAULT_GATEWAY_SETTINGS, Gateway } from './gateway.js';
import { pushMessagesOf } from './msg-data.js';
import { PresenceKeeper } from './presence-keeper.js';
import { requestHandlers } from './requests.js';

export function createGateway(a: {
  config: Config;
  services: Services;
  signals: Signals;
  logger: Logger;
  now: () => number;
}): Gateway {
  const { config, services } = a;
  const instanceID = randomBytes(8).toString('hex');
  const logger = a.logger.child({ part: 'gateway' });
  const keeper = new PresenceKeeper({
    presence: services.presence,
    instanceID,
    now: a.now,
    logger,
    onSwept: () => void gateway.reregister(),
  });
  const gateway: Gateway = new Gateway({
    settings: {
      ...DEFAULT_GATEWAY_SETTINGS,
      host: config.host,
      port: config.gatewayPort,
      maxConnections: config.gatewayMaxConnections,
      idleTimeoutMs: config.gatewayIdleTimeoutMs,
      maxBufferedBytes: config.gatewayMaxBufferedBytes,
    },
    clientAddress: clientAddressOf(new Set(config.trustedProxies)),
    authenticate: (token) => services.auth.authenticate(token),
    loginReplaced: (userID, platformID, token) => services.auth.keepOnlyToken(userID, platformID, token),
    handlers: requestHandlers(services),
    readers: (m) => services.recipients.of(m),
    encodePush: pushMessagesOf,
    loadMessages: (c, from, to) => services.recipients.stored(c, from, to),
    presence: services.presence,
    onlinePlatforms: (userIDs) => services.presence.onlinePlatforms(userIDs),
    keeper,
    bus: a.signals,
    instanceID,
    now: a.now,
    logger,
  });
  return gateway;
}
