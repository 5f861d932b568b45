import { describe, expect, it } from 'vitest';
import { fromForm, toForm } from './components/OfficeHoursPage.jsx';

describe('office hours form', () => {
  it('round-trips the API shape; holidays one per line; missing days are days off', () => {
    const api = {
      enabled: true,
      week: [{ open: true, from: '08:00', to: '17:30' }],
      holidays: ['2027-02-06', '2027-02-07'],
      awayMessage: ' Ngoài giờ ',
      replyTime: 'Thường trả lời trong vài phút',
    };
    const f = toForm(api);
    expect(f.week).toHaveLength(7);
    expect(f.week[6].open).toBe(false);
    expect(f.holidaysText).toBe('2027-02-06\n2027-02-07');
    const back = fromForm({ ...f, holidaysText: '2027-02-06\n\n 2027-02-07, 2027-09-02 ' });
    expect(back.holidays).toEqual(['2027-02-06', '2027-02-07', '2027-09-02']);
    expect(back.awayMessage).toBe('Ngoài giờ');
    expect(back.week[0]).toEqual({ open: true, from: '08:00', to: '17:30' });
  });
});
