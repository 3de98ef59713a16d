import { escapeHtml, mailTemplates } from './mail-templates';

describe('mail templates', () => {
  it('escapes user input in the HTML part and keeps the text part as typed', () => {
    const hostile = '"><script>alert(1)</script>@example.com';
    const mail = mailTemplates.changeNotice('ada@example.com', hostile);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain(escapeHtml(hostile));
    expect(mail.text).toContain(hostile);
  });

  it('puts the link and what to do if it was not you in both parts', () => {
    const mail = mailTemplates.reset('https://app.example', 'ada@example.com', 'tok_en', 60);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('https://app.example/reset-password#token=tok_en');
      expect(part).toContain('If this was not you');
    }
  });
});
