// Offline checks of the rendered kustomize overlays, the Dockerfile, the alert rules and the Grafana
// dashboard. Called by .ci/check-deploy:
//   node check.mjs REPO_ROOT OUT_DIR NAME=RENDERED.yaml ...
// Writes OUT_DIR/rules.yaml (the PrometheusRule's groups, for promtool). Exits 1 on any failure.
import { readFileSync, writeFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import ts from "typescript";

const RUNTIME_METERS = new Set(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "runtime-meters.txt"), "utf8")
  .split("\n").filter((l) => l && !l.startsWith("#")));
const PROMQL_WORDS = new Set(["sum", "rate", "irate", "increase", "max", "min", "avg", "count", "by", "without", "on", "ignoring",
  "group_left", "group_right", "and", "or", "unless", "topk", "bottomk", "histogram_quantile", "max_over_time", "min_over_time",
  "avg_over_time", "label_values", "clamp_min", "clamp_max", "abs", "vector", "scalar", "time", "offset", "bool", "delta", "deriv",
  "humanize", "le", "quantile", "absent", "sort_desc", "sort"]);
const [root, outDir, ...renderedArgs] = process.argv.slice(2);
const failures = [];
let checks = 0;
function check(ok, what, detail = "") {
  checks++;
  if (!ok) failures.push(detail ? `${what}: ${detail}` : what);
  return ok;
}
const say = (line) => console.log(`  ${line}`);

// Kubernetes v1.36 (kubernetes-models 5.1.0) and Prometheus Operator (prometheus-operator 6.0.0) models:
// only API versions a 1.36 cluster serves are accepted.
const MODELS = {
  "v1/Namespace": ["kubernetes-models/v1/Namespace", "Namespace"],
  "v1/ServiceAccount": ["kubernetes-models/v1/ServiceAccount", "ServiceAccount"],
  "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
  "v1/Secret": ["kubernetes-models/v1/Secret", "Secret"],
  "v1/Service": ["kubernetes-models/v1/Service", "Service"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
  "autoscaling/v2/HorizontalPodAutoscaler": ["kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler", "HorizontalPodAutoscaler"],
  "policy/v1/PodDisruptionBudget": ["kubernetes-models/policy/v1/PodDisruptionBudget", "PodDisruptionBudget"],
  "networking.k8s.io/v1/NetworkPolicy": ["kubernetes-models/networking.k8s.io/v1/NetworkPolicy", "NetworkPolicy"],
  "monitoring.coreos.com/v1/ServiceMonitor": ["@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor", "ServiceMonitor"],
  "monitoring.coreos.com/v1/PrometheusRule": ["@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule", "PrometheusRule"],
};

const rendered = renderedArgs.map((arg) => {
  const [name, file] = arg.split("=");
  const objects = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
  return { name, objects };
});

// --- 1. schemas: the models' validators (types, required fields, enums), then TypeScript's excess
//        property check on the same models' types (unknown fields, which the OpenAPI schemas allow).
console.log("Kubernetes schemas (v1.36, strict: unknown fields fail):");
const tsLines = [];
const tsObjects = []; // [firstLine, lastLine, label]
for (const { name, objects } of rendered) {
  let n = 0;
  for (const obj of objects) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const label = `${name}: ${obj.kind}/${obj.metadata?.name}`;
    const model = MODELS[key];
    if (!check(model, label, `${key} is not an API version/kind this check knows to be served by Kubernetes 1.36`)) continue;
    const mod = await import(model[0]);
    try {
      new mod[model[1]](obj).validate();
    } catch (e) {
      const errs = (e.errors ?? []).map((x) => `${x.instancePath} ${x.message}`).join("; ");
      check(false, label, errs || e.message);
    }
    const id = `o${tsObjects.length}`;
    const body = JSON.stringify(obj, null, 2).split("\n");
    tsLines.push(`import type { I${model[1]} as T${id} } from "${model[0]}";`);
    tsObjects.push({ id, body, label, type: `T${id}` });
    n++;
  }
  say(`${name}: ${n} objects validated`);
}
{
  const lines = [...tsLines];
  const spans = [];
  for (const o of tsObjects) {
    const start = lines.length;
    lines.push(`export const ${o.id}: ${o.type} = ${o.body[0]}`, ...o.body.slice(1));
    lines[lines.length - 1] += ";";
    spans.push([start, lines.length - 1, o.label]);
  }
  // TypeScript resolves the models from node_modules beside this script, so the file goes here too.
  const tmp = mkdtempSync(join(dirname(fileURLToPath(import.meta.url)), ".tmp-"));
  const file = join(tmp, "manifests.ts");
  writeFileSync(file, lines.join("\n") + "\n");
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    typeRoots: [], types: [],
  });
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file);
  rmSync(tmp, { recursive: true, force: true });
  for (const d of diags) {
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const span = spans.find(([a, b]) => line >= a && line <= b);
    const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
    const where = span ? `${span[2]} near \`${lines[line].trim()}\`` : "manifests.ts";
    check(false, where, text);
  }
  say(`strict field check of ${tsObjects.length} objects: ${diags.length} problem(s)`);
}

