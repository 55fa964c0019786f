"""Renders docker-compose.yml + .env.example into what scripts/rehearsal.sh runs on loopback.

    python3 render.py env   REPO OUT_ENV PORTS_JSON        # .env.example with the empty values filled
    python3 render.py files REPO RENDERED_YML OUT_DIR PORTS_JSON

`env` does what an operator does with .env.example: every empty value gets a fresh secret,
except the few that name a place (the SMS provider, the alert webhook, the TLS folder), which get
the rehearsal's own. `files` takes `docker-compose config` output (so compose's own interpolation
decides every value) and writes, per process, its environment, arguments and configuration files.
Only addresses change: compose host names and ports become loopback ports, container paths become
folders of the rehearsal. A value that still names a compose host afterwards is an error, so a
new setting cannot slip past unrendered.
"""
import base64
import json
import os
import re
import secrets
import shutil
import sys
from pathlib import Path

import yaml


def fail(message):
    sys.exit(f"render: {message}")


def fill_env(repo, out_env, ports):
    places = {
        # The SMS stand-in's registered sender and its relay route (tools/Distance.StandIns).
        "SOLAPI_FROM": "0215990000",
        "TWILIO_FROM": "+15005550006",
        "SMS_RELAY_ENDPOINT": f"https://127.0.0.1:{ports['sms']}/relay/send",
        "ALERT_WEBHOOK_URL": f"https://127.0.0.1:{ports['webhook']}/hooks/alerts",
        "TLS_CERTIFICATE_DIR": str(Path(out_env).parent / "tls"),
    }
    lines, filled = [], []
    for line in (Path(repo) / ".env.example").read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            name, value = match.groups()
            if name in places:
                value = places[name]
            elif value == "":
                value = base64.b64encode(secrets.token_bytes(32)).decode()
                filled.append(name)
            line = f"{name}={value}"
        lines.append(line)
    Path(out_env).write_text("\n".join(lines) + "\n")
    print(f"secrets generated for {', '.join(filled)}", file=sys.stderr)


class Service:
    """One rendered compose service and the map from its container paths to rehearsal folders."""

    def __init__(self, name, spec, out):
        self.name, self.spec, self.out = name, spec, out
        self.mounts = []  # (container path, host path), longest container path first
        for volume in spec.get("volumes", []):
            source, target = volume.split(":")[:2]
            if not source.startswith("/"):  # a named volume: a folder of the rehearsal
                source = str(out / "volumes" / source)
                Path(source).mkdir(parents=True, exist_ok=True)
            self.mounts.append((target, source))
        self.mounts.sort(key=lambda m: -len(m[0]))

    def host_path(self, path):
        for target, source in self.mounts:
            if path == target or path.startswith(target + "/"):
                return source + path[len(target):]
        fail(f"{self.name}: {path} is not inside any of its volumes")

    def map_paths(self, text):
        """Every absolute path under one of the service's volume targets, mapped to the host."""
        for target, _ in self.mounts:
            text = re.sub(r"(?<![\w./-])" + re.escape(target) + r"(?=/|\b)",
                          lambda m: self.host_path(m.group(0)), text)
        return text

    @property
    def environment(self):
        return {k: "" if v is None else str(v) for k, v in (self.spec.get("environment") or {}).items()}


def replace_exactly(text, pattern, replacement, count, what):
    result, made = re.subn(pattern, replacement, text)
    if made != count:
        fail(f"{what}: expected {count} match(es) of {pattern!r}, found {made}")
    return result


