import { Platform } from '../../domain/context.js';
import type { Services } from '../../domain/index.js';
import { IssuedToken, NO_DATA, ParsedToken } from '../responses.js';
import { route } from '../route.js';
import { int, LIMITS, obj, str, userID } from '@huddle/protocol';

const platformID = () =>
  int({ min: Platform.Min, max: Platform.Max, required: true, hint: '1 iOS … 10 Admin, 11 HarmonyOS' });

export const authRoutes = ({ auth }: Services) => [
  route({
    path: '/auth/get_admin_token',
    public: true,
    body: obj({ secret: str({ max: LIMITS.secret, required: true }), userID: userID() }),
    response: IssuedToken,
    handle: (ctx, body) => auth.getAdminToken(ctx, body),
  }),
  route({
    path: '/auth/get_user_token',
    body: obj({ platformID: platformID(), userID: userID() }),
    response: IssuedToken,
    handle: (ctx, body) => auth.getUserToken(ctx, body),
  }),
  route({
    path: '/auth/parse_token',
    public: true,
    body: obj({ token: str({ max: LIMITS.token, required: true }) }),
    response: ParsedToken,
    handle: (_ctx, body) => auth.parseToken(body),
  }),
  route({
    path: '/auth/force_logout',
    body: obj({ platformID: platformID(), userID: userID() }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await auth.forceLogout(ctx, body);
    },
  }),
];
