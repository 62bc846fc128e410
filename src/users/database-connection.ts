/** Every tenant has one database connection (Auth0's default name), holding the users Tessera stores. */
export const DATABASE_CONNECTION = 'Username-Password-Authentication';

/** Auth0's prefix for users of a database connection (the `auth0` strategy). */
export const DATABASE_PROVIDER = 'auth0';
