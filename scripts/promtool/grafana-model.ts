/**
 * A small typed model of the Grafana dashboard JSON that twinstate's dashboards use (schemaVersion 39):
 * time series, stat, bar gauge and heatmap panels on one Prometheus datasource variable, laid out on the
 * 24-column grid, and the "fill below to" override (`custom.fillBelowTo`) that draws a band between two series.
 *
 * Why a model instead of hand-written JSON: four dashboards with ~40 panels share layout, datasource and
 * legend conventions; generating them keeps those uniform and makes every query visible in one TypeScript
 * file (scripts/promtool/dashboards.ts) that tests can read.
 */

/** The datasource every panel and target uses: the dashboard's `datasource` variable (default: the provisioned Prometheus). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template.
export const DATASOURCE = { type: "prometheus", uid: "${datasource}" } as const;

/** One PromQL query of a panel. */
export interface Query {
  /** PromQL; may use the dashboard's variables ($twin_class, ...) and $__rate_interval / $__range. */
  readonly expr: string;
  /** Series name template (`{{label}}`); also the name `fillBelowTo` overrides refer to. */
  readonly legend?: string;
  /** `heatmap` for bucket queries of heatmap panels. */
  readonly format?: "time_series" | "heatmap";
  /** Evaluate once at the end of the range (stat, bar gauge) instead of as a range. */
  readonly instant?: boolean;
}

/** What a panel shows and how. */
export interface PanelSpec {
  readonly kind: "timeseries" | "stat" | "bargauge" | "heatmap";
  readonly title: string;
  /** Shown in the panel's (i) tooltip: what the panel means and what is normal. */
  readonly description: string;
  readonly queries: readonly Query[];
  /** Grafana unit id (s, percentunit, short, reqps, bytes, ...). */
  readonly unit?: string;
  /** Width in grid columns (24 = full row). Default 12. */
  readonly width?: number;
  /** Height in grid rows. Default 8. */
  readonly height?: number;
  /** Stack series (time series panels). */
  readonly stacked?: boolean;
  /** Bars instead of lines (time series panels). */
  readonly bars?: boolean;
  /** Bands: the series named `upper` is filled down to the series named `lower`. */
  readonly bands?: ReadonlyArray<{ readonly upper: string; readonly lower: string; readonly color?: string }>;
  /** Series drawn as dashed reference lines (by legend name). */
  readonly referenceLines?: readonly string[];
  /** Repeat the panel for each value of this variable. */
  readonly repeat?: string;
  /** Stat/bar gauge thresholds: [value, color] pairs after the base color. */
  readonly thresholds?: ReadonlyArray<readonly [number, string]>;
  /** Min and max of the axis or gauge. */
  readonly min?: number;
  readonly max?: number;
}

/** A dashboard template variable backed by a label's values. */
export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  /** `label_values(metric, label)` query. */
  readonly query: string;
}

/** One dashboard: a file under deploy/grafana/dashboards/<uid>.json. */
export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableSpec[];
  /** Rows of panels; each row starts with a collapsed-false row header. */
  readonly rows: ReadonlyArray<{ readonly title: string; readonly panels: readonly PanelSpec[] }>;
}

type Json = Record<string, unknown>;

