// The starter file `pingwatcher init-config` writes: every section, commented, with loopback
// targets only (no default may probe an outside address). A test loads it with the real loader.

export const STARTER_CONFIG = `# pingwatcher.yaml: PingWatcher's config file (YAML; JSON works too).
# Read at start from the data directory, or from --config PATH / PINGWATCHER_CONFIG.
# Precedence: command-line flags > PINGWATCHER_* environment > this file > defaults.
# Targets, configurations and alert rules are reloaded on SIGHUP and when this file changes;
# the other sections are read at start. Check it without starting anything: pingwatcher check --config PATH
# Every field is optional; unknown fields are errors. Durations are in seconds, as in the API.

# Targets declared here are kept in step with the database: added, changed, and when removed
# from this file, paused (their history stays until retention removes it). Targets added over
# the API or the CLI are runtime targets and are left alone. Each host appears once.
targets:
  - host: 127.0.0.1
    label: loopback (IPv4)
    groups: [local]
    # interval: 2.5          # seconds between rounds (0.1 .. 86400)
    # protocol: udp          # icmp (default) | udp | tcp
    # port: 33434            # udp/tcp destination port (not with icmp)
    # packetSize: 56         # bytes
    # maxHops: 30
    # timeout: 3             # seconds per probe
    # interPacketDelay: 0.025  # seconds between the probes of one round
    # finalHopOnly: false
    # ipVersion: 4           # 4 | 6 (for host names)
  - host: "::1"
    label: loopback (IPv6)
    groups: [local]
    configuration: every-5s  # takes the named configuration's options (own fields win)

# Named configurations (presets of target options), the same as in the web UI and API.
configurations:
  - name: every-5s
    options:
      interval: 5

# server:
#   host: 127.0.0.1          # listen address [--host, PINGWATCHER_HOST]
#   port: 8000               # 0 = any free port [--port, PINGWATCHER_PORT]
#   headless: false          # API only, no web UI [--headless]
#   corsOrigins: []          # e.g. [https://dash.example.org] [--cors-origin]
#   prober: auto             # auto | mtr-packet | ping [--prober]
#   metricsAllHops: false    # GET /metrics reports every hop [--metrics-all-hops]

# retention:                 # days kept [--raw-days, --minute-days, --hour-days]
#   rawDays: 3
#   minuteDays: 30
#   hourDays: 1825

# auth:
#   sessionHours: 168        # how long a login lasts
#   loginMaxFailures: 5      # failed logins per client within loginWindowSeconds
#   loginWindowSeconds: 60
#   tokenSha256: ...         # SHA-256 (hex) of an API token: printf %s TOKEN | sha256sum

# interfaces:                # interface traffic (README: Interface traffic) [--interfaces-*]
#   intervalMs: 10000        # how often counters are read
#   include: []              # names or globs always monitored
#   exclude: []              # names or globs never monitored
#   primary: eth0            # else chosen by traffic
#   off: false               # true: no interface monitoring

# alertRules:                # the fields of POST /api/alerts/rules (README: Alerts); by name
#   - name: loopback loss
#     condition: { metric: lossPct, op: ">", threshold: 20 }
#     trigger: { consecutive: 3 }

# alerts:                    # what alerts.json held (that file is still read when this is absent)
#   commandAllowlist: []     # absolute paths of the programs the command action may run
#   smtp:
#     host: mail.example.org
#     port: 587
#     from: pingwatcher@example.org
`;
