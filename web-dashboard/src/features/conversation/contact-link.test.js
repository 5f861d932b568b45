import { describe, it, expect } from 'vitest';
import { conversationLink } from './contact.js';
import { formatDate } from '../../lib/format/index.js';

describe('the contact panel', () => {
  it('opens a resolved conversation as its transcript, an open one in the inbox', () => {
    expect(conversationLink({ id: 'a1', status: 'resolved' })).toBe('/history/a1');
    expect(conversationLink({ id: 'b2', status: 'assigned' })).toBe('/inbox/b2');
    expect(conversationLink({ id: 'c3', status: 'waiting' })).toBe('/inbox/c3');
  });
  it('shows dates as dd/mm/yyyy', () => {
    expect(formatDate(new Date(2026, 11, 5, 9, 30))).toBe('05/12/2026');
    expect(formatDate('')).toBe('');
  });
});
