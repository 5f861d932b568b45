#!/usr/bin/env bash
# chatdesk benchmarks (issue 7): `make bench` runs exactly `bash loadtest/bench.sh`.
#
# Builds the node, the dev tools and the load generator, installs the
# Socket.IO baseline (npm ci), then runs each scenario on loopback against
# freshly started processes (redis-server, FerretDB on SQLite or PostgreSQL,
# chatdesk nodes, the Node.js baseline), and appends a dated results section
# to docs/benchmarks.md. Bounded: every scenario has a fixed duration and
# count; the whole default run takes about 10–15 minutes.
#
# Knobs (environment):
#   BENCH_SCENARIOS  default "chat baseline ceiling idle cluster"; also: search (about 10 min), relay, persist (one
#                    baseline variant), sqlite (chat ladder on SQLite), target (1,000
#                    conversations at 3,000 msgs/s for 60 s)
#   BENCH_BACKEND    pg (FerretDB on PostgreSQL 15, default when installed) | sqlite
#   BENCH_CONVS      conversations in the steady-chat ladder (default 200)
#   BENCH_AGENTS     agents (default 20)
#   BENCH_RATES      message rates of the ladder, msgs/s (default "100 200 400 800")
#   BENCH_DURATION   sending time per step (default 15s)
#   BENCH_IDLE_CONNS idle connections on one node (default 19000)
#   BENCH_IDLE3_CONNS idle connections over 3 nodes, scenario idle-cluster (default 50000)
#   BENCH_CLUSTER_RATE  msgs/s of the cluster chat steps (default 50)
#   BENCH_CLUSTER_CHAT=0  cluster scenario: only the reconnect storm
#   BENCH_STORM_CLIENTS  clients of the killed node (default 10000)
#   BENCH_STORM_SRC  source addresses of the storm clients (default 127.0.0.1, which
#                    the test Nginx exempts from its per-IP /ws rate limit; with
#                    127.0.0.2-5 the limit, not the nodes, decides the result)
#   BENCH_CEILING_SENDERS, BENCH_CEILING_DURATION  scenario ceiling: concurrent senders
#                    (default 64) and window (default 10s)
#   BENCH_REDIS_MONITOR  every chat step: after the measured window, keep sending this
#                    long with Redis MONITOR attached to split commands into top level and
#                    inside Lua scripts (default 2s; 0 = off)
#   BENCH_SEARCH_MESSAGES, BENCH_SEARCH_CONVS  scenario search: messages seeded (default
#                    100000) over conversations (default 5000) on the embedded FerretDB/SQLite
#   BENCH_NO_DOC=1   do not touch docs/benchmarks.md (results stay in $BENCH_WORK)
#
# Every chat step (chatdesk, baseline, cluster, target) also measures the cost
# per acknowledged message over its sending window: the generator resets the
# step's redis-server counters (CONFIG RESETSTAT) right before the window and
# reads INFO commandstats/stats right after it, and samples /proc CPU of
# redis-server, of the servers (-pids) and of the databases (-db-pids, with
# their child processes) at the same two instants. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

SCENARIOS=${BENCH_SCENARIOS:-chat baseline ceiling idle cluster}
BACKEND=${BENCH_BACKEND:-}
if [[ -z $BACKEND ]]; then
    if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then BACKEND=pg; else BACKEND=sqlite; fi
fi
CONVS=${BENCH_CONVS:-200}
AGENTS=${BENCH_AGENTS:-20}
RATES=${BENCH_RATES:-100 200 400 800}
DURATION=${BENCH_DURATION:-15s}
IDLE_CONNS=${BENCH_IDLE_CONNS:-19000}
REDIS_MONITOR=${BENCH_REDIS_MONITOR:-2s}
[[ $REDIS_MONITOR == 0 ]] && REDIS_MONITOR=0s

export BENCH_WORK
BENCH_WORK=$(mktemp -d /tmp/chatdesk-bench.XXXXXX)
chmod 755 "$BENCH_WORK"
export BENCH_PIDS_FILE=$BENCH_WORK/pids
: >"$BENCH_PIDS_FILE"
RESULTS=$BENCH_WORK/results
mkdir -p "$RESULTS"
# shellcheck source=loadtest/lib.sh
source loadtest/lib.sh
trap bench_cleanup EXIT

