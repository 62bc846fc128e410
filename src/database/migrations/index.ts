import { Initial1732400000000 } from './1732400000000-initial.js';
import { UsersAndUserFlows1732400002000 } from './1732400002000-users-and-user-flows.js';
import { ReferenceTokens1732400003000 } from './1732400003000-reference-tokens.js';
import { TenantDomains1732400004000 } from './1732400004000-tenant-domains.js';
import { LogEvents1732400005000 } from './1732400005000-log-events.js';
import { LoginFailures1732400006000 } from './1732400006000-login-failures.js';
import { ClientSystemRoles1732400007000 } from './1732400007000-client-system-roles.js';
import { ListIndexes1732401200000 } from './1732401200000-list-indexes.js';
import { AccountLifecycle1732401500000 } from './1732401500000-account-lifecycle.js';
import { Roles1732401600000 } from './1732401600000-roles.js';
import { Actions1732401700000 } from './1732401700000-actions.js';
import { LogStreams1732402000000 } from './1732402000000-log-streams.js';
import { CacheVersions1732402050000 } from './1732402050000-cache-versions.js';
import { UserJobs1732402100000 } from './1732402100000-user-jobs.js';
import { JobCompletionMail1732402150000 } from './1732402150000-job-completion-mail.js';
import { UnsupportedResourceScopes1732402200000 } from './1732402200000-unsupported-resource-scopes.js';
import { TenantFlags1732402400000 } from './1732402400000-tenant-flags.js';
import { UserinfoCacheVersions1732402600000 } from './1732402600000-userinfo-cache-versions.js';
import { UserPrefixIndexes1732402700000 } from './1732402700000-user-prefix-indexes.js';
import { TenantUserCounts1732402800000 } from './1732402800000-tenant-user-counts.js';

export const MIGRATIONS = [
  Initial1732400000000,
  UsersAndUserFlows1732400002000,
  ReferenceTokens1732400003000,
  TenantDomains1732400004000,
  LogEvents1732400005000,
  LoginFailures1732400006000,
  ClientSystemRoles1732400007000,
  ListIndexes1732401200000,
  AccountLifecycle1732401500000,
  Roles1732401600000,
  Actions1732401700000,
  LogStreams1732402000000,
  CacheVersions1732402050000,
  UserJobs1732402100000,
  JobCompletionMail1732402150000,
  UnsupportedResourceScopes1732402200000,
  TenantFlags1732402400000,
  UserinfoCacheVersions1732402600000,
  UserPrefixIndexes1732402700000,
  TenantUserCounts1732402800000,
];