// --- 2. the image against the Deployment
console.log("Dockerfile against the Deployment:");
const docker = parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
const runtime = docker.stages.at(-1);
const entrypoint = JSON.parse(runtime.ENTRYPOINT?.at(-1) ?? "null");
const user = runtime.USER?.at(-1) ?? "";
const uid = user.split(":")[0];
const exposed = (runtime.EXPOSE ?? []).flatMap((v) => v.split(/\s+/)).map((p) => Number(p.split("/")[0])).sort();
const workdir = runtime.WORKDIR?.at(-1);
const javaMajor = /:(\d+)[._-]/.exec(runtime.FROM[0])?.[1] ?? /:(\d+)$/.exec(runtime.FROM[0])?.[1];
const imageEnv = Object.fromEntries((runtime.ENV ?? []).map((v) => { const m = /^(\w+)="?(.*?)"?$/.exec(v); return [m[1], m[2]]; }));
check(docker.stages.length >= 2 && /^maven:3\.9\.\d+-eclipse-temurin-17\b/.test(docker.stages[0].FROM[0]), "build stage", `expected a pinned maven:3.9.x-eclipse-temurin-17, got ${docker.stages[0].FROM[0]}`);
check(/^eclipse-temurin:[\w.]+-jre/.test(runtime.FROM[0]) && javaMajor === "17", "runtime image", `expected a pinned eclipse-temurin 17 JRE, got ${runtime.FROM[0]}`);
check(/^\d+$/.test(uid) && uid !== "0", "USER", `expected a numeric non-root UID, got "${user}"`);
check(Array.isArray(entrypoint), "ENTRYPOINT", "expected the exec (JSON array) form");
say(`runtime ${runtime.FROM[0]} (Java ${javaMajor}), USER ${user}, WORKDIR ${workdir}, EXPOSE ${exposed.join(" ")}, ENTRYPOINT ${JSON.stringify(entrypoint)}`);

