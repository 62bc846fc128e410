import { DbConnectionError } from '../errors/api-error.js';

/** The body of `POST /dbconnections/signup`, checked as Auth0 documents it. */
export interface SignupInput {
  clientId: string;
  connection: string;
  email: string;
  password: string;
  username?: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  user_metadata?: Record<string, string>;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;
const PROFILE = ['given_name', 'family_name', 'name', 'nickname', 'picture'] as const;
const KNOWN = new Set(['client_id', 'connection', 'email', 'password', 'username', 'phone_number', 'user_metadata', ...PROFILE]);

const bad = (description: string) => DbConnectionError.badRequest('invalid_parameter', description);

function str(body: Record<string, unknown>, key: string, max: number, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) {
      throw bad(`Missing required parameter: ${key}`);
    }
    return undefined;
  }
  if (typeof v !== 'string') {
    throw bad(`${key} must be a string`);
  }
  if (v.length > max) {
    throw bad(`${key} is too long: at most ${max} characters`);
  }
  return v;
}

/** Reads and checks a sign-up body; a 400 in Auth0's shape names the first problem. */
export function readSignupInput(raw: unknown): SignupInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw bad('The request body must be a JSON object or a form');
  }
  const body = raw as Record<string, unknown>;
  const unknown = Object.keys(body).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) {
    throw bad(`Unknown parameter: ${unknown}`);
  }
  if (body.phone_number !== undefined) {
    throw bad('phone_number is not supported on database connections');
  }
  const email = str(body, 'email', 320, true) as string;
  if (!EMAIL.test(email)) {
    throw bad('email must be an email address');
  }
  const input: SignupInput = {
    clientId: str(body, 'client_id', 128, true) as string,
    connection: str(body, 'connection', 128, true) as string,
    email,
    password: str(body, 'password', 1024, true) as string,
    username: str(body, 'username', 128, false),
  };
  for (const key of PROFILE) {
    const v = str(body, key, key === 'picture' ? 2048 : 300, false);
    if (v !== undefined) {
      input[key] = v;
    }
  }
  if (input.picture !== undefined && !/^https?:\/\/\S+$/.test(input.picture)) {
    throw bad('picture must be an http(s) URL');
  }
  const meta = body.user_metadata;
  if (meta !== undefined && meta !== null) {
    // Auth0: at most ten properties, names up to 100 characters, string values up to 500.
    if (typeof meta !== 'object' || Array.isArray(meta)) {
      throw bad('user_metadata must be an object');
    }
    const entries = Object.entries(meta as Record<string, unknown>);
    if (
      entries.length > 10 ||
      entries.some(([k, v]) => k.length > 100 || typeof v !== 'string' || v.length > 500 || k.includes('.') || k.startsWith('$'))
    ) {
      throw bad('user_metadata must have at most 10 properties, with names up to 100 characters and string values up to 500 characters');
    }
    input.user_metadata = meta as Record<string, string>;
  }
  return input;
}
