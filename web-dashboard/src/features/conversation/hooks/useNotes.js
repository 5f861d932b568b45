import { useCallback, useEffect, useState } from 'react';
import { useRealtime } from '../../../lib/realtime/react.js';
import { EVT } from '../../../lib/realtime/protocol.js';
import { newClientId } from '../../../lib/format/index.js';
import { listNotes, postNote } from '../api/notes.js';

/** Notes sorted as the transcript places them: after the message afterSeq, then by time. */
export function sortNotes(notes) {
  return [...notes].sort((a, b) => (a.note?.afterSeq || 0) - (b.note?.afterSeq || 0) || String(a.createdAt).localeCompare(String(b.createdAt)));
}

function merge(list, note) {
  if (!note || list.some((n) => n.id === note.id)) return list;
  return sortNotes([...list, note]);
}

/** Internal notes of a conversation: loaded over REST, followed live (note.created), added over REST. */
export function useNotes(id) {
  const client = useRealtime();
  const [notes, setNotes] = useState([]);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      listNotes(id).then((res) => {
        if (!cancelled) setNotes((cur) => (res?.items || []).reduce(merge, cur));
      }, () => {});
    load();
    if (!client) return () => { cancelled = true; };
    const offNote = client.on(EVT.NOTE_CREATED, (data) => {
      if (data?.note?.conversationId === id) setNotes((cur) => merge(cur, data.note));
    });
    // notes written while the socket was away
    const offReady = client.on('ready', (_d, { reconnected } = {}) => { if (reconnected) load(); });
    return () => {
      cancelled = true;
      offNote();
      offReady();
    };
  }, [client, id]);

  const addNote = useCallback(async (text) => {
    const res = await postNote(id, { text, clientId: newClientId() });
    if (res?.note) setNotes((cur) => merge(cur, res.note));
    return res?.note;
  }, [id]);

  return { notes, addNote };
}
