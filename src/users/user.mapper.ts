import { DATABASE_PROVIDER } from '../connections/database-connection.js';
import type { UserResponse } from './dto/user.dto.js';
import type { UserEntity } from './user.entity.js';

/** The part of `auth0|<id>` after the provider. */
export function identityUserId(userId: string): string {
  const bar = userId.indexOf('|');
  return bar < 0 ? userId : userId.slice(bar + 1);
}

/** Builds Auth0's user body field by field; the password hash has no way in. */
export function toUserResponse(e: UserEntity): UserResponse {
  const body: UserResponse = {
    user_id: e.userId,
    email: e.email,
    email_verified: e.emailVerified,
    name: e.name,
    nickname: e.nickname,
    picture: e.picture,
    identities: [{ connection: e.connection, user_id: identityUserId(e.userId), provider: DATABASE_PROVIDER, isSocial: false }],
    user_metadata: { ...e.userMetadata },
    app_metadata: { ...e.appMetadata },
    blocked: e.blocked,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
  if (e.username !== null) {
    body.username = e.username;
  }
  if (e.givenName !== null) {
    body.given_name = e.givenName;
  }
  if (e.familyName !== null) {
    body.family_name = e.familyName;
  }
  if (e.lastLogin !== null) {
    body.last_login = e.lastLogin;
  }
  if (e.lastIp !== null) {
    body.last_ip = e.lastIp;
  }
  if (e.lastPasswordReset !== null) {
    body.last_password_reset = e.lastPasswordReset;
  }
  if (e.loginsCount > 0 || e.lastLogin !== null) {
    body.logins_count = e.loginsCount;
  }
  return body;
}

/** The OIDC profile claims of a user (OIDC Core §5.1), for ID tokens and /userinfo. */
export function toOidcProfile(e: UserEntity): Record<string, unknown> {
  return {
    sub: e.userId,
    name: e.name,
    nickname: e.nickname,
    given_name: e.givenName ?? undefined,
    family_name: e.familyName ?? undefined,
    picture: e.picture,
    updated_at: e.updatedAt,
    email: e.email,
    email_verified: e.emailVerified,
  };
}
