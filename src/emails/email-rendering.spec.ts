import { renderMail, templateProblem, type TemplateVariables } from './email-rendering.js';

const vars: TemplateVariables = {
  user: { email: 'eve@example.com', name: '<script>x</script>', user_metadata: { plan: 'A&B' } },
  application: { name: 'Shop' },
  connection: { name: 'Username-Password-Authentication' },
  tenant: 'acme',
  friendly_name: 'Acme',
  support_email: '',
  support_url: '',
  url: 'https://id.example/lo/reset?ticket=abc',
};

describe('mail rendering (liquidjs)', () => {
  it('escapes every output of the body, and keeps the subject a single plain line', async () => {
    const m = await renderMail(
      'Hi {{ user.name }}\r\nBcc: x@y',
      '<p>{{ user.name }} {{ user.user_metadata.plan }} <a href="{{ url }}">go</a></p>',
      vars,
    );
    expect(m.html).toBe('<p>&lt;script&gt;x&lt;/script&gt; A&amp;B <a href="https://id.example/lo/reset?ticket=abc">go</a></p>');
    expect(m.subject).toBe('Hi <script>x</script> Bcc: x@y');
  });

  it('offers no access to prototype properties and reports broken templates', async () => {
    expect((await renderMail('s', '{{ user.constructor }}|{{ user.__proto__ }}', vars)).html).toBe('|');
    expect(templateProblem('{% if %}')).toBeDefined();
    expect(templateProblem('{{ user.email }}')).toBeUndefined();
    await expect(renderMail('s', '{{ x | nosuchfilter }}', vars)).rejects.toThrow();
  });
});
