import { create } from "@bufbuild/protobuf";
import { type Duration, timestampNow } from "@bufbuild/protobuf/wkt";
import {
  AssetBindingSchema,
  EstimateStatus,
  type StateEstimate,
  TwinDefinitionSchema,
  type TwinService,
  TwinSummarySchema,
} from "@twinstate/proto";
import type { ServiceImplementation } from "@twinstate/runtime";
import { allTenants, InvalidArgumentError, NotFoundError, TwinstateError } from "@twinstate/runtime";
import type { DefinitionCatalog } from "../definitions/definition-catalog.ts";
import { DefinitionError } from "../definitions/definition-error.ts";
import type { TwinClass } from "../definitions/twin-class.ts";
import { ForecastRequestError, forecastFromEstimate, type InputChange } from "../engine/forecast-from-estimate.ts";
import type { TwinEngine } from "../engine/twin-engine.ts";
import { bindingOf, type DefinitionsTopic, twinClassOf } from "./definitions-topic.ts";
import type { EstimateView } from "./estimate-view.ts";

/** Dependencies of {@link createTwinGrpcService}. */
export interface TwinGrpcServiceOptions {
  readonly catalog: DefinitionCatalog;
  readonly engine: TwinEngine;
  readonly view: EstimateView;
  readonly definitions: DefinitionsTopic;
  readonly maxForecastSteps: number;
}

const seconds = (d: Duration | undefined): number => (d === undefined ? 0 : Number(d.seconds) + d.nanos / 1e9);

function required(value: string, field: string): string {
  if (value === "") throw new InvalidArgumentError(`${field} is required`);
  return value;
}

/**
 * TwinService: queries answered from the worker's {@link EstimateView} (any worker answers for any asset),
 * forecasts and what-ifs simulated on a copy of the latest estimate, admin writes to twin.definitions.v1.
 *
 * Why every handler checks the caller's tenant first (invariant 5, isolation): queries need `read` on the
 * request's tenant and BindAsset `write` on the binding's tenant, checked before any data is looked at, so a
 * foreign tenant's twin is neither returned nor revealed to exist (PERMISSION_DENIED, never NOT_FOUND);
 * PutDefinition changes twin classes shared by all tenants, so it needs `admin` over every tenant.
 */
