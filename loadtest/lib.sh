# Shared helpers of loadtest/bench.sh (sourced, not run). Every process
# started here is recorded in $BENCH_PIDS_FILE and killed by bench_cleanup;
# everything listens on loopback only.

BENCH_SECRET="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
BENCH_RATE_LIMITS="conv-ip=10000000/1m,msg-ip=100000000/1m,msg-visitor=10000000/1m,login-ip=1000000/1m,typing-sender=1000000/1m,read-sender=1000000/1m"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_tcp() { # host:port seconds
    local addr=$1 t=${2:-15} i
    for ((i = 0; i < t * 20; i++)); do
        if (exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    echo "timeout waiting for $addr" >&2
    return 1
}

wait_ready() { # base-url path seconds
    local url=$1 path=${2:-/readyz} t=${3:-30} i
    for ((i = 0; i < t * 10; i++)); do
        if curl -fsS -o /dev/null "$url$path" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "timeout waiting for $url$path" >&2
    return 1
}

track() { echo "$1" >>"$BENCH_PIDS_FILE"; }

bench_cleanup() {
    [[ -f ${BENCH_PIDS_FILE:-} ]] || return 0
    local pid
    for pid in $(tac "$BENCH_PIDS_FILE"); do
        kill "$pid" 2>/dev/null || true
    done
    sleep 1
    for pid in $(tac "$BENCH_PIDS_FILE"); do
        kill -9 "$pid" 2>/dev/null || true
    done
    : >"$BENCH_PIDS_FILE"
}

start_redis() { # sets REDIS_ADDR, REDIS_PID
    local port
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --maxclients 10000 \
        >"$BENCH_WORK/redis-$port.log" 2>&1 &
    REDIS_PID=$!
    track $REDIS_PID
    REDIS_ADDR=127.0.0.1:$port
    wait_tcp "$REDIS_ADDR" 10
}

start_mongo() { # dir; sets MONGO_ADDR, MONGO_PID (FerretDB, SQLite backend)
    local port
    port=$(free_port)
    bin/chatdesk-dev mongo -addr "127.0.0.1:$port" -dir "$1" >"$BENCH_WORK/ferretdb-$port.log" 2>&1 &
    MONGO_PID=$!
    track $MONGO_PID
    MONGO_ADDR=127.0.0.1:$port
    wait_tcp "$MONGO_ADDR" 30
}

node_env() { # db node-id addr
    echo CHATDESK_ENV=production CHATDESK_JWT_SECRET="$BENCH_SECRET" CHATDESK_ADDR="$3" \
        CHATDESK_NODE_ID="$2" CHATDESK_MONGO_URI="mongodb://$MONGO_ADDR/" CHATDESK_MONGO_DB="$1" \
        CHATDESK_REDIS_URL="redis://$REDIS_ADDR/0" CHATDESK_REDIS_PREFIX="$1" CHATDESK_LOG_FORMAT=text \
        CHATDESK_RATE_LIMITS="$BENCH_RATE_LIMITS" CHATDESK_SHUTDOWN_GRACE=3s \
        CHATDESK_FORM_CHALLENGE_BITS=0 CHATDESK_WS_MAX_PER_ADDR=0 CHATDESK_WS_MAX_PER_VISITOR=0
    # Every simulated client shares one address and opens conversations by
    # API: the form challenge and the per-address socket cap are off here,
    # as the per-IP rate limits are lifted (BENCH_RATE_LIMITS).
}

add_agents() { # db count
    local i
    for ((i = 1; i <= $2; i++)); do
        env $(node_env "$1" x 127.0.0.1:1) CHATDESK_AGENT_PASSWORD=benchpass123 \
            bin/chatdesk agent add --email "bench-agent$i@chatdesk.local" --name "Agent $i" --role agent \
            >>"$BENCH_WORK/agents.log" 2>&1
    done
}

start_node() { # db node-id; sets NODE_URL, NODE_PID; extra env in $NODE_EXTRA_ENV
    local port
    port=$(free_port)
    env $(node_env "$1" "$2" "127.0.0.1:$port") ${NODE_EXTRA_ENV:-} bin/chatdesk \
        >"$BENCH_WORK/$1-$2.log" 2>&1 &
    NODE_PID=$!
    track $NODE_PID
    NODE_URL=http://127.0.0.1:$port
    wait_ready "$NODE_URL" /readyz 30
}

start_baseline() { # mode db; sets SIO_URL, SIO_PID
    local port
    port=$(free_port)
    (cd loadtest/baseline && exec env HOST=127.0.0.1 PORT="$port" MODE="$1" REDIS_URL="redis://$REDIS_ADDR/0" \
        MONGO_URI="mongodb://$MONGO_ADDR/" MONGO_DB="$2" node server.js) >"$BENCH_WORK/baseline-$1-$port.log" 2>&1 &
    SIO_PID=$!
    track $SIO_PID
    SIO_URL=http://127.0.0.1:$port
    wait_ready "$SIO_URL" /healthz 30
}

stop_pid() {
    sed -i "/^$1\$/d" "$BENCH_PIDS_FILE"
    kill "$1" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
}

# start_pg_mongo: FerretDB v1 on PostgreSQL 15 (Debian `postgresql`), in
# $BENCH_WORK/pg; sets MONGO_ADDR, MONGO_PID (ferretpg), PG_PID.
# synchronous_commit=off matches MongoDB's default durability (journal
# committed every 100 ms, w:1 acknowledged before the journal flush).
start_pg_mongo() {
    local pgbin=/usr/lib/postgresql/15/bin port fport dir=$BENCH_WORK/pg-$RANDOM
    port=$(free_port)
    mkdir -p "$dir"
    chown postgres "$dir" 2>/dev/null || true
    local as=()
    [[ $(id -u) == 0 ]] && as=(runuser -u postgres --)
    "${as[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust >"$BENCH_WORK/pg-init.log" 2>&1
    "${as[@]}" "$pgbin/postgres" -D "$dir/data" -k "$dir" -p "$port" -c listen_addresses=127.0.0.1 \
        -c synchronous_commit=off -c max_connections=300 -c shared_buffers=512MB >"$BENCH_WORK/pg.log" 2>&1 &
    PG_PID=$!
    track $PG_PID
    wait_tcp "127.0.0.1:$port" 30
    local i
    for ((i = 0; i < 50; i++)); do
        "${as[@]}" psql -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE ferretdb" >/dev/null 2>&1 && break
        sleep 0.2
    done
    fport=$(free_port)
    bin/ferretpg -addr "127.0.0.1:$fport" -pg "postgres://postgres@127.0.0.1:$port/ferretdb" >"$BENCH_WORK/ferretpg.log" 2>&1 &
    MONGO_PID=$!
    track $MONGO_PID
    MONGO_ADDR=127.0.0.1:$fport
    wait_tcp "$MONGO_ADDR" 30
}