echo "== building (work dir $BENCH_WORK)"
go build -o bin/chatdesk ./cmd/chatdesk
go build -o bin/chatdesk-dev ./cmd/chatdesk-dev
go build -o bin/loadgen ./loadtest/cmd/loadgen
go build -o bin/searchbench ./loadtest/cmd/searchbench
if [[ $BACKEND == pg ]]; then go build -o bin/ferretpg ./loadtest/cmd/ferretpg; fi
HAVE_NODE=0
if command -v node >/dev/null && command -v npm >/dev/null; then
    (cd loadtest/baseline && npm ci --no-audit --no-fund --loglevel=error) && HAVE_NODE=1
fi

start_db() { # fresh database server for each scenario
    if [[ $1 == pg ]]; then start_pg_mongo; else start_mongo "$BENCH_WORK/mongo-$RANDOM"; fi
}
DB_PIDS() { echo "$MONGO_PID${PG_PID:+,$PG_PID}"; }

stack_down() { bench_cleanup; PG_PID=; MONGO_PID=; }

# Steady chat on one chatdesk node, one fresh database per step.
chat_ladder() { # backend label-prefix rates...
    local backend=$1 prefix=$2 rate db
    shift 2
    start_redis
    start_db "$backend"
    for rate in "$@"; do
        db=chat${rate}_$RANDOM
        add_agents "$db" "$AGENTS"
        start_node "$db" n1
        echo "== chat: chatdesk ($backend) $CONVS conversations, $rate msgs/s, $DURATION (load $(cut -d' ' -f1-3 /proc/loadavg))"
        bin/loadgen chat -label "$prefix-$rate" -target chatdesk -url "$NODE_URL" -convs "$CONVS" -agents "$AGENTS" \
            -rate "$rate" -duration "$DURATION" -mongo "mongodb://$MONGO_ADDR/" -db "$db" \
            -pids "$NODE_PID" -db-pids "$(DB_PIDS)" -redis "$REDIS_ADDR" -redis-monitor "$REDIS_MONITOR" \
            -out "$RESULTS/chat-$prefix-$rate.json" || echo "chat step $rate failed"
        stop_pid "$NODE_PID"
    done
    stack_down
}

baseline_ladder() { # mode rates...
    local mode=$1 rate db
    shift
    start_redis
    [[ $mode == persist ]] && start_db "$BACKEND"
    for rate in "$@"; do
        db=base${rate}_$RANDOM
        start_baseline "$mode" "$db"
        echo "== chat: socket.io $mode $CONVS conversations, $rate msgs/s, $DURATION (load $(cut -d' ' -f1-3 /proc/loadavg))"
        local check=()
        [[ $mode == persist ]] && check=(-mongo "mongodb://$MONGO_ADDR/" -db "$db" -db-pids "$(DB_PIDS)")
        bin/loadgen chat -label "sio-$mode-$rate" -target sio -url "$SIO_URL" -convs "$CONVS" -agents "$AGENTS" \
            -rate "$rate" -duration "$DURATION" "${check[@]}" -redis "$REDIS_ADDR" -redis-monitor "$REDIS_MONITOR" \
            -pids "$SIO_PID" -out "$RESULTS/chat-sio-$mode-$rate.json" || echo "baseline step $rate failed"
        stop_pid "$SIO_PID"
    done
    MONGO_PID=
    stack_down
}