function fieldConfig(p: PanelSpec): Json {
  const overrides: Json[] = [];
  for (const band of p.bands ?? []) {
    overrides.push({
      matcher: { id: "byName", options: band.upper },
      properties: [
        { id: "custom.fillBelowTo", value: band.lower },
        { id: "custom.fillOpacity", value: 20 },
        { id: "color", value: { mode: "fixed", fixedColor: band.color ?? "green" } },
      ],
    });
    overrides.push({
      matcher: { id: "byName", options: band.lower },
      properties: [
        { id: "custom.lineWidth", value: 0 },
        { id: "color", value: { mode: "fixed", fixedColor: band.color ?? "green" } },
        { id: "custom.hideFrom", value: { legend: true, tooltip: false, viz: false } },
      ],
    });
  }
  for (const name of p.referenceLines ?? []) {
    overrides.push({
      matcher: { id: "byName", options: name },
      properties: [
        { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
        { id: "color", value: { mode: "fixed", fixedColor: "orange" } },
      ],
    });
  }
  const defaults: Json = {
    unit: p.unit ?? "short",
    color: { mode: p.kind === "stat" || p.kind === "bargauge" ? "thresholds" : "palette-classic" },
    thresholds: {
      mode: "absolute",
      steps: [{ color: "green", value: null }, ...(p.thresholds ?? []).map(([value, color]) => ({ color, value }))],
    },
  };
  if (p.min !== undefined) defaults.min = p.min;
  if (p.max !== undefined) defaults.max = p.max;
  if (p.kind === "timeseries") {
    defaults.custom = {
      drawStyle: p.bars ? "bars" : "line",
      lineWidth: 1,
      fillOpacity: p.bars || p.stacked ? 60 : 0,
      showPoints: "never",
      spanNulls: false,
      stacking: { mode: p.stacked ? "normal" : "none", group: "A" },
      axisPlacement: "auto",
    };
  }
  return { defaults, overrides };
}

function options(p: PanelSpec): Json {
  switch (p.kind) {
    case "timeseries":
      return {
        legend: { displayMode: "table", placement: "bottom", calcs: ["lastNotNull", "max"], showLegend: true },
        tooltip: { mode: "multi", sort: "desc" },
      };
    case "stat":
      return {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        colorMode: "background",
        graphMode: "area",
        justifyMode: "auto",
        textMode: "auto",
        orientation: "auto",
      };
    case "bargauge":
      return {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        displayMode: "gradient",
        orientation: "horizontal",
        showUnfilled: true,
      };
    case "heatmap":
      return {
        calculate: false,
        yAxis: { axisPlacement: "left", unit: p.unit ?? "short" },
        cellGap: 1,
        color: { mode: "scheme", scheme: "Oranges", steps: 64 },
        tooltip: { mode: "single", yHistogram: true },
        legend: { show: true },
      };
  }
}

function panel(p: PanelSpec, id: number, x: number, y: number): Json {
  const json: Json = {
    id,
    type: p.kind,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos: { h: p.height ?? 8, w: p.width ?? 12, x, y },
    fieldConfig: fieldConfig(p),
    options: options(p),
    targets: p.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend ?? "__auto",
      format: q.format ?? "time_series",
      range: !(q.instant ?? false),
      instant: q.instant ?? false,
      editorMode: "code",
    })),
  };
  if (p.repeat !== undefined) {
    json.repeat = p.repeat;
    json.repeatDirection = "h";
    json.maxPerRow = 4;
  }
  return json;
}

/** The Grafana JSON of a dashboard (import it, or provision it from deploy/grafana/dashboards). */
export function renderDashboard(d: DashboardSpec): Json {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of d.rows) {
    panels.push({
      id: id++,
      type: "row",
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? 12;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push(panel(p, id++, x, y));
      x += w;
      rowHeight = Math.max(rowHeight, p.height ?? 8);
    }
    y += rowHeight;
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ["twinstate"],
    timezone: "browser",
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "10s",
    time: { from: "now-1h", to: "now" },
    timepicker: {},
    annotations: { list: [] },
    links: [
      {
        title: "twinstate dashboards",
        type: "dashboards",
        tags: ["twinstate"],
        asDropdown: true,
        includeVars: false,
        keepTime: true,
      },
    ],
    templating: {
      list: [
        {
          name: "datasource",
          label: "Prometheus",
          type: "datasource",
          query: "prometheus",
          current: { text: "Prometheus", value: "twinstate-prometheus" },
          hide: 0,
          refresh: 1,
        },
        ...d.variables.map((v) => ({
          name: v.name,
          label: v.label,
          type: "query",
          datasource: DATASOURCE,
          query: { query: v.query, refId: "PrometheusVariableQueryEditor-VariableQuery" },
          definition: v.query,
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: ".+",
          current: { text: ["All"], value: ["$__all"] },
          sort: 1,
          hide: 0,
        })),
      ],
    },
    panels,
  };
}
