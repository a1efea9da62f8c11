import { describeSendError } from '../../server/notifications/outbox.worker';

describe('the reason kept for a failed send', () => {
  it('when the error names an SMTP URL with credentials, then they are cut out and the code leads', () => {
    const err = Object.assign(new Error('connect failed for smtp://user:s3cret@mail.test:25'), { code: 'ESOCKET' });
    expect(describeSendError(err)).toBe('ESOCKET: connect failed for smtp://[redacted]@mail.test:25');
  });

  it('when the error spans lines or runs long, then it is one line of at most 500 characters', () => {
    const text = describeSendError(new Error(`first line\r\nsecond line ${'x'.repeat(1000)}`));
    expect(text).not.toMatch(/[\r\n]/);
    expect(text.length).toBe(500);
    expect(text.startsWith('first line second line')).toBe(true);
  });

  it('when something that is not an Error is thrown, then its text is kept', () => {
    expect(describeSendError('plain failure')).toBe('plain failure');
  });
});