export function createTwinGrpcService(o: TwinGrpcServiceOptions): ServiceImplementation<typeof TwinService> {
  const latest = (tenant: string, asset: string): StateEstimate => {
    const key = `${required(tenant, "tenant")}/${required(asset, "asset")}`;
    const estimate = o.view.latest(key);
    if (estimate === undefined) throw new NotFoundError(`no estimate for ${key}`);
    return estimate;
  };
  const classOf = (estimate: StateEstimate): TwinClass => {
    const twinClass = o.catalog.getClass(estimate.twinClassId, estimate.twinClassVersion);
    if (twinClass === undefined) {
      throw new TwinstateError(
        "FAILED_PRECONDITION",
        `class ${estimate.twinClassId} v${estimate.twinClassVersion} is unknown here`,
      );
    }
    return twinClass;
  };
  const simulate = (
    estimate: StateEstimate,
    req: { horizon?: Duration | undefined; step?: Duration | undefined; levels: readonly number[] },
    parameters: Readonly<Record<string, number>>,
    profile: readonly InputChange[],
    includeCovariance: boolean,
  ) => {
    const twinClass = classOf(estimate);
    if (estimate.status === EstimateStatus.QUARANTINED) {
      throw new TwinstateError(
        "FAILED_PRECONDITION",
        `${estimate.tenant}/${estimate.asset} is quarantined: ${estimate.statusReason}`,
      );
    }
    const key = `${estimate.tenant}/${estimate.asset}`;
    const live = o.engine.get(key);
    const binding = o.catalog.binding(key);
    try {
      return forecastFromEstimate(twinClass, estimate, {
        horizon: seconds(req.horizon),
        step: seconds(req.step),
        levels: req.levels.length > 0 ? req.levels : twinClass.document.forecast.levels,
        includeCovariance,
        parameters: { ...(binding?.parameters ?? {}), ...parameters },
        input:
          live !== undefined && live.twinClass === twinClass
            ? o.engine.snapshotOf(live).lastInput.slice()
            : twinClass.defaultInput,
        inputProfile: profile,
        maxSteps: o.maxForecastSteps,
      });
    } catch (error) {
      if (error instanceof ForecastRequestError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };

  return {
    getEstimate: (req, context) => {
      context.requireTenant(required(req.tenant, "tenant"), "read");
      return { estimate: latest(req.tenant, req.asset) };
    },

    streamEstimates: async function* (req, context) {
      context.requireTenant(required(req.tenant, "tenant"), "read");
      const queue: StateEstimate[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = o.view.subscribe((e) => {
        if (e.tenant !== req.tenant) return;
        if (req.asset !== "" && e.asset !== req.asset) return;
        if (req.twinClassId !== "" && e.twinClassId !== req.twinClassId) return;
        if (req.onlyAbnormal && e.status === EstimateStatus.OK) return;
        queue.push(e);
        wake?.();
      });
      const aborted = new Promise<void>((resolve) =>
        context.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      try {
        while (!context.signal.aborted) {
          const next = queue.shift();
          if (next !== undefined) {
            yield { estimate: next };
            continue;
          }
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
          wake = undefined;
        }
      } finally {
        unsubscribe();
      }
    },

    listTwins: (req, context) => {
      const tenant = required(req.tenant, "tenant");
      context.requireTenant(tenant, "read");
      const size = req.pageSize === 0 ? 100 : req.pageSize;
      if (size > 1000) throw new InvalidArgumentError("page_size must be at most 1000");
      const after = req.pageToken === "" ? "" : Buffer.from(req.pageToken, "base64url").toString();
      const all = o.view
        .list(tenant)
        .filter((e) => (req.twinClassId === "" || e.twinClassId === req.twinClassId) && e.asset > after);
      const page = all.slice(0, size);
      const last = page[page.length - 1];
      return {
        twins: page.map((e) =>
          create(TwinSummarySchema, {
            tenant: e.tenant,
            asset: e.asset,
            twinClassId: e.twinClassId,
            twinClassVersion: e.twinClassVersion,
            status: e.status,
            sequence: e.sequence,
            ...(e.eventTime === undefined ? {} : { lastEventTime: e.eventTime }),
          }),
        ),
        nextPageToken: all.length > size && last !== undefined ? Buffer.from(last.asset).toString("base64url") : "",
      };
    },

    forecast: (req, context) => {
      context.requireTenant(required(req.tenant, "tenant"), "read");
      const estimate = latest(req.tenant, req.asset);
      const steps = simulate(estimate, req, {}, [], req.includeCovariance);
      return {
        twinClassVersion: estimate.twinClassVersion,
        variableNames: estimate.variableNames,
        ...(estimate.eventTime === undefined ? {} : { originTime: estimate.eventTime }),
        originSequence: estimate.sequence,
        steps,
      };
    },

    whatIf: (req, context) => {
      context.requireTenant(required(req.tenant, "tenant"), "read");
      const estimate = latest(req.tenant, req.asset);
      const profile: InputChange[] = req.inputProfile.map((s) => ({
        offset: seconds(s.offset),
        values: { ...s.values },
      }));
      return {
        twinClassVersion: estimate.twinClassVersion,
        variableNames: estimate.variableNames,
        ...(estimate.eventTime === undefined ? {} : { originTime: estimate.eventTime }),
        scenario: simulate(estimate, req, { ...req.parameterOverrides }, profile, false),
        baseline: simulate(estimate, req, {}, [], false),
      };
    },

    putDefinition: async (req, context) => {
      context.requireTenant(allTenants, "admin");
      if (req.definition === undefined) throw new InvalidArgumentError("definition is required");
      const source = `PutDefinition ${req.definition.twinClassId} v${req.definition.version}`;
      let twinClass: TwinClass;
      try {
        twinClass = twinClassOf(req.definition, source);
      } catch (error) {
        if (error instanceof DefinitionError) {
          throw new InvalidArgumentError(error.message, { details: { issues: error.issues } });
        }
        throw error;
      }
      const existing = o.catalog.getClass(twinClass.id, twinClass.version);
      if (existing !== undefined && twinClass.version !== 0 && existing.text !== twinClass.text) {
        throw new TwinstateError("ALREADY_EXISTS", `${twinClass.key} already exists with a different document`);
      }
      const definition = create(TwinDefinitionSchema, {
        ...req.definition,
        createdAt: timestampNow(),
        createdBy: context.principal.id,
      });
      await o.definitions.publishClass(definition);
      o.catalog.putClass(twinClass);
      return { definition };
    },

    bindAsset: async (req, context) => {
      if (req.binding === undefined) throw new InvalidArgumentError("binding is required");
      context.requireTenant(required(req.binding.tenant, "binding.tenant"), "write");
      required(req.binding.asset, "binding.asset");
      const record = create(AssetBindingSchema, { ...req.binding, boundAt: timestampNow() });
      const document = bindingOf(record);
      if (o.catalog.getClass(document.twinClass, document.version) === undefined) {
        throw new TwinstateError(
          "FAILED_PRECONDITION",
          `unknown twin class ${document.twinClass} version ${document.version}`,
        );
      }
      await o.definitions.publishBinding(record);
      o.catalog.bind(document, "BindAsset");
      return { binding: record };
    },
  };
}
