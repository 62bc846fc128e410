import { dashboardClientUrls } from './dashboard-client.js';

describe('dashboardClientUrls', () => {
  it('lists the callback, logout URL and web origin on the issuer’s domain first, then on each alias', () => {
    expect(dashboardClientUrls('https://beta.example.com/', ['beta.example.net', 'login.beta.io:8443'])).toEqual({
      callbacks: [
        'https://beta.example.com/dashboard/callback',
        'https://beta.example.net/dashboard/callback',
        'https://login.beta.io:8443/dashboard/callback',
      ],
      allowedLogoutUrls: [
        'https://beta.example.com/dashboard',
        'https://beta.example.net/dashboard',
        'https://login.beta.io:8443/dashboard',
      ],
      webOrigins: ['https://beta.example.com', 'https://beta.example.net', 'https://login.beta.io:8443'],
    });
  });

  it('keeps the issuer’s scheme and path', () => {
    expect(dashboardClientUrls('http://127.0.0.1:3000/auth/', ['localhost:3000']).callbacks).toEqual([
      'http://127.0.0.1:3000/auth/dashboard/callback',
      'http://localhost:3000/auth/dashboard/callback',
    ]);
  });
});
