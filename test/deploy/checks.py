#!/usr/bin/env python3
"""Static checks of the deployment files (docker-compose.yml, .env.example,
Dockerfile, .dockerignore, nginx/*.conf). Prints one "ok - ..." or
"not ok - ..." line per check; run.sh counts them.

    python3 test/deploy/checks.py REPO_ROOT
"""
import os
import re
import sys

import yaml

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    if cond:
        print(f"ok - {name}")
    else:
        print(f"not ok - {name}" + (f": {detail}" if detail else ""))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def as_list(cmd):
    if cmd is None:
        return []
    if isinstance(cmd, str):
        return cmd.split()
    return [str(c) for c in cmd]


def flat(value):
    """Everything a compose value says, as one string."""
    if isinstance(value, dict):
        return " ".join(f"{k} {flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(flat(v) for v in value)
    return "" if value is None else str(value)


def env_items(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        out = {}
        for item in env:
            k, _, v = str(item).partition("=")
            out[k] = v
        return out
    return {k: ("" if v is None else str(v)) for k, v in env.items()}


def seconds(value):
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(value or ""))
    if not m or not any(m.groups()):
        return 0
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


# ------------------------------------------------------------------ compose
compose_text = read("docker-compose.yml")
compose = yaml.safe_load(compose_text)
services = compose.get("services", {})
check("compose: parses and defines mongo, redis, chatdesk, nginx, certbot",
      {"mongo", "redis", "chatdesk", "nginx", "certbot"} <= set(services),
      f"services: {sorted(services)}")

mongo = services.get("mongo", {})
redis = services.get("redis", {})
node = services.get("chatdesk", {})
nginx = services.get("nginx", {})
certbot = services.get("certbot", {})

check("compose: mongo is MongoDB 7", str(mongo.get("image", "")).startswith("mongo:7"), mongo.get("image"))
mcmd = as_list(mongo.get("command"))
check("compose: mongo runs a replica set (--replSet rs0)",
      "--replSet" in mcmd and mcmd[mcmd.index("--replSet") + 1] == "rs0", mcmd)
check("compose: mongo healthcheck initiates the replica set",
      "rs.initiate" in flat(mongo.get("healthcheck")) and "mongo:27017" in flat(mongo.get("healthcheck")))
check("compose: mongo data on a volume", any(str(v).endswith(":/data/db") for v in mongo.get("volumes", [])))

check("compose: redis is Redis 7", str(redis.get("image", "")).startswith("redis:7"), redis.get("image"))
rcmd = as_list(redis.get("command"))
check("compose: redis has appendonly yes",
      "--appendonly" in rcmd and rcmd[rcmd.index("--appendonly") + 1] == "yes", rcmd)
check("compose: redis has a healthcheck and a volume",
      "ping" in flat(redis.get("healthcheck")) and any(str(v).endswith(":/data") for v in redis.get("volumes", [])))

check("compose: chatdesk is built from the Dockerfile", node.get("build") is not None)
check("compose: chatdesk has no container_name (scalable)", "container_name" not in node)
check("compose: chatdesk replica count comes from .env (CHATDESK_REPLICAS)",
      str((node.get("deploy") or {}).get("replicas", "")).startswith("${CHATDESK_REPLICAS"))
check("compose: chatdesk publishes no host port", not node.get("ports"), node.get("ports"))
deps = node.get("depends_on") or {}
check("compose: chatdesk waits for healthy mongo and redis",
      isinstance(deps, dict) and all((deps.get(s) or {}).get("condition") == "service_healthy" for s in ("mongo", "redis")),
      deps)
check("compose: chatdesk stop_grace_period >= 25s (drains ~20s)",
      seconds(node.get("stop_grace_period")) >= 25, node.get("stop_grace_period"))
nenv = env_items(node)
check("compose: chatdesk runs in production and takes its JWT secret from .env",
      nenv.get("CHATDESK_ENV") == "production" and nenv.get("CHATDESK_JWT_SECRET", "").startswith("${CHATDESK_JWT_SECRET"),
      nenv.get("CHATDESK_JWT_SECRET"))
check("compose: chatdesk sets no fixed node id (hostname per replica)", "CHATDESK_NODE_ID" not in nenv)
check("compose: chatdesk mongo URI names the replica set", "replicaSet=rs0" in nenv.get("CHATDESK_MONGO_URI", ""))

for name in ("mongo", "redis", "certbot"):
    check(f"compose: {name} publishes no port", not services.get(name, {}).get("ports"))

ports = [str(p) for p in nginx.get("ports", [])]
published = {p.split(":")[-2] if p.count(":") >= 1 else p for p in ports}
check("compose: nginx publishes 80 and 443", {"80", "443"} <= published, ports)
nvol = [str(v) for v in nginx.get("volumes", [])]
check("compose: nginx mounts ./nginx, the certbot webroot and the certificates",
      any(v.startswith("./nginx:") for v in nvol)
      and any(":/var/www/certbot" in v for v in nvol)
      and any(":/etc/letsencrypt" in v for v in nvol), nvol)
ncmd = flat(nginx.get("command"))
check("compose: nginx runs nginx/production.conf and reloads periodically",
      "/etc/nginx/chatdesk/production.conf" in ncmd and "-s reload" in ncmd and "sleep" in ncmd, ncmd)
check("compose: certbot renews in a loop on the shared webroot",
      "certbot renew" in flat(certbot.get("entrypoint")) and "--webroot" in flat(certbot.get("entrypoint"))
      and any(":/var/www/certbot" in str(v) for v in certbot.get("volumes", [])))
check("compose: every service restarts unless stopped",
      all(s.get("restart") in ("unless-stopped", "always") for s in services.values()))
nets = compose.get("networks", {}) or {}
check("compose: mongo/redis network is internal",
      all(set(services[s].get("networks", [])) <= {k for k, v in nets.items() if (v or {}).get("internal")}
          for s in ("mongo", "redis")))
check("compose: mounted files exist", os.path.isfile(os.path.join(ROOT, "nginx/production.conf")))

# Variables: every ${VAR} must be documented in .env.example.
env_example = read(".env.example")
example_keys = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", env_example, re.M))
used = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", compose_text))
check("compose: every ${VAR} is in .env.example", used and used <= example_keys,
      f"missing: {sorted(used - example_keys)}")
server_vars = {"CHATDESK_JWT_SECRET", "CHATDESK_JWT_TTL", "CHATDESK_ALLOWED_ORIGINS", "CHATDESK_PUBLIC_URL",
               "CHATDESK_TRUSTED_PROXIES", "CHATDESK_MONGO_URI", "CHATDESK_MONGO_DB", "CHATDESK_REDIS_URL",
               "CHATDESK_REDIS_PREFIX", "CHATDESK_LOG_FORMAT", "CHATDESK_DOMAIN", "CHATDESK_LETSENCRYPT_EMAIL"}
# Every variable of the server's own table (internal/config) reaches the nodes:
# from .env through compose, or fixed by the image. CHATDESK_NODE_ID stays unset
# on purpose (hostname = one id per replica).
cfg_path = os.path.join(ROOT, "internal/config/config.go")
if os.path.isfile(cfg_path):
    cfg = read("internal/config/config.go")
    table = cfg[cfg.find("var Vars"):]
    table = table[:table.find("\n}\n")]
    server_table = set(re.findall(r'\{"(CHATDESK_[A-Z0-9_]+)"', table))
    image_env = set(re.findall(r"\b(CHATDESK_[A-Z0-9_]+)=", dockerfile_text := read("Dockerfile")))
    missing = sorted(server_table - set(nenv) - image_env - {"CHATDESK_NODE_ID"})
    check("compose: every server setting (internal/config Vars) is passed to the nodes or set by the image",
          server_table and not missing, f"missing: {missing}")
check(".env.example: lists the server and deployment variables", server_vars <= example_keys,
      f"missing: {sorted(server_vars - example_keys)}")
jwt = re.search(r"^CHATDESK_JWT_SECRET=(.*)$", env_example, re.M)
check(".env.example: JWT secret is a placeholder the server refuses (< 32 chars) and says how to generate one",
      jwt and "CHANGE_ME" in jwt.group(1) and len(jwt.group(1)) < 32 and "openssl rand -hex 32" in env_example)

# No secret-looking literal values.
SECRET_KEY = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE)", re.I)
bad = []
for sname, svc in services.items():
    for k, v in env_items(svc).items():
        if SECRET_KEY.search(k) and v and not v.startswith("${"):
            bad.append(f"{sname}.{k}")
