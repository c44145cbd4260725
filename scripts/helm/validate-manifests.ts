/**
 * Reads `helm template` output on stdin and checks that it is a stream of well-formed Kubernetes manifests:
 * every document parses as YAML (no duplicate keys), has apiVersion, kind and metadata.name, names are
 * unique per kind, and each Deployment keeps the chart's contract (probes on /healthz and /readyz at the
 * `http` port, `grpc` and `http` ports, non-root with a read-only root filesystem, resources set).
 * Prints one line per kind with its count; exits 1 listing every problem.
 *
 * Why not kubeconform: it needs the Kubernetes JSON schemas from GitHub, which this network cannot reach;
 * these checks are the chart-specific ones a schema would not make anyway.
 *
 * Usage: helm template ... | node scripts/helm/validate-manifests.ts [label]
 */
import { parseAllDocuments } from "yaml";

type Obj = Record<string, unknown>;
const label = process.argv[2] ?? "manifests";
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const text = Buffer.concat(chunks).toString("utf8");

const problems: string[] = [];
const counts = new Map<string, number>();
const names = new Set<string>();
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

function checkDeployment(name: string, d: Obj): void {
  const pod = obj(obj(obj(d.spec).template).spec);
  const containers = (pod.containers as Obj[] | undefined) ?? [];
  if (containers.length !== 1) problems.push(`Deployment ${name}: expected one container, got ${containers.length}`);
  if (obj(pod.securityContext).runAsNonRoot !== true) problems.push(`Deployment ${name}: pod runAsNonRoot not set`);
  for (const c of containers) {
    const ports = ((c.ports as Obj[] | undefined) ?? []).map((p) => p.name);
    for (const p of ["grpc", "http"]) if (!ports.includes(p)) problems.push(`Deployment ${name}: no ${p} port`);
    const probe = (key: string, path: string) => {
      const get = obj(obj(c[key]).httpGet);
      if (get.path !== path || get.port !== "http")
        problems.push(`Deployment ${name}: ${key} is not GET ${path} on http`);
    };
    probe("livenessProbe", "/healthz");
    probe("readinessProbe", "/readyz");
    const sc = obj(c.securityContext);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`Deployment ${name}: root filesystem is not read-only`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`Deployment ${name}: privilege escalation allowed`);
    if (Object.keys(obj(obj(c.resources).requests)).length === 0)
      problems.push(`Deployment ${name}: no resource requests`);
    const env = ((c.env as Obj[] | undefined) ?? []).map((e) => String(e.name));
    for (const required of ["SERVICE_NAME", "HTTP_PORT", "GRPC_PORT", "KAFKA_BROKERS"]) {
      if (!env.includes(required)) problems.push(`Deployment ${name}: env ${required} missing`);
    }
    // ingest reads its contracts directory recursively: a whole-ConfigMap mount there would add the kubelet's
    // ..<timestamp> directory and load every contract twice, so the directory is an emptyDir and each file
    // its own subPath mount.
    const contractsDir = ((c.env as Obj[] | undefined) ?? []).find((e) => e.name === "INGEST_CONTRACTS_DIR")?.value;
    if (typeof contractsDir === "string") {
      for (const m of (c.volumeMounts as Obj[] | undefined) ?? []) {
        const path = String(m.mountPath);
        const volume = ((pod.volumes as Obj[] | undefined) ?? []).find((v) => v.name === m.name);
        if (path === contractsDir && volume?.emptyDir === undefined) {
          problems.push(
            `Deployment ${name}: ${path} is mounted from ${String(m.name)}, not an emptyDir (use subPath per file)`,
          );
        }
        if (path.startsWith(`${contractsDir}/`) && m.subPath === undefined) {
          problems.push(`Deployment ${name}: ${path} has no subPath`);
        }
      }
    }
    const dup = env.find((e, i) => env.indexOf(e) !== i);
    if (dup !== undefined) problems.push(`Deployment ${name}: env ${dup} set twice`);
  }
}

for (const doc of parseAllDocuments(text, { uniqueKeys: true })) {
  if ("empty" in doc) continue;
  for (const e of doc.errors) problems.push(`YAML error: ${e.message}`);
  const m = obj(doc.toJS());
  if (Object.keys(m).length === 0) continue;
  const kind = String(m.kind ?? "");
  const name = String(obj(m.metadata).name ?? "");
  if (!m.apiVersion || !kind || !name) {
    problems.push(`document without apiVersion/kind/metadata.name: ${JSON.stringify(m).slice(0, 120)}`);
    continue;
  }
  if (name.length > 63 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name))
    problems.push(`${kind} ${name}: invalid name`);
  const id = `${kind}/${name}`;
  if (names.has(id)) problems.push(`${id} rendered twice`);
  names.add(id);
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
  if (kind === "Deployment") checkDeployment(name, m);
}
if (counts.size === 0) problems.push("no manifests rendered");
const summary = [...counts.entries()].map(([k, n]) => `${k}=${n}`).join(" ");
if (problems.length > 0) {
  for (const p of problems) console.error(`${label}: ${p}`);
  process.exit(1);
}
console.log(`${label}: ${summary}`);