for s in $SCENARIOS; do
    case $s in
    chat)
        chat_ladder "$BACKEND" "chatdesk-$BACKEND" $RATES
        # relay-only comparison point: chatdesk cannot skip persistence, so the
        # relay baseline is compared with the persisted figures (stated in the report)
        ;;
    sqlite)
        chat_ladder sqlite chatdesk-sqlite ${BENCH_SQLITE_RATES:-100 200}
        ;;
    target) # the issue's target workload: 1,000 conversations, 3,000 msgs/s, 60 s
        CONVS=1000 AGENTS=${BENCH_TARGET_AGENTS:-50} DURATION=60s chat_ladder "$BACKEND" "target-$BACKEND" 3000
        ;;
    baseline)
        if [[ $HAVE_NODE == 1 ]]; then
            baseline_ladder relay $RATES ${BENCH_RELAY_EXTRA:-1600 3000}
            baseline_ladder persist $RATES
        else
            echo "node/npm missing: baseline skipped"
        fi
        ;;
    ceiling) # the send path's Redis work at saturation, chatdesk next to one PUBLISH a message
        for t in chatdesk publish; do
            start_redis
            echo "== ceiling: $t, ${BENCH_CEILING_SENDERS:-64} senders, ${BENCH_CEILING_DURATION:-10s} (load $(cut -d' ' -f1-3 /proc/loadavg))"
            bin/loadgen ceiling -label "ceiling-$t" -target "$t" -redis "$REDIS_ADDR" -convs "$CONVS" \
                -workers "${BENCH_CEILING_SENDERS:-64}" -duration "${BENCH_CEILING_DURATION:-10s}" -out "$RESULTS/ceiling-$t.json" || echo "ceiling $t failed"
            stack_down
        done
        ;;
    idle-gogc) # idle chatdesk connections with a lower GOGC (no code change)
        start_redis
        start_db "$BACKEND"
        NODE_EXTRA_ENV="GOGC=${BENCH_GOGC:-25}" start_node "idleg_$RANDOM" n1
        echo "== idle: chatdesk GOGC=${BENCH_GOGC:-25}, $IDLE_CONNS connections (load $(cut -d' ' -f1-3 /proc/loadavg))"
        bin/loadgen idle -label "chatdesk-idle-gogc${BENCH_GOGC:-25}" -target chatdesk -url "$NODE_URL" -conns "$IDLE_CONNS" -procs 2 \
            -pids "$NODE_PID" -out "$RESULTS/idle-chatdesk-gogc.json" || echo "idle gogc failed"
        stack_down
        ;;
    relay | persist) # one baseline variant only
        if [[ $HAVE_NODE == 1 ]]; then
            if [[ $s == relay ]]; then baseline_ladder relay $RATES ${BENCH_RELAY_EXTRA:-1600 3000}; else baseline_ladder persist $RATES; fi
        fi
        ;;
    idle)
        start_redis
        start_db "$BACKEND"
        db=idle_$RANDOM
        pprof=127.0.0.1:$(free_port) # heap, stacks and goroutines per connection (/debug/memstats)
        NODE_EXTRA_ENV="${NODE_EXTRA_ENV:-} CHATDESK_PPROF_ADDR=$pprof" start_node "$db" n1
        echo "== idle: chatdesk, $IDLE_CONNS connections (load $(cut -d' ' -f1-3 /proc/loadavg))"
        bin/loadgen idle -label "${BENCH_IDLE_LABEL:-chatdesk-idle}" -target chatdesk -url "$NODE_URL" -conns "$IDLE_CONNS" -procs 2 \
            -pids "$NODE_PID" -memstats "$pprof" -out "$RESULTS/idle-chatdesk.json" || echo "idle chatdesk failed"
        stop_pid "$NODE_PID"
        if [[ $HAVE_NODE == 1 ]]; then
            start_baseline relay "$db"
            echo "== idle: socket.io, $IDLE_CONNS connections"
            bin/loadgen idle -label "sio-idle" -target sio -url "$SIO_URL" -conns "$IDLE_CONNS" -procs 2 \
                -pids "$SIO_PID" -out "$RESULTS/idle-sio.json" || echo "idle sio failed"
            stop_pid "$SIO_PID"
        fi
        stack_down
        ;;
    idle-cluster) # idle widget connections spread over 3 nodes, clients straight to the nodes
        start_redis
        start_db "$BACKEND"
        db=idle3_$RANDOM
        urls=() npids=() pprofs=()
        for n in 1 2 3; do
            pprof=127.0.0.1:$(free_port)
            NODE_EXTRA_ENV="${NODE_EXTRA_ENV:-} CHATDESK_PPROF_ADDR=$pprof" start_node "$db" "n$n"
            urls+=("$NODE_URL") npids+=("$NODE_PID") pprofs+=("$pprof")
        done
        n3=${BENCH_IDLE3_CONNS:-50000}
        echo "== idle cluster: $n3 connections over 3 nodes (load $(cut -d' ' -f1-3 /proc/loadavg))"
        # 4 generator processes (12,500 sockets each, under the 20,000 fd
        # limit), 8 source addresses; ~16,700 sockets per node.
        bin/loadgen idle -label "chatdesk-idle-3nodes-$n3" -target chatdesk -url "$(IFS=,; echo "${urls[*]}")" -conns "$n3" -procs 4 \
            -src 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9 -timeout 4m \
            -pids "$(IFS=,; echo "${npids[*]}")" -memstats "$(IFS=,; echo "${pprofs[*]}")" -out "$RESULTS/idle-3nodes.json" || echo "idle cluster failed"
        stack_down
        ;;
    cluster) # 3 nodes behind Nginx: same-node vs cross-node latency, then a reconnect storm
        start_redis
        start_db "$BACKEND"
        db=cluster_$RANDOM
        add_agents "$db" "$AGENTS"
        urls=() npids=()
        for n in 1 2 3; do
            start_node "$db" "n$n"
            urls+=("$NODE_URL") npids+=("$NODE_PID")
        done
        ndir=$BENCH_WORK/nginx edge=127.0.0.1:$(free_port)
        bash nginx/render-test-conf.sh --dir "$ndir" --listen "$edge" --workers 2 \
            --backend "${urls[0]#http://}" --backend "${urls[1]#http://}" --backend "${urls[2]#http://}" >/dev/null
        nginx -p "$ndir" -e "$ndir/error.log" -c "$ndir/nginx.conf" >"$BENCH_WORK/nginx.log" 2>&1 &
        track $!
        wait_ready "http://$edge" /readyz 30
        nodepids=$(IFS=,; echo "${npids[*]}")
        rate=${BENCH_CLUSTER_RATE:-50} # low: 3 nodes + FerretDB + PostgreSQL share 2 CPUs
        modes="same cross nginx"
        [[ ${BENCH_CLUSTER_CHAT:-1} == 0 ]] && modes=""
        for mode in $modes; do
            case $mode in
            same) vurl=${urls[0]} aurl=${urls[0]} ;;
            cross) vurl=${urls[1]} aurl=${urls[0]} ;;
            nginx) vurl=http://$edge aurl=http://$edge ;;
            esac
            echo "== cluster chat ($mode): visitors $vurl, agents $aurl, $rate msgs/s (load $(cut -d' ' -f1-3 /proc/loadavg))"
            bin/loadgen chat -label "cluster-$mode-$rate" -url "$vurl" -agent-url "$aurl" -convs "$CONVS" -agents "$AGENTS" \
                -rate "$rate" -duration "$DURATION" -pids "$nodepids" -db-pids "$(DB_PIDS)" -metrics "$(IFS=,; echo "${urls[*]}")" \
                -redis "$REDIS_ADDR" -redis-monitor "$REDIS_MONITOR" -out "$RESULTS/cluster-$mode.json" || echo "cluster $mode failed"
        done
        sleep 5 # let the nodes finish the chat backlog
        wait_ready "http://$edge" /readyz 60
        echo "== reconnect storm: ${BENCH_STORM_CLIENTS:-10000} clients on node 1, killed; resume through Nginx"
        bin/loadgen storm -label "storm-${BENCH_STORM_CLIENTS:-10000}" -url "${urls[0]}" -resume-url "http://$edge" \
            -clients "${BENCH_STORM_CLIENTS:-10000}" -src "${BENCH_STORM_SRC:-127.0.0.1}" -kill-pid "${npids[0]}" -out "$RESULTS/storm.json" || echo "storm failed"
        stack_down
        ;;
    search) # history search on the embedded store (docs/search.md); about 10 minutes
        echo "== history search: ${BENCH_SEARCH_MESSAGES:-100000} messages"
        bin/searchbench -messages "${BENCH_SEARCH_MESSAGES:-100000}" -conversations "${BENCH_SEARCH_CONVS:-5000}" \
            > "$RESULTS/search.md" || echo "search benchmark failed"
        if [[ ${BENCH_NO_DOC:-} != 1 && -s $RESULTS/search.md ]]; then
            { echo; echo "## History search"; echo; cat "$RESULTS/search.md"; } >> docs/benchmarks.md
        fi
        ;;
    *)
        echo "unknown scenario $s" >&2
        ;;
    esac
done

echo "== report"
if [[ ${BENCH_NO_DOC:-} == 1 ]]; then
    bin/loadgen report -in "$RESULTS" -backend "$BACKEND"
else
    bin/loadgen report -in "$RESULTS" -backend "$BACKEND" -md docs/benchmarks.md
fi
echo "results: $RESULTS"
