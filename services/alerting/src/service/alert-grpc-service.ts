import { randomUUID } from "node:crypto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type AlertService, AlertState, type LabelMatcher, MatchOperator } from "@twinstate/proto";
import {
  type CallContext,
  InvalidArgumentError,
  principalAllows,
  type ServiceImplementation,
} from "@twinstate/runtime";
import type { AlertEngine } from "../engine/alert-engine.ts";
import type { SilenceEntry } from "../engine/alert-entry.ts";
import type { LabelMatcherSpec, MatchOperatorSymbol } from "../engine/label-matcher.ts";
import { compileMatchers } from "../engine/label-matcher.ts";
import { toAlertMessage } from "../engine/to-alert-message.ts";
import type { StateTopicWriter } from "./state-topic-writer.ts";

/** Options of {@link createAlertGrpcService}. */
export interface AlertGrpcServiceOptions {
  readonly engine: AlertEngine;
  readonly store: StateTopicWriter;
  readonly now?: () => number;
}

const operators: Readonly<Record<number, MatchOperatorSymbol>> = {
  [MatchOperator.EQUAL]: "=",
  [MatchOperator.NOT_EQUAL]: "!=",
  [MatchOperator.REGEX]: "=~",
  [MatchOperator.NOT_REGEX]: "!~",
};

/**
 * The `twinstate.alert.v1.AlertService` implementation over the local engine: ListAlerts (filters, pagination
 * by an opaque offset token), Acknowledge and Silence (persisted to the state topic before answering).
 *
 * Isolation (invariant 5): the caller is the runtime's authenticated principal (bearer token → tenant scopes and
 * roles). ListAlerts needs `read` on the requested tenant and returns only alerts of tenants the principal may
 * read; Acknowledge and Silence need `write` on the tenant they change, and the engine only acknowledges an
 * alert of that same tenant. The principal's id is recorded as `acknowledged_by` / `created_by`.
 *
 * Scope: a worker answers for the alerts of the input partitions it owns (run one alerting worker, or ask each).
 */
export function createAlertGrpcService(options: AlertGrpcServiceOptions): ServiceImplementation<typeof AlertService> {
  const { engine, store } = options;
  const now = options.now ?? Date.now;
  return {
    listAlerts: (req, context) => {
      const tenant = required(req.tenant, "tenant");
      context.requireTenant(tenant, "read");
      const pageSize = req.pageSize === 0 ? 100 : req.pageSize;
      if (pageSize > 1000)
        throw new InvalidArgumentError("page_size must be 1..1000", { details: { field: "page_size" } });
      const start = decodePageToken(req.pageToken);
      const nowMs = now();
      const phase =
        req.state === AlertState.FIRING ? "firing" : req.state === AlertState.RESOLVED ? "resolved" : undefined;
      const all = engine
        .list({
          tenant,
          matchers: toMatchers(req.matchers, "matchers"),
          includeSilenced: req.includeSilenced,
          nowMs,
          ...(phase === undefined ? {} : { phase }),
        })
        .filter((entry) => principalAllows(context.principal, entry.tenant, "read"));
      const page = all.slice(start, start + pageSize);
      return {
        alerts: page.map((entry) => toAlertMessage(entry, engine.silencedBy(entry, nowMs))),
        nextPageToken: start + pageSize < all.length ? Buffer.from(String(start + pageSize)).toString("base64url") : "",
      };
    },
    acknowledge: async (req, context) => {
      const tenant = required(req.tenant, "tenant");
      context.requireTenant(tenant, "write");
      const fp = required(req.fingerprint, "fingerprint");
      const ack = engine.acknowledge(tenant, fp, principal(context), now(), req.comment);
      await store.saveAcknowledgement(ack);
      const entry = engine.get(fp)!;
      return { alert: toAlertMessage(entry, engine.silencedBy(entry, now())) };
    },
    silence: async (req, context) => {
      const tenant = required(req.tenant, "tenant");
      context.requireTenant(tenant, "write");
      if (req.matchers.length === 0)
        throw new InvalidArgumentError("at least one matcher is required", { details: { field: "matchers" } });
      const matchers = toMatchers(req.matchers, "matchers");
      const startsAtMs = req.startsAt === undefined ? now() : Number(timestampMs(req.startsAt));
      if (req.endsAt === undefined)
        throw new InvalidArgumentError("ends_at is required", { details: { field: "ends_at" } });
      const endsAtMs = Number(timestampMs(req.endsAt));
      if (endsAtMs <= startsAtMs)
        throw new InvalidArgumentError("ends_at must be after starts_at", { details: { field: "ends_at" } });
      const silence: SilenceEntry = {
        id: randomUUID(),
        tenant,
        matchers,
        startsAtMs,
        endsAtMs,
        createdBy: principal(context),
        comment: req.comment,
      };
      await store.saveSilence(silence);
      engine.putSilence(silence);
      return {
        silence: {
          id: silence.id,
          tenant,
          matchers: req.matchers,
          startsAt: { seconds: BigInt(Math.floor(startsAtMs / 1000)), nanos: (startsAtMs % 1000) * 1e6 },
          endsAt: req.endsAt,
          createdBy: silence.createdBy,
          comment: silence.comment,
        },
      };
    },
  };
}

function required(value: string, field: string): string {
  if (value === "") throw new InvalidArgumentError(`${field} is required`, { details: { field } });
  return value;
}

/** The authenticated caller's id (the token's name in the token file). */
function principal(context: CallContext): string {
  return context.principal.id;
}

function decodePageToken(token: string): number {
  if (token === "") return 0;
  const n = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError("invalid page_token", { details: { field: "page_token" } });
  return n;
}

function toMatchers(matchers: readonly LabelMatcher[], field: string): LabelMatcherSpec[] {
  const specs = matchers.map((m, i) => {
    const operator = operators[m.operator];
    if (operator === undefined)
      throw new InvalidArgumentError(`${field}[${i}].operator is required`, { details: { field } });
    if (m.name === "") throw new InvalidArgumentError(`${field}[${i}].name is required`, { details: { field } });
    return { name: m.name, value: m.value, operator };
  });
  try {
    compileMatchers(specs);
  } catch (error) {
    throw new InvalidArgumentError(`${field}: ${(error as Error).message}`, { details: { field } });
  }
  return specs;
}