check("compose: no literal secret in any environment", not bad, bad)
check("compose: no long random-looking literal (hex/base64 >= 32)",
      not re.search(r"(?<![A-Za-z0-9/_.-])[A-Fa-f0-9]{32,}(?![A-Za-z0-9])|[A-Za-z0-9+/]{40,}={0,2}", compose_text))
for k, v in re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", env_example, re.M):
    if SECRET_KEY.search(k) and v and "CHANGE_ME" not in v:
        bad.append(f".env.example {k}")
check(".env.example: secrets are placeholders", not bad, bad)
gitignore = read(".gitignore")
check(".gitignore keeps .env out of git", re.search(r"^/?\.env$", gitignore, re.M))

# ------------------------------------------------------------------ Dockerfile
dockerfile = read("Dockerfile")
lines = [l.strip() for l in re.sub(r"\\\n", " ", dockerfile).splitlines() if l.strip() and not l.strip().startswith("#")]
stages = []
for l in lines:
    if l.upper().startswith("FROM "):
        stages.append({"from": l, "lines": []})
    elif stages:
        stages[-1]["lines"].append(l)
check("Dockerfile: multi-stage (node, golang, runtime)",
      len(stages) >= 3 and any("node:" in s["from"] for s in stages) and any("golang:" in s["from"] for s in stages),
      [s["from"] for s in stages])
