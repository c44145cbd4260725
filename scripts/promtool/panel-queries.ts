/**
 * Extracts every query of a Grafana dashboard JSON (panels, nested row panels, repeated panels) and resolves
 * its template variables to values Prometheus can evaluate directly.
 *
 * Why resolution: the live check ("every panel returns data") sends each expression to Prometheus's HTTP
 * API, which knows nothing of Grafana's variables. Label variables become the match-all regex `.+` (the
 * dashboards use them only as `=~"$var"`), `$__rate_interval` becomes 1m (4 × the 5 s scrape interval,
 * with margin) and `$__range` 1h (the dashboards' default time range).
 */
import { readFileSync } from "node:fs";

/** One query of one panel. */
export interface PanelQuery {
  /** Dashboard uid. */
  readonly dashboard: string;
  /** Panel id within the dashboard. */
  readonly panelId: number;
  readonly panelTitle: string;
  /** Target refId (A, B, ...). */
  readonly refId: string;
  /** The expression as stored in the dashboard. */
  readonly expr: string;
  /** The expression with every variable resolved (send this to Prometheus). */
  readonly resolved: string;
  /** Whether Grafana runs it as an instant query. */
  readonly instant: boolean;
}

/** A panel as it appears in dashboard JSON (only the fields read here). */
export interface PanelJson {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string } | null;
  readonly targets?: ReadonlyArray<{
    readonly refId?: string;
    readonly expr?: string;
    readonly instant?: boolean;
    readonly legendFormat?: string;
  }>;
  readonly panels?: readonly PanelJson[];
}

/** Grafana's built-in interval variables and their values for a direct Prometheus query. */
const BUILTINS: Readonly<Record<string, string>> = {
  __rate_interval: "1m",
  __interval: "15s",
  __range: "1h",
};

/** `expr` with `$var`, `${var}` and `[[var]]` replaced: builtins by their value, label variables by `.+`. */
export function resolveVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_m, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? "";
    return BUILTINS[name] ?? ".+";
  });
}

/** Every panel of a dashboard, row panels' children included, row headers excluded. */
export function panelsOf(dashboard: { readonly panels?: readonly PanelJson[] }): PanelJson[] {
  const out: PanelJson[] = [];
  const walk = (panels: readonly PanelJson[]) => {
    for (const p of panels) {
      if (p.type === "row") walk(p.panels ?? []);
      else out.push(p);
    }
  };
  walk(dashboard.panels ?? []);
  return out;
}

/** Every query of the dashboard file at `path`. */
export function panelQueries(path: string): PanelQuery[] {
  const dashboard = JSON.parse(readFileSync(path, "utf8")) as { uid: string; panels?: PanelJson[] };
  return panelsOf(dashboard).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      dashboard: dashboard.uid,
      panelId: p.id ?? 0,
      panelTitle: p.title ?? "",
      refId: t.refId ?? "",
      expr: t.expr ?? "",
      resolved: resolveVariables(t.expr ?? ""),
      instant: t.instant ?? false,
    })),
  );
}
