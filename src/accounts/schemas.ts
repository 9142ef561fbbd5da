import { Type } from 'typebox';

/** TypeBox schemas shared by the accounts routes (auth, me, api keys, admin, audit logs). */

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
};

export const Me = Type.Object({
  id: Type.String(),
  email: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  planType: Type.String(),
  creditsUsed: Type.Integer(),
  creditsLimit: Type.Integer(),
  onboardingCompleted: Type.Boolean(),
  isAdmin: Type.Boolean(),
  roles: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

export const SessionTokens = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'seconds until the access token expires' }),
});

export const SessionWithUser = Type.Object({
  user: Me,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer(),
});

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first 12 characters, to recognise a key' }),
  scopes: Type.Array(Type.String()),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usageCount: Type.Integer(),
  isActive: Type.Boolean(),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const AuditLog = Type.Object({
  id: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  changes: Type.Unknown(),
  details: Type.Record(Type.String(), Type.Unknown()),
  ipAddress: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const Preference = Type.Object({
  key: Type.String(),
  value: Type.Unknown(),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const AdminUser = Type.Object({
  id: Type.String(),
  email: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Boolean(),
  isAdmin: Type.Boolean(),
  roles: Type.Array(Type.String()),
  planType: Type.String(),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deletedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