gomod = read("go.mod")
gov = re.search(r"^go (\d+\.\d+)", gomod, re.M).group(1)
argv = re.search(r"^ARG GO_VERSION=(\S+)", dockerfile, re.M)
check(f"Dockerfile: Go image matches go.mod (go {gov})", argv and argv.group(1).startswith(gov), argv and argv.group(1))
nodev = re.search(r"^ARG NODE_VERSION=(\d+)", dockerfile, re.M)
check("Dockerfile: Node 20 for the front-ends", nodev and nodev.group(1) == "20")
build = " ".join(next((s["lines"] for s in stages if "golang:" in s["from"]), []))
check("Dockerfile: static, trimmed, versioned Go build of ./cmd/chatdesk",
      "CGO_ENABLED=0" in build and "-trimpath" in build and "-s -w" in build
      and "-X main.version=" in build and "./cmd/chatdesk" in build)
web = " ".join(next((s["lines"] for s in stages if "node:" in s["from"]), []))
check("Dockerfile: builds widget and dashboard with npm ci + npm run build",
      "npm ci" in web and "web-widget" in web and "web-dashboard" in web and web.count("npm run build") >= 2)
final = stages[-1] if stages else {"from": "", "lines": []}
users = [l.split(None, 1)[1] for l in final["lines"] if l.upper().startswith("USER ")]
check("Dockerfile: final stage runs as a non-root USER",
      users and users[-1].split(":")[0] not in ("root", "0"), users)
check("Dockerfile: final stage is minimal (distroless or alpine)",
      "distroless" in final["from"] or "alpine" in final["from"], final["from"])
fl = " ".join(final["lines"])
check("Dockerfile: final stage copies binary, widget and dashboard",
      "/out/chatdesk" in fl and "web-widget/dist" in fl and "web-dashboard/dist" in fl)
check("Dockerfile: EXPOSE 8080 and HEALTHCHECK",
      any(l.startswith("EXPOSE 8080") for l in final["lines"]) and any(l.startswith("HEALTHCHECK") for l in final["lines"]))
hc = re.search(r'HEALTHCHECK.*CMD \[([^\]]+)\]', re.sub(r"\\\n", " ", dockerfile))
main_go = read("cmd/chatdesk/main.go") if os.path.isfile(os.path.join(ROOT, "cmd/chatdesk/main.go")) else ""
check("Dockerfile: HEALTHCHECK runs `chatdesk healthcheck`, which the binary implements",
      hc and '"/usr/local/bin/chatdesk", "healthcheck"' in hc.group(1) and 'case "healthcheck":' in main_go,
      hc and hc.group(1))
check("Dockerfile: ENTRYPOINT is the binary (bare `chatdesk` serves, `agent add` works through run)",
      '"serve"' in main_go and re.search(r'^ENTRYPOINT \["/usr/local/bin/chatdesk"\]', dockerfile, re.M))
dockerignore = {l.strip() for l in read(".dockerignore").splitlines()}
need = {".git", "bin", "data", "artifacts", ".env"}
check(".dockerignore: excludes node_modules, bin, data, artifacts, .git, .env",
      need <= dockerignore and any("node_modules" in l for l in dockerignore), sorted(need - dockerignore))

# ------------------------------------------------------------------ nginx files
prod = read("nginx/production.conf")
proxy = read("nginx/chatdesk-proxy.conf")
httpc = read("nginx/chatdesk-http.conf")
render = read("nginx/render-test-conf.sh")
allnginx = prod + proxy + httpc + read("nginx/chatdesk-headers.conf") + render


