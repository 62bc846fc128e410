// A web app on Passport with passport-auth0, configured as Auth0's Passport quickstart says, with only
// the domain pointing at Tessera. passport-auth0 fetches the profile with GET /userinfo?access_token=
// and always speaks https to the domain: run Tessera with TLS_CERT_FILE/TLS_KEY_FILE or behind a TLS proxy.
//
//   TESSERA_DOMAIN=tessera.example.com CLIENT_ID=... CLIENT_SECRET=... \
//   CALLBACK_URL=http://localhost:4300/callback node app.mjs
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import Auth0Strategy from 'passport-auth0';
import { randomBytes } from 'node:crypto';

const callbackURL = process.env.CALLBACK_URL ?? 'http://localhost:4300/callback';
const appUrl = new URL(callbackURL);

passport.use(
  new Auth0Strategy(
    {
      domain: process.env.TESSERA_DOMAIN ?? 'localhost:3000',
      clientID: process.env.CLIENT_ID,
      clientSecret: process.env.CLIENT_SECRET,
      callbackURL,
      state: true,
    },
    (accessToken, refreshToken, extraParams, profile, done) => done(null, profile),
  ),
);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('hex'), resave: false, saveUninitialized: true }));
app.use(passport.authenticate('session'));

app.get('/login', passport.authenticate('auth0', { scope: 'openid email profile' }));
app.get('/callback', (req, res, next) => {
  passport.authenticate('auth0', (err, user, info) => {
    if (err || !user) {
      res.status(401).send(`Login failed: ${err?.message ?? info?.message ?? 'no user'}`);
      return;
    }
    req.logIn(user, (e) => (e ? next(e) : res.redirect('/profile')));
  })(req, res, next);
});
app.get('/profile', (req, res) => {
  if (!req.user) {
    res.redirect('/login');
    return;
  }
  const { id, displayName, nickname, emails, picture, _json } = req.user;
  res.json({ id, displayName, nickname, emails, picture, email_verified: _json.email_verified });
});

app.listen(Number(appUrl.port || 80), appUrl.hostname, () => process.stdout.write(`Passport app on ${appUrl.origin}\n`));