const { settings, secrets } = knownSettings();
const configYaml = parseYaml(readFileSync(join(root, "conf/config.yaml"), "utf8"));
for (const { name, objects } of rendered) {
  const dep = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "edge-gateway");
  if (!check(dep, `${name}: Deployment edge-gateway`, "missing")) continue;
  const pod = dep.spec.template.spec;
  const c = pod.containers.find((x) => x.name === "edge-gateway");
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
  const tag = (what) => `${name}: ${what}`;
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef?.name === dep.metadata.name);
  check(hpa, tag("HorizontalPodAutoscaler"), "none targets the Deployment");
  check(dep.spec.replicas === undefined, tag("replicas"), "set while the HPA owns the count: every apply would reset it");
  check(JSON.stringify(c.command) === JSON.stringify(entrypoint) && !c.args, tag("command"), `${JSON.stringify(c.command)} args ${JSON.stringify(c.args)} is not the image's ENTRYPOINT ${JSON.stringify(entrypoint)}`);
  check(c.workingDir === workdir, tag("workingDir"), `${c.workingDir} != WORKDIR ${workdir}`);
  const runAs = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  check(String(runAs) === uid, tag("runAsUser"), `${runAs} != Dockerfile USER ${uid}`);
  const ports = (c.ports ?? []).map((p) => p.containerPort).sort();
  check(JSON.stringify(ports) === JSON.stringify(exposed), tag("container ports"), `${ports} != EXPOSE ${exposed}`);
  const byName = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
  check(String(byName.http) === env.EDGE_HTTP_PORT && String(byName.ops) === env.EDGE_OPS_PORT, tag("ports the gateway binds"), `EDGE_HTTP_PORT=${env.EDGE_HTTP_PORT} EDGE_OPS_PORT=${env.EDGE_OPS_PORT}, container ports http=${byName.http} ops=${byName.ops}`);
  check(env.EDGE_OPS_HOST === "0.0.0.0", tag("EDGE_OPS_HOST"), "must be 0.0.0.0 for probes and scrapes");
  check(env.JAVA_TOOL_OPTIONS === imageEnv.JAVA_TOOL_OPTIONS && /MaxRAMPercentage=/.test(env.JAVA_TOOL_OPTIONS ?? ""), tag("JAVA_TOOL_OPTIONS"), `manifest "${env.JAVA_TOOL_OPTIONS}" vs image "${imageEnv.JAVA_TOOL_OPTIONS}" (a heap from the memory limit)`);

  // probes
  const probe = (p, path) => p?.httpGet?.path === path && (p.httpGet.port === "ops" || p.httpGet.port === byName.ops);
  check(probe(c.startupProbe, "/health/live"), tag("startupProbe"), "expected /health/live on the ops port");
  check(probe(c.livenessProbe, "/health/live"), tag("livenessProbe"), "expected /health/live on the ops port");
  check(probe(c.readinessProbe, "/health/ready"), tag("readinessProbe"), "expected /health/ready on the ops port");
  const s = c.startupProbe ?? {};
  const startupBudget = (s.initialDelaySeconds ?? 0) + (s.periodSeconds ?? 10) * (s.failureThreshold ?? 3);
  const warmupMax = Number(env.EDGE_WARMUP_MAX_MS ?? 20000) / 1000;
  check(startupBudget >= warmupMax + 10, tag("startupProbe budget"), `${startupBudget} s < EDGE_WARMUP_MAX_MS ${warmupMax} s + 10 s`);

  // drain: preStop, then the gateway's drain, in-flight requests, the outbox, and exit (defaults: Settings.java)
  const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const requestTimeout = Number(env.EDGE_REQUEST_TIMEOUT_MS ?? configYaml.http?.requestTimeoutMs ?? settings.get("EDGE_REQUEST_TIMEOUT_MS")) / 1000;
  const drain = Number(env.EDGE_SHUTDOWN_DRAIN_MS ?? configYaml.shutdown?.drainMs ?? settings.get("EDGE_SHUTDOWN_DRAIN_MS")) / 1000;
  // an empty grace is the request deadline
  const graceMs = env.EDGE_SHUTDOWN_GRACE_MS ?? configYaml.shutdown?.graceMs ?? settings.get("EDGE_SHUTDOWN_GRACE_MS");
  const inFlight = graceMs === "" ? requestTimeout : Number(graceMs) / 1000;
  const outbox = Number(env.EDGE_EVENTS_DRAIN_MS ?? configYaml.events?.shutdownDrainMs ?? settings.get("EDGE_EVENTS_DRAIN_MS")) / 1000;
  check([preStop, drain, inFlight, outbox, requestTimeout].every(Number.isFinite), tag("drain settings"), `preStop ${preStop}, drain ${drain}, grace ${inFlight}, outbox ${outbox}`);
  const needed = preStop + drain + inFlight + outbox;
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  check(c.lifecycle?.preStop, tag("preStop"), "missing");
  check(grace >= needed + 3 && grace <= needed + 15, tag("terminationGracePeriodSeconds"), `${grace} s does not match the drain ${needed} s (+3 to +15 s for closing and exit)`);
  say(`${name}: startup budget ${startupBudget} s (warm-up at most ${warmupMax} s); preStop ${preStop} + drain ${drain} + in flight ${inFlight} + outbox ${outbox} = ${needed} s within a grace of ${grace} s`);

  // pod hardening
  const sc = c.securityContext ?? {};
  check((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true, tag("runAsNonRoot"));
  check(sc.readOnlyRootFilesystem === true, tag("readOnlyRootFilesystem"));
  check(sc.allowPrivilegeEscalation === false, tag("allowPrivilegeEscalation false"));
  check(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', tag("capabilities drop ALL"));
  check((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type === "RuntimeDefault", tag("seccompProfile RuntimeDefault"));
  check(c.resources?.limits?.memory && c.resources?.requests?.cpu && c.resources?.limits?.cpu, tag("resources"), "requests and limits");
  const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
  const mounts = c.volumeMounts ?? [];
  const tmp = mounts.find((m) => m.mountPath === "/tmp");
  check(tmp && volumes[tmp.name]?.emptyDir, tag("/tmp"), "needs an emptyDir with a read-only root filesystem");

  // config and secrets: what the gateway reads is what is mounted
  const conf = mounts.find((m) => m.mountPath === `${c.workingDir}/conf`);
  const cm = conf && objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === volumes[conf.name]?.configMap?.name);
  check(cm && cm.data?.["config.yaml"], tag("config"), `a ConfigMap with config.yaml mounted at ${c.workingDir}/conf`);
  const secretVars = Object.entries(env).filter(([k]) => k.endsWith("_FILE"));
  const expectedFiles = [...secrets].map((k) => `${k}_FILE`).sort();
  check(JSON.stringify(secretVars.map(([k]) => k).sort()) === JSON.stringify(expectedFiles), tag("secret files"), `expected every secret of Settings.SECRETS as a file (${expectedFiles}), got ${secretVars.map(([k]) => k)}`);
  for (const k of secrets) check(!(k in env), tag(k), "a secret set in the environment: mount it and set its _FILE instead");
  for (const [k, path] of secretVars) {
    const m = mounts.find((x) => path.startsWith(x.mountPath + "/"));
    const vol = m && volumes[m.name];
    if (!check(vol?.secret && m.mountPath === "/etc/edge-gateway/secrets", tag(k), `${path} is not in the Secret mounted at /etc/edge-gateway/secrets`)) continue;
    const secretKey = path.slice(m.mountPath.length + 1);
    const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === vol.secret.secretName);
    if (secret) check(secretKey in (secret.data ?? {}) || secretKey in (secret.stringData ?? {}), tag(k), `Secret ${secret.metadata.name} has no key ${secretKey}`);
  }
  say(`${name}: secrets ${secretVars.map(([k, v]) => `${k}=${v}`).join(", ")}`);

  // every EDGE_* is a setting of the gateway (X_FILE: the secret X read from a file)
  for (const k of Object.keys(env).filter((k) => k.startsWith("EDGE_"))) {
    const known = settings.has(k) || (k.endsWith("_FILE") && secrets.has(k.replace(/_FILE$/, "")));
    check(known, tag(k), "not a setting (or a secret's _FILE) in src/main/java/dev/edgegateway/config/Settings.java");
  }
  say(`${name}: EDGE_* set: ${Object.keys(env).filter((k) => k.startsWith("EDGE_")).join(" ")}`);
  // what the gateway refuses at start-up (RedisCacheOptions), caught before a rollout
  check(String(env.EDGE_REDIS_ROLE ?? "MASTER").toUpperCase() === "MASTER", tag("EDGE_REDIS_ROLE"), `${env.EDGE_REDIS_ROLE}: the cache writes, only MASTER is accepted`);
  check(!/[{}]/.test(env.EDGE_REDIS_KEY_PREFIX ?? ""), tag("EDGE_REDIS_KEY_PREFIX"), "contains { or }: every key in one Cluster slot");
}

