import { useCallback, useEffect, useRef, useState } from 'react';
import { newClientId } from '../../../lib/format/index.js';
import { ERROR_CODE } from '../../../lib/realtime/protocol.js';
import { uploadAttachment } from '../api/attachments.js';

const TOO_LARGE = 'Tệp quá lớn.';
const PERMANENT = [ERROR_CODE.UNSUPPORTED_TYPE, ERROR_CODE.TOO_LARGE, ERROR_CODE.INVALID_INPUT];

/**
 * Attachment uploads of the owner agent: one XHR per file with progress,
 * the server's message on failure, retry with the same clientId (the server
 * answers a resend with the stored message), discard. onStored(message).
 */
export function useUploads(conversationId, onStored) {
  const [uploads, setUploads] = useState([]);
  const filesRef = useRef(new Map()); // clientId → {file, ctrl}
  const storedRef = useRef(onStored);
  useEffect(() => {
    storedRef.current = onStored;
  }, [onStored]);

  const patch = (clientId, p) => setUploads((list) => list.map((u) => (u.clientId === clientId ? { ...u, ...p } : u)));

  const run = useCallback((clientId) => {
    const entry = filesRef.current.get(clientId);
    if (!entry) return;
    const ctrl = new AbortController();
    entry.ctrl = ctrl;
    patch(clientId, { status: 'uploading', progress: 0, error: null });
    uploadAttachment(conversationId, { file: entry.file, clientId }, {
      signal: ctrl.signal,
      onProgress: (f) => patch(clientId, { progress: f }),
    }).then(
      (res) => {
        filesRef.current.delete(clientId);
        setUploads((list) => list.filter((u) => u.clientId !== clientId));
        if (res?.message) storedRef.current?.(res.message);
      },
      (err) => {
        if (err?.name === 'AbortError') return;
        const message = err.status === 413 && !err.fields && err.message === 'Nội dung quá dài.' ? TOO_LARGE : err.message;
        // The server refused the file itself (its type, its size, its name):
        // sending it again cannot help, it can only be dropped.
        patch(clientId, { status: 'failed', error: message, permanent: PERMANENT.includes(err.code) || [400, 413, 415].includes(err.status) });
      },
    );
  }, [conversationId]);

  const add = useCallback((files) => {
    for (const file of files) {
      if (!file) continue;
      const clientId = newClientId();
      filesRef.current.set(clientId, { file });
      setUploads((list) => list.concat({ clientId, name: file.name || 'tệp', size: file.size, status: 'uploading', progress: 0, error: null, createdAt: new Date().toISOString() }));
      run(clientId);
    }
  }, [run]);

  const retry = useCallback((clientId) => run(clientId), [run]);
  const discard = useCallback((clientId) => {
    filesRef.current.get(clientId)?.ctrl?.abort();
    filesRef.current.delete(clientId);
    setUploads((list) => list.filter((u) => u.clientId !== clientId));
  }, []);

  useEffect(() => {
    const files = filesRef.current;
    return () => {
      for (const e of files.values()) e.ctrl?.abort();
      files.clear();
    };
  }, []);

  return { uploads, add, retry, discard };
}
