// The chatdesk wire protocol as the widget speaks it (docs/protocol.md).
// Every frame is one JSON object {type, id?, data}. This module is the only
// place in the widget that knows frame names (re-exported from wire.js) and
// payload shapes.

/**
 * @typedef {{type: string, id?: string, data: Record<string, any>}} Envelope
 *
 * @typedef {object} Message
 * @property {string} id
 * @property {string} conversationId
 * @property {number} seq
 * @property {string} [clientId]
 * @property {'visitor'|'agent'|'bot'|'system'} senderType
 * @property {string} [senderId]
 * @property {string} [senderName]
 * @property {string} text                 may be empty with an attachment
 * @property {string} createdAt
 * @property {'text'|'image'|'file'} [kind]  absent on older messages: text
 * @property {Attachment} [attachment]
 *
 * @typedef {{id: string, name: string, size: number, contentType: string, width?: number, height?: number, thumbnail: boolean}} Attachment
 *
 * @typedef {object} Conversation
 * @property {string} id
 * @property {'waiting'|'assigned'|'resolved'} status
 * @property {string} [assigneeId]
 * @property {string} [assigneeName]
 * @property {number} [unreadByVisitor]
 * @property {string|null} [resolvedAt]
 * @property {{stars: number, comment: string, at: string}|null} [rating]
 * @property {string|null} [handoffAt]   the visitor asked for a person (bot stops)
 *
 * @typedef {{code: string, message: string, fields?: Record<string,string>, retryAfter?: number}} ApiError
 */

// Frame names, close codes, change names, error codes and limits come from
// the one module generated from the Go protocol package, so the widget, the
// dashboard and the server cannot drift apart. A relative path, because it
// lives outside this folder and must resolve in webpack and node --test alike.
import { REQ, EVT, CHANGE, CLOSE, ERROR_CODE, LIMITS, NOTICE, LEFT, UPLOAD } from '../../../internal/protocol/wire.js';
import { t } from '../i18n/index.js';

export { REQ, EVT, CHANGE, CLOSE, ERROR_CODE, LIMITS, NOTICE, LEFT, UPLOAD };

/** Close codes of the WebSocket standard itself, beside the server's CLOSE:
 * a normal closure (ours, or the server's when draining), and what the
 * browser reports for a socket that never opened or just died. */
export const WS_CLOSE_NORMAL = 1000;
export const WS_CLOSE_ABNORMAL = 1006;

/** Message text limit (characters after trimming); frames stay under 16 KiB. */
export const MAX_TEXT_CHARS = LIMITS.MAX_TEXT_CHARS;

/** Client-side pre-check of an attachment (the server's limit is the authority). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * @param {string} type
 * @param {Record<string, any>} data
 * @param {string} [id]
 * @returns {string}
 */
export function encode(type, data, id) {
  /** @type {Envelope} */
  const env = { type, data: data || {} };
  if (id) env.id = id;
  return JSON.stringify(env);
}

/**
 * Parses one frame; returns null for anything that is not an envelope.
 * @param {unknown} raw
 * @returns {Envelope|null}
 */
export function decode(raw) {
  if (typeof raw !== 'string') return null;
  let v;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || typeof v.type !== 'string') return null;
  if (!v.data || typeof v.data !== 'object') v.data = {};
  return v;
}

/**
 * Is m a well-formed message we can store?
 * @param {any} m
 * @returns {m is Message}
 */
export function isMessage(m) {
  if (!m || typeof m !== 'object' || typeof m.id !== 'string' || !Number.isInteger(m.seq) || m.seq < 1) return false;
  // A message with an attachment may come without text.
  if (m.text === undefined && m.attachment) m.text = '';
  return typeof m.text === 'string';
}

/** WebSocket URL for an http(s) server origin. */
export function wsURL(server) {
  const u = new URL(server.replace(/\/+$/, '') + '/ws');
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

let clientSeq = 0;

/** A new client id: 1–64 chars of [A-Za-z0-9_-], unique per page and random across pages. */
export function newClientId(random = Math.random) {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return 'c-' + c.randomUUID();
  let s = 'c-' + Date.now().toString(36) + '-' + (++clientSeq).toString(36) + '-';
  for (let i = 0; i < 12; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}

/** Normalises an error payload (WS `error` data or REST `{error}`) to ApiError. */
export function toApiError(data, fallbackMessage) {
  const e = data && typeof data === 'object' ? data : {};
  return {
    code: typeof e.code === 'string' ? e.code : ERROR_CODE.INTERNAL,
    message: typeof e.message === 'string' && e.message ? e.message : fallbackMessage || t('error'),
    fields: e.fields && typeof e.fields === 'object' ? e.fields : undefined,
    retryAfter: typeof e.retryAfter === 'number' ? e.retryAfter : undefined,
  };
}