// --- 3. prod's config.yaml is conf/config.yaml plus the Redis nodes
console.log("Config files:");
{
  const prod = parseYaml(readFileSync(join(root, "k8s/overlays/prod/config.yaml"), "utf8"));
  const redis = prod.cache?.redis;
  delete prod.cache?.redis;
  check(JSON.stringify(prod) === JSON.stringify(configYaml), "k8s/overlays/prod/config.yaml", "differs from conf/config.yaml in more than cache.redis");
  check(Array.isArray(redis?.endpoints) && redis.endpoints.length > 0, "k8s/overlays/prod/config.yaml", "cache.redis.endpoints missing");
  for (const [file, r] of [["k8s/overlays/prod/config.yaml", redis], ["conf/config.yaml", configYaml.cache?.redis]]) {
    check(String(r?.role ?? "MASTER").toUpperCase() === "MASTER", file, `cache.redis.role ${r?.role}: the cache writes, only MASTER is accepted`);
    check(!/[{}]/.test(r?.keyPrefix ?? ""), file, "cache.redis.keyPrefix contains { or }: every key in one Cluster slot");
  }
  say(`k8s/overlays/prod/config.yaml = conf/config.yaml + cache.redis (${redis?.endpoints?.length ?? 0} endpoints)`);
}

// --- 4. alert rules and dashboard: metric names, runbook links
console.log("Alert rules and dashboard:");
const metricNames = knownMetrics();
const rules = rendered.flatMap((r) => r.objects).filter((o) => o.kind === "PrometheusRule");
check(rules.length > 0, "PrometheusRule", "no overlay renders one");
const groups = rules[0]?.spec.groups ?? [];
writeFileSync(join(outDir, "rules.yaml"), JSON.stringify({ groups }, null, 2));
const readme = readFileSync(join(root, "README.md"), "utf8");
const anchors = new Set([...readme.matchAll(/^#+\s+(.*)$/gm)].map((m) => slug(m[1])));
for (const m of readme.matchAll(/(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
for (const r of alerts) {
  const url = r.annotations?.runbook_url ?? "";
  const anchor = /README\.md#(runbook-[a-z0-9-]+)$/.exec(url)?.[1];
  check(anchor, `${r.alert} runbook_url`, `"${url}" is not a README.md#runbook-... link`);
  if (anchor) check(anchors.has(anchor), `${r.alert} runbook_url`, `README.md has no section #${anchor}`);
  checkMetrics(`alert ${r.alert}`, r.expr);
}
say(`${alerts.length} alerts: ${alerts.map((r) => `${r.alert} (#${/#(.*)$/.exec(r.annotations?.runbook_url ?? "")?.[1]})`).join(", ")}`);
const dashboard = JSON.parse(readFileSync(join(root, "ops/grafana/edge-gateway.json"), "utf8"));
const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
let exprs = 0;
for (const p of panels) for (const t of p.targets ?? []) { exprs++; checkMetrics(`dashboard panel "${p.title}"`, t.expr); }
for (const v of dashboard.templating?.list ?? []) if (v.type === "query") checkMetrics(`dashboard variable ${v.name}`, v.query?.query ?? v.query);
check(exprs > 0, "dashboard", "no queries");
say(`dashboard "${dashboard.title}": ${panels.filter((p) => p.type !== "row").length} panels, ${exprs} queries`);

console.log(`${checks - failures.length} passed, ${failures.length} failed`);
for (const f of failures) console.log(`FAIL ${f}`);
process.exit(failures.length ? 1 : 0);

// ---------------------------------------------------------------------------------------------------
function parseDockerfile(text) {
  const stages = [];
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [, instr, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!instr) continue;
    const key = instr.toUpperCase();
    if (key === "FROM") stages.push({});
    const stage = stages.at(-1);
    (stage[key] ??= []).push(rest.trim());
  }
  return { stages };
}

// env name -> default (as written in Java: numbers without _ or L, texts unquoted), and the env names of SECRETS
function knownSettings() {
  const src = readFileSync(join(root, "src/main/java/dev/edgegateway/config/Settings.java"), "utf8");
  const settings = new Map();
  const byConstant = new Map();
  for (const m of src.matchAll(/public static final Setting (\w+) = new Setting\("(EDGE_[A-Z0-9_]+)", "[^"]*", ("(?:[^"\\]|\\.)*"|[^,]+),/g)) {
    const raw = m[3].trim();
    settings.set(m[2], raw.startsWith('"') ? JSON.parse(raw) : raw.replace(/_/g, "").replace(/[LD]$/, ""));
    byConstant.set(m[1], m[2]);
  }
  const list = /List<Setting> SECRETS = List\.of\(([^)]*)\)/.exec(src)?.[1] ?? "";
  const secrets = new Set(list.split(",").map((n) => byConstant.get(n.trim())).filter(Boolean));
  if (secrets.size === 0) failures.push("Settings.SECRETS not found in Settings.java");
  return { settings, secrets };
}

// edge_* meters are named in the sources; the JVM's, process and Vert.x pool meters come from Micrometer.
function knownMetrics() {
  const names = new Set();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".java")) for (const m of readFileSync(p, "utf8").matchAll(/"(edge_[a-z0-9_]+)"/g)) names.add(m[1]);
    }
  };
  walk(join(root, "src/main/java"));
  return names;
}

function checkMetrics(where, expr) {
  if (!expr) return;
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, "{}").replace(/\[[^\]]*\]/g, "[]");
  for (const [name] of noStrings.matchAll(/\b[a-z_][a-z0-9_]*\b/g)) {
    if (PROMQL_WORDS.has(name) || /^\$/.test(name)) continue;
    if (!/^(edge_|jvm_|process_|system_|vertx_)/.test(name)) continue;
    if (!name.startsWith("edge_")) {
      check(RUNTIME_METERS.has(name), where, `${name} is not on the gateway's /metrics (runtime-meters.txt)`);
      continue;
    }
    const meter = name.replace(/_(count|sum|max|bucket)$/, "");
    check(metricNames.has(meter) || metricNames.has(name), where, `${name} is not a meter of the gateway`);
  }
}

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
function slug(heading) {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}
