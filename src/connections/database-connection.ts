/** The database connection every tenant starts with (Auth0's default name); more can be created. */
export const DATABASE_CONNECTION = 'Username-Password-Authentication';

/** Auth0's prefix for users of a database connection (the `auth0` strategy). */
export const DATABASE_PROVIDER = 'auth0';