def render_files(repo, rendered_yml, out, ports):
    out = Path(out)
    compose = yaml.safe_load(Path(rendered_yml).read_text())
    services = {name: Service(name, spec, out) for name, spec in compose["services"].items()}
    nginx = services["nginx"]
    nginx_address = compose["services"]["nginx"]["networks"]["distance"]["ipv4_address"]
    hosts = {  # compose host:port -> loopback host:port
        ("mariadb", 3306): ("127.0.0.1", ports["mariadb"]),
        ("redis", 6379): ("127.0.0.1", ports["redis"]),
        ("smtp-relay", 587): ("127.0.0.1", ports["smtp"]),
        ("node1", 8080): ("127.0.0.1", ports["node1"]),
        ("node2", 8080): ("127.0.0.1", ports["node2"]),
        ("push-worker", 8080): ("127.0.0.1", ports["push-worker"]),
        ("alertmanager", 9093): ("127.0.0.1", ports["alertmanager"]),
    }
    compose_names = set(services) | {nginx_address}

    def leftover_hosts(name, value):
        for host in compose_names:
            if re.search(r"(?<![\w.-])" + re.escape(host) + r"(?![\w-])", value):
                fail(f"{name}={value!r} still names the compose host {host!r}: teach render.py its loopback address")

    # ---- MariaDB and Redis: their command lines and the account the MariaDB image creates -------
    mariadb = services["mariadb"].environment
    (out / "mariadb.json").write_text(json.dumps({
        "args": compose["services"]["mariadb"].get("command", []),
        "database": mariadb["MARIADB_DATABASE"], "user": mariadb["MARIADB_USER"], "password": mariadb["MARIADB_PASSWORD"],
    }))
    redis_command = compose["services"]["redis"]["command"]
    if redis_command[0] != "redis-server":
        fail("redis: the command must start with redis-server")
    (out / "redis.args").write_text("\n".join(redis_command[1:]) + "\n")

    def loopback_stores(env):
        """The compose addresses of MariaDB and Redis in a service's settings, as loopback ports."""
        if "Database__ConnectionString" in env:
            database = dict(part.split("=", 1) for part in env["Database__ConnectionString"].split(";") if part)
            host, port = hosts[(database["Server"], int(database.get("Port", 3306)))]
            database["Server"], database["Port"] = host, str(port)
            env["Database__ConnectionString"] = ";".join(f"{k}={v}" for k, v in database.items())
        if "Redis__ConnectionString" in env:
            first, _, rest = env["Redis__ConnectionString"].partition(",")
            redis_host, _, redis_port = first.partition(":")
            env["Redis__ConnectionString"] = "{}:{}".format(*hosts[(redis_host, int(redis_port or 6379))]) + (f",{rest}" if rest else "")

    def write_process(name, spec, env):
        """The service's environment (loopback port, GC limit as in a container) and its compose health check."""
        # The images listen on 8080 (Dockerfiles); the rehearsal on the service's loopback port.
        env["ASPNETCORE_URLS"] = f"http://127.0.0.1:{hosts[(name, 8080)][1]}"
        # In a container the GC limits its heap to 75 % of the memory limit; without one, say so.
        limit = parse_size(spec["mem_limit"])
        env["DOTNET_GCHeapHardLimit"] = hex(limit * 3 // 4)
        for key, value in env.items():
            if "\n" in value:
                fail(f"{name}: {key} holds a line break")
            leftover_hosts(key, value)
        (out / f"{name}.env").write_text("".join(f"{k}={v}\n" for k, v in sorted(env.items())))
        test = spec["healthcheck"]["test"]
        if test[0] != "CMD":
            fail(f"{name}: the health check must be an exec form [CMD, ...]")
        (out / f"{name}.health").write_text("\n".join(test[1:]) + "\n")

    # ---- The nodes: environment as rendered, addresses rewritten --------------------------------
    for node in ("node1", "node2"):
        spec = compose["services"][node]
        env = services[node].environment
        loopback_stores(env)
        # nginx reaches the nodes from loopback here, from its fixed compose address there.
        for key, value in env.items():
            if value == nginx_address:
                env[key] = "127.0.0.1"
        # A setting the compose file lacks stays missing: the node's own validation must say so.
        smtp = (env.get("Messaging__Smtp__Host", ""), int(env.get("Messaging__Smtp__Port") or 0))
        if smtp in hosts:
            env["Messaging__Smtp__Host"], port = hosts[smtp]
            env["Messaging__Smtp__Port"] = str(port)
        # The providers' own hosts (the app's defaults) become the stand-in's address; the stand-in
        # accepts exactly the credentials the compose file hands the node.
        provider = env.get("Messaging__Sms__Provider", "")
        stand_in = f"https://127.0.0.1:{ports['sms']}"
        if provider in ("Solapi", "Twilio"):
            env[f"Messaging__Sms__{provider}__BaseUrl"] = stand_in
        (out / "standin.env").write_text("".join(
            f"StandIns__{key[len('Messaging__Sms__'):]}={value}\n" for key, value in sorted(env.items())
            if re.fullmatch(r"Messaging__Sms__(Solapi__(ApiKey|ApiSecret|From)|Twilio__(AccountSid|AuthToken|From))", key) and value)
            + (f"StandIns__Relay__ApiKey={env['Messaging__Sms__ApiKey']}\n" if env.get("Messaging__Sms__ApiKey") else ""))
        write_process(node, spec, env)
        (out / f"{node}.nofile").write_text(str(spec["ulimits"]["nofile"]["hard"]))

    # ---- The push worker: its stores on loopback; providers as .env.example leaves them (off) -----
    worker = services["push-worker"].environment
    loopback_stores(worker)
    write_process("push-worker", compose["services"]["push-worker"], worker)

    # ---- nginx: the shipped files, only upstream servers and listen ports changed ---------------
    published = {int(p["target"]): ports["https"] if int(p["target"]) == 443 else ports["http"]
                 for p in compose["services"]["nginx"]["ports"]}
    conf = out / "nginx"
    (conf / "conf.d").mkdir(parents=True, exist_ok=True)
    main = Path(nginx.host_path("/etc/nginx/nginx.conf")).read_text()
    main = replace_exactly(main, r"server (node[12]):8080",
                           lambda m: "server {}:{}".format(*hosts[(m.group(1), 8080)]), 2, "nginx upstream")
    main = replace_exactly(main, r"listen (\d+);", lambda m: f"listen 127.0.0.1:{published[int(m.group(1))]};", 1, "nginx listen")
    (conf / "nginx.conf").write_text(main)
    for target, source in nginx.mounts:
        if target.startswith("/etc/nginx/") and target.endswith(".conf") and target != "/etc/nginx/nginx.conf":
            shutil.copy(source, conf / Path(target).name)
    # What the nginx image's entrypoint does: templates/*.template -> conf.d/*, substituting only
    # the variables NGINX_ENVSUBST_FILTER selects; container paths in them map to host folders.
    nginx_env = nginx.environment
    selected = {k: v for k, v in nginx_env.items() if re.search(nginx_env.get("NGINX_ENVSUBST_FILTER", ""), k)}
    templates = Path(nginx.host_path("/etc/nginx/templates"))
    for template in sorted(templates.glob("*.template")):
        text = template.read_text()
        for key, value in selected.items():
            text = text.replace("${" + key + "}", nginx.map_paths(value))
        if re.search(r"\$\{", text):
            fail(f"{template.name}: a ${{...}} is left that no variable fills")
        text = replace_exactly(text, r"listen (\d+) ssl;", lambda m: f"listen 127.0.0.1:{published[int(m.group(1))]} ssl;",
                               1, "nginx TLS listen")
        (conf / "conf.d" / template.name[: -len(".template")]).write_text(text)

    # ---- Prometheus and Alertmanager: their flags and files, addresses and paths mapped -----------
    def target_rewrite(text, what):
        def one(m):
            key = (m.group(1), int(m.group(2)))
            if key not in hosts:
                fail(f"{what}: no loopback address for {m.group(0)}")
            return "{}:{}".format(*hosts[key])
        return re.sub(r"\b(node\d+|alertmanager|mariadb|redis):(\d+)\b", one, text)

    for name, port in (("prometheus", ports["prometheus"]), ("alertmanager", ports["alertmanager"])):
        service = services[name]
        config_dir = out / name
        config_dir.mkdir(exist_ok=True)
        args = []
        for flag in compose["services"][name]["command"]:
            key, _, value = flag.partition("=")
            if key == "--config.file":
                source = Path(service.host_path(value))
                for file in source.parent.iterdir():
                    if file.suffix in (".yml", ".yaml", ".tmpl"):
                        text = service.map_paths(target_rewrite(file.read_text(), f"{name}/{file.name}"))
                        if file.name == "prometheus.yml":
                            # Compose's DNS names every push-worker container; here the one worker's port.
                            text = replace_exactly(
                                text, r"dns_sd_configs:\n\s+- names: \[\"push-worker\"\]\n(?:\s+(?:type|port|refresh_interval): .*\n)*",
                                "static_configs:\n      - targets: [\"{}:{}\"]\n".format(*hosts[("push-worker", 8080)]), 1, "prometheus push-worker")
                        (config_dir / file.name).write_text(text)
                value = str(config_dir / source.name)
            elif value.startswith("/"):
                value = service.host_path(value)
            args.append(f"{key}={value}" if value else key)
        args.append(f"--web.listen-address=127.0.0.1:{port}")
        (out / f"{name}.args").write_text("\n".join(args) + "\n")
    # The alertmanager entrypoint writes the webhook URL into its data volume.
    alertmanager = services["alertmanager"]
    webhook_file = Path(alertmanager.host_path("/alertmanager/webhook-url"))
    webhook_file.write_text(alertmanager.environment["ALERT_WEBHOOK_URL"])
    entrypoint = " ".join(compose["services"]["alertmanager"]["entrypoint"])
    if "/alertmanager/webhook-url" not in entrypoint:
        fail("alertmanager: the entrypoint no longer writes /alertmanager/webhook-url; update render.py")


def parse_size(value):
    match = re.fullmatch(r"(\d+)([bkmg]?)", str(value).lower())
    if not match:
        fail(f"unreadable size {value!r}")
    return int(match.group(1)) * {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[match.group(2)]


if __name__ == "__main__":
    if sys.argv[1] == "env":
        fill_env(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    elif sys.argv[1] == "files":
        render_files(sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5]))
    else:
        fail("usage: render.py env|files ...")
