// Says once, at the start of every jest run, which database the e2e suite runs on, so a local run
// without PostgreSQL states plainly that the PostgreSQL pass was skipped (CI runs it: see .ci/run).
export default function globalSetup() {
  const url = process.env.TEST_DATABASE_URL ?? '';
  if (/^postgres(ql)?:\/\//.test(url)) {
    process.stdout.write('\ne2e database: PostgreSQL (TEST_DATABASE_URL)\n');
  } else {
    process.stdout.write('\ne2e database: SQLite files in temp dirs. The PostgreSQL pass is skipped here; run `npm run test:postgres` (CI runs both).\n');
  }
}
