import { Avatar } from '../../../components/ui/index.jsx';

const STATUS_TEXT = { online: 'Trực tuyến', away: 'Vắng mặt', offline: 'Ngoại tuyến' };

export function agentStatus(a) {
  if (!a?.online) return 'offline';
  return a.status === 'away' ? 'away' : 'online';
}

export function AgentsPresence({ agents, meId }) {
  // "Trực tuyến" counts who can take a chat: an agent who is away cannot.
  const online = agents.filter((a) => agentStatus(a) === 'online').length;
  return (
    <div className="border-t border-slate-200 bg-white" data-testid="agents-presence">
      <div className="flex items-center justify-between px-3 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
        <span>Nhân viên</span>
        <span className="font-normal normal-case text-slate-600" data-testid="presence-count">{online}/{agents.length} trực tuyến</span>
      </div>
      <ul className="max-h-40 overflow-y-auto px-2 py-1">
        {agents.map((a) => {
          const st = agentStatus(a);
          return (
            <li key={a.id} className="flex items-center gap-2 rounded px-1 py-1" data-agent-id={a.id} data-status={st}>
              <Avatar name={a.name} colorKey={a.id} size="sm" src={a.avatarUrl} online={st === 'away' ? 'away' : st === 'online'} />
              <span className="flex-1 truncate text-sm text-slate-800">{a.name}{a.id === meId ? ' (bạn)' : ''}</span>
              <span className={`text-[11px] ${st === 'online' ? 'text-emerald-700' : st === 'away' ? 'text-amber-700' : 'text-slate-500'}`}>{STATUS_TEXT[st]}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
