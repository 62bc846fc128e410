import { Initial1732400000000 } from './1732400000000-initial.js';

export const MIGRATIONS = [Initial1732400000000];