def active(text):
    return "\n".join(l.split("#", 1)[0] for l in text.splitlines())


check("nginx: production and test include the same shared files",
      "include chatdesk-http.conf;" in prod and "include chatdesk-proxy.conf;" in prod
      and "include chatdesk-http.conf;" in render and "include chatdesk-proxy.conf;" in render)
check("nginx: no stickiness (ip_hash, hash, sticky)",
      not re.search(r"^\s*(ip_hash|hash|sticky)\b", active(allnginx), re.M))
check("nginx: POSTs are never re-sent to another node (no non_idempotent)",
      "non_idempotent" not in active(allnginx) and re.search(r"proxy_next_upstream\s+error timeout;", proxy))
check("nginx: TLS 1.2/1.3 only", re.search(r"^\s*ssl_protocols TLSv1\.2 TLSv1\.3;", prod, re.M))
check("nginx: HTTP redirects to HTTPS except the ACME webroot",
      "/.well-known/acme-challenge/" in prod and "return 301 https://$host$request_uri;" in prod)
check("nginx: Docker DNS resolver re-resolves the scaled upstream",
      re.search(r"^\s*resolver 127\.0\.0\.11 valid=10s", prod, re.M) and "set $chatdesk_upstream chatdesk:8080;" in prod)
check("nginx: limit zones defined at http level, used by the proxy rules",
      "limit_req_zone" in httpc and "limit_conn_zone" in httpc and "limit_req zone=" in proxy and "limit_conn " in proxy)
check("nginx: access log never logs query strings",
      not re.search(r"\$(request|request_uri|args|query_string|arg_\w+)\b", active(re.search(r"log_format[^;]*;", httpc, re.S).group(0))))


# Headers: every location of the shared proxy rules includes the header
# snippet (a location with its own add_header inherits nothing), and the
# snippet never lets a page be framed.
headers_conf = read("nginx/chatdesk-headers.conf")
blocks = re.findall(r"^location\s+([^{]+)\{(.*?)^\}", proxy, re.S | re.M)
missing = [loc.strip() for loc, body in blocks if "include chatdesk-headers.conf;" not in active(body)]
check("nginx: every location includes chatdesk-headers.conf", blocks and not missing, missing)
check("nginx: chatdesk-headers.conf sends nosniff and X-Frame-Options DENY (hiding the node's)",
      re.search(r'^add_header X-Frame-Options "DENY" always;', headers_conf, re.M)
      and re.search(r"^proxy_hide_header X-Frame-Options;", headers_conf, re.M)
      and re.search(r'^add_header X-Content-Type-Options "nosniff" always;', headers_conf, re.M))
dash = {loc.strip(): active(body) for loc, body in blocks if loc.strip().startswith("/dashboard")}
check("nginx: every /dashboard location sends the dashboard CSP instead of the node's",
      set(dash) == {"/dashboard", "/dashboard/assets/"}
      and all("proxy_hide_header Content-Security-Policy;" in b and "add_header Content-Security-Policy $chatdesk_dashboard_csp always;" in b
              for b in dash.values()), sorted(dash))
assets = dash.get("/dashboard/assets/", "")
check("nginx: only assets the node has are cached for a year (no 'always' on the immutable Cache-Control)",
      re.search(r'add_header Cache-Control "public, max-age=31536000, immutable";', assets)
      and not re.search(r"immutable\"\s+always", assets), assets)
csp = re.search(r'\$chatdesk_dashboard_csp \{\s*default\s+"([^"]+)"', httpc)
check("nginx: the dashboard CSP forbids framing, plugins and inline or foreign scripts",
      csp and "frame-ancestors 'none'" in csp.group(1) and "object-src 'none'" in csp.group(1)
      and re.search(r"script-src 'self';", csp.group(1)) and "unsafe-eval" not in csp.group(1), csp and csp.group(1))
# The node sends the same policy itself (for deployments without this Nginx).
static_go = read("internal/httpapi/static.go") if os.path.isfile(os.path.join(ROOT, "internal/httpapi/static.go")) else ""
node_csp = re.search(r'"(default-src \'self\'; script-src[^"]*)"', static_go)
check("nginx and the node agree on the dashboard CSP (up to the WebSocket source)",
      csp and node_csp and csp.group(1).replace(" $chatdesk_ws_scheme://$host", "").startswith(node_csp.group(1)),
      (csp and csp.group(1), node_csp and node_csp.group(1)))

print(f"# static checks: {sum(results)} passed, {len(results) - sum(results)} failed")
