import { describe, it, expect } from 'vitest';
import { ACTION_LABELS, actorLabel, exportFileName } from './audit.js';
import { ERROR_CODE } from '../../lib/api-client/index.js';

describe('audit log wording', () => {
  it('names every action the server writes', () => {
    for (const a of ['auth.login', 'auth.login_failed', 'agent.created', 'agent.updated', 'settings.updated', 'form.updated', 'bot.updated',
      'privacy.updated', 'block.added', 'block.removed', 'contact.exported', 'contact.erased', 'retention.run',
      'webhook.created', 'webhook.updated', 'webhook.deleted', 'mail.updated', 'contact.relinked']) {
      expect(ACTION_LABELS[a]).toBeTruthy();
    }
  });
  it('names actors', () => {
    expect(actorLabel({ actorName: 'An', actorRole: 'admin' })).toBe('An (Quản trị)');
    expect(actorLabel({ actorName: 'x@y.vn', actorRole: 'anonymous' })).toBe('x@y.vn (Chưa đăng nhập)');
    expect(actorLabel({ actorRole: 'system' })).toBe('Hệ thống');
  });
  it('names exports and knows the new error codes', () => {
    expect(exportFileName('0912 345 678')).toBe('du-lieu-0912345678.zip');
    expect(ERROR_CODE.BLOCKED).toBeTruthy();
    expect(ERROR_CODE.CHALLENGE_FAILED).toBeTruthy();
  });
});
