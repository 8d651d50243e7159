# Sourced by ./dev: installs and starts the local RabbitMQ and PostgreSQL the two commands need.
# Servers on another host are only checked, never touched. Each step is skipped when already done, so
# a machine where both servers run pays for two port checks and nothing else.
#
# Ports come from the settings, also when dev installs or starts a server: AMQP_URI's port,
# RABBITMQ_MANAGEMENT_PORT, TEST_POSTGRES_URL's port (or PGPORT), and RabbitMQ's own RABBITMQ_DIST_PORT,
# ERL_EPMD_PORT and RABBITMQ_NODENAME, passed through.

PATH=$PATH:/usr/sbin:/sbin  # rabbitmq-server and rabbitmq-plugins live there; not on a user's PATH

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 || $1 == "[::1]" ]]; }
die() { echo "$*" >&2; exit 1; }

# parse_url URL DEFAULT_PORT: sets URL_AUTH (user:password), URL_HOST and URL_PORT.
parse_url() {
  local rest=${1#*://}
  rest=${rest%%/*}
  URL_AUTH=""
  if [[ $rest == *@* ]]; then URL_AUTH=${rest%@*}; rest=${rest##*@}; fi
  if [[ $rest == *:* ]]; then URL_HOST=${rest%:*}; URL_PORT=${rest##*:}; else URL_HOST=$rest; URL_PORT=$2; fi
}

am_root() { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# remember_settings, before dev fills in defaults: the ones given, for the command need_root prints
# (sudo passes no environment through).
remember_settings() {
  local name
  GIVEN_SETTINGS=""
  for name in AMQP_URI RABBITMQ_MANAGEMENT_PORT TEST_POSTGRES_URL PGPORT RABBITMQ_DIST_PORT ERL_EPMD_PORT \
              RABBITMQ_NODENAME; do
    if [ -n "${!name:-}" ]; then GIVEN_SETTINGS+="$name=$(printf %q "${!name}") "; fi
  done
}

# Without root, dev stops with the one command that does the privileged part once.
need_root() {
  am_root && return 0
  die "$1; that needs root once: sudo ${GIVEN_SETTINGS:+env $GIVEN_SETTINGS}./dev setup"
}

# manage_locally WHAT HOST PORT SETTING: go on only if dev may install and start this server itself
# (on this machine, with apt, as root); otherwise stop and say what to do.
manage_locally() {
  is_local "$2" || die "$1 is not reachable at $2:$3 ($4); dev starts only servers on this machine"
  command -v apt-get >/dev/null 2>&1 ||
    die "$1 is not running on port $3; dev sets servers up on Debian and Ubuntu only: start it yourself (README: On a fresh machine)"
  need_root "$1 is not running on port $3"
}

# apt_install PACKAGE...: the distribution's packages, without letting their install scripts start
# the servers (dev starts them itself, on the configured ports).
apt_install() {
  [ $# = 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing: $*; dev installs packages on Debian and Ubuntu only: install them yourself (README: On a fresh machine)"
  need_root "missing: $*"
  say "installing $* (apt-get)"
  # Debian's policy-rc.d: while it exists and answers 101, package scripts start no service.
  local policy=/usr/sbin/policy-rc.d placed=""
  if [ ! -e $policy ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && placed=1
    trap "as_root rm -f $policy" EXIT
  fi
  local status=0
  # One index update per run of dev, however many installs follow.
  { { [ -n "${APT_UPDATED:-}" ] || as_root apt-get update -qq; } && APT_UPDATED=1 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >/dev/null ||
    status=$?
  if [ -n "$placed" ]; then as_root rm -f $policy; trap - EXIT; fi
  [ $status = 0 ] || die "apt-get could not install $* (exit $status)"
}

wait_until() {  # wait_until SECONDS WHAT COMMAND...: poll once a second
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" && return 0; sleep 1; done
  die "$what did not come up within ${seconds}s"
}

management_up() { curl -fsS -u "${AMQP_AUTH:-guest:guest}" "http://$AMQP_HOST:$RABBITMQ_MANAGEMENT_PORT/api/overview" >/dev/null 2>&1; }

# RabbitMQ's own settings, handed to the server and its command-line tools through sudo and su.
rabbitmq_env() {
  local name
  printf '%s\n' env "RABBITMQ_NODE_PORT=$AMQP_PORT" \
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-rabbitmq_management tcp_config [{port,$RABBITMQ_MANAGEMENT_PORT}]"
  for name in RABBITMQ_DIST_PORT ERL_EPMD_PORT RABBITMQ_NODENAME; do
    if [ -n "${!name:-}" ]; then printf '%s\n' "$name=${!name}"; fi
  done
}

ensure_rabbitmq() {
  port_open "$AMQP_HOST" "$AMQP_PORT" && return 0
  manage_locally RabbitMQ "$AMQP_HOST" "$AMQP_PORT" AMQP_URI
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  local env
  mapfile -t env < <(rabbitmq_env)
  if ! grep -qs rabbitmq_management /etc/rabbitmq/enabled_plugins; then
    say "enabling the RabbitMQ management plugin (nameko's test vhosts are made through it)"
    as_root "${env[@]}" rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
  fi
  # systemd's unit knows only the default ports; any other setting means starting the server here.
  if [ -d /run/systemd/system ] && [ "$AMQP_PORT:$RABBITMQ_MANAGEMENT_PORT" = 5672:15672 ] &&
     [ -z "${RABBITMQ_DIST_PORT:-}${ERL_EPMD_PORT:-}${RABBITMQ_NODENAME:-}" ]; then
    say "starting RabbitMQ (systemctl)"
    as_root systemctl start rabbitmq-server
  else
    say "starting RabbitMQ on port $AMQP_PORT, management on $RABBITMQ_MANAGEMENT_PORT (logs: /var/log/rabbitmq)"
    as_root "${env[@]}" rabbitmq-server -detached </dev/null >/dev/null 2>&1
  fi
  wait_until 120 "RabbitMQ on port $AMQP_PORT" port_open "$AMQP_HOST" "$AMQP_PORT"
}

ensure_management_plugin() {
  management_up && return 0
  manage_locally "RabbitMQ's management API" "$AMQP_HOST" "$RABBITMQ_MANAGEMENT_PORT" "AMQP_URI, RABBITMQ_MANAGEMENT_PORT"
  say "enabling the RabbitMQ management plugin (nameko's test vhosts are made through it)"
  local env
  mapfile -t env < <(rabbitmq_env)
  as_root "${env[@]}" rabbitmq-plugins enable rabbitmq_management >/dev/null
  wait_until 60 "the RabbitMQ management API on port $RABBITMQ_MANAGEMENT_PORT" management_up
}

pg_ready() { pg_isready -q -d "$TEST_POSTGRES_URL/postgres" 2>/dev/null; }

ensure_postgres() {
  pg_ready && return 0
  manage_locally PostgreSQL "$PG_HOST" "$PG_PORT" TEST_POSTGRES_URL
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
    # The package made an empty cluster "main" that asks for passwords over TCP: remake it below on
    # the configured port, letting local TCP connections in as the tests do (postgresql://postgres@...).
    local made
    made=$(pg_lsclusters -h | awk '$2 == "main" {print $1}')
    if [ -n "$made" ]; then as_root pg_dropcluster --stop "$made" main; fi
  fi
  local cluster
  cluster=$(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port {print $1, $2; exit}')
  if [ -z "$cluster" ]; then
    local version name=main
    version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    [ -d "/etc/postgresql/$version/main" ] && name=inklusi
    say "creating PostgreSQL cluster $version/$name on port $PG_PORT (local TCP without password, for the tests)"
    as_root pg_createcluster --port "$PG_PORT" --locale C.UTF-8 "$version" "$name" -- \
      --auth-host=trust --auth-local=peer >/dev/null
    cluster="$version $name"
  fi
  say "starting PostgreSQL cluster ${cluster/ //} on port $PG_PORT"
  # pg_ctlcluster hands over to systemctl where systemd runs, and starts the server itself elsewhere.
  as_root pg_ctlcluster ${cluster} start
  wait_until 60 "PostgreSQL on port $PG_PORT" pg_ready
}

ensure_docker_compose() {
  # Only the client: a test validates docker-compose.yml with `docker-compose config -q`. Optional
  # without root (that test skips), required in CI.
  command -v docker-compose >/dev/null 2>&1 && return 0
  if am_root && command -v apt-get >/dev/null 2>&1; then apt_install docker-compose; fi
}

# ensure_tools [COMMAND...]: the virtualenv module a bare Debian lacks, and the commands named (each
# in the Debian package of the same name).
ensure_tools() {
  local missing=() tool
  [ -x "$VENV/bin/python" ] || python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  apt_install ${missing[@]+"${missing[@]}"}  # (the form bash 3.2, macOS's, accepts for an empty array)
}
