import { status } from "@grpc/grpc-js";
import { describe, expect, test } from "@jest/globals";
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from "kafkajs";
import { ConfigError } from "../../src/errors/config-error.ts";
import { errorCodes, grpcStatusByErrorCode, isErrorCode } from "../../src/errors/error-code.ts";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.ts";
import { KafkaError } from "../../src/errors/kafka-error.ts";
import { NotFoundError } from "../../src/errors/not-found-error.ts";
import { PermissionDeniedError } from "../../src/errors/permission-denied-error.ts";
import { ShutdownTimeoutError } from "../../src/errors/shutdown-timeout-error.ts";
import { StartupError } from "../../src/errors/startup-error.ts";
import { TransactionAbortedError } from "../../src/errors/transaction-aborted-error.ts";
import { TwinstateError } from "../../src/errors/twinstate-error.ts";
import { UnauthenticatedError } from "../../src/errors/unauthenticated-error.ts";
import { UnavailableError } from "../../src/errors/unavailable-error.ts";

describe("TwinstateError.from normalises anything caught", () => {
  test("a twinstate error passes through unchanged", () => {
    const original = new NotFoundError("no twin acme/pump-1");
    expect(TwinstateError.from(original)).toBe(original);
  });

  test("a plain Error becomes INTERNAL with the original as cause", () => {
    const original = new TypeError("x is undefined");
    const error = TwinstateError.from(original);
    expect(error.code).toBe("INTERNAL");
    expect(error.grpcStatus).toBe(status.INTERNAL);
    expect(error.message).toBe("x is undefined");
    expect(error.cause).toBe(original);
    expect(error.retriable).toBe(false);
  });

  test("strings and other values become INTERNAL", () => {
    expect(TwinstateError.from("boom").message).toBe("boom");
    const fromObject = TwinstateError.from({ weird: 1 });
    expect(fromObject.code).toBe("INTERNAL");
    expect(fromObject.message).toContain('{"weird":1}');
    expect(TwinstateError.from(undefined).message).toContain("undefined");
  });

  test("kafkajs errors become KAFKA and keep their retriable verdict", () => {
    const retriable = TwinstateError.from(
      new KafkaJSProtocolError(Object.assign(new Error("leader moved"), { type: "NOT_LEADER", code: 6 })),
    );
    expect(retriable.code).toBe("KAFKA");
    expect(retriable.retriable).toBe(true);
    expect(retriable.details).toEqual({ kafkaErrorName: "KafkaJSProtocolError" });
    const fatal = TwinstateError.from(new KafkaJSNonRetriableError("bad config"));
    expect(fatal.code).toBe("KAFKA");
    expect(fatal.retriable).toBe(false);
  });

  test("gRPC service errors keep their status", () => {
    const grpcError = Object.assign(new Error("5 NOT_FOUND: twin missing"), {
      code: status.NOT_FOUND,
      details: "twin missing",
    });
    const error = TwinstateError.from(grpcError);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.grpcStatus).toBe(status.NOT_FOUND);
    expect(error.message).toBe("twin missing");
  });

  test("an AbortError becomes CANCELLED", () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(TwinstateError.from(aborted.signal.reason).code).toBe("CANCELLED");
  });
});

describe("error classes", () => {
  test("each subclass fixes its code and gRPC status", () => {
    const cases: [TwinstateError, string, number][] = [
      [new InvalidArgumentError("bad"), "INVALID_ARGUMENT", status.INVALID_ARGUMENT],
      [new NotFoundError("none"), "NOT_FOUND", status.NOT_FOUND],
      [new UnauthenticatedError("who"), "UNAUTHENTICATED", status.UNAUTHENTICATED],
      [new PermissionDeniedError("no"), "PERMISSION_DENIED", status.PERMISSION_DENIED],
      [new UnavailableError("later"), "UNAVAILABLE", status.UNAVAILABLE],
      [new KafkaError("down"), "KAFKA", status.UNAVAILABLE],
      [new TransactionAbortedError("aborted"), "TRANSACTION_ABORTED", status.ABORTED],
      [new ConfigError([{ key: "env X", reason: "bad" }]), "INVALID_CONFIG", status.FAILED_PRECONDITION],
    ];
    for (const [error, code, grpcStatus] of cases) {
      expect(error).toBeInstanceOf(TwinstateError);
      expect(error.code).toBe(code);
      expect(error.grpcStatus).toBe(grpcStatus);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  test("retriable defaults follow the code and can be overridden", () => {
    expect(new UnavailableError("x").retriable).toBe(true);
    expect(new InvalidArgumentError("x").retriable).toBe(false);
    expect(new KafkaError("x", { retriable: false }).retriable).toBe(false);
  });

  test("ConfigError lists every key and reason in its message", () => {
    const error = new ConfigError([
      { key: "env KAFKA_BROKERS", reason: "required but not set" },
      { key: "file /etc/t.yaml: grpc.port", reason: "must be 0..65535" },
    ]);
    expect(error.message).toBe(
      "invalid configuration: env KAFKA_BROKERS: required but not set; file /etc/t.yaml: grpc.port: must be 0..65535",
    );
    expect(error.details).toEqual({ issues: error.issues.map((issue) => ({ ...issue })) });
  });

  test("StartupError names the hook and keeps the cause", () => {
    const cause = new Error("ECONNREFUSED");
    const error = new StartupError("kafka", cause);
    expect(error.message).toBe('start-up hook "kafka" failed: ECONNREFUSED');
    expect(error.cause).toBe(cause);
    expect(error.hook).toBe("kafka");
  });

  test("ShutdownTimeoutError names the pending hooks", () => {
    const error = new ShutdownTimeoutError(500, ["kafka", "grpc"]);
    expect(error.message).toContain("500 ms");
    expect(error.pendingHooks).toEqual(["kafka", "grpc"]);
  });

  test("KafkaError.wrap keeps the operation, the client error name and its verdict", () => {
    const error = KafkaError.wrap("send", new KafkaJSNonRetriableError("too large"), { topic: "t" });
    expect(error.message).toBe("send failed: too large");
    expect(error.details).toEqual({ operation: "send", kafkaErrorName: "KafkaJSNonRetriableError", topic: "t" });
    expect(error.retriable).toBe(false);
  });

  test("toJSON is JSON-safe and summarises the cause", () => {
    const json = JSON.parse(JSON.stringify(new KafkaError("down", { cause: new Error("socket closed") })));
    expect(json).toEqual({
      name: "KafkaError",
      code: "KAFKA",
      message: "down",
      details: {},
      cause: "Error: socket closed",
    });
  });

  test("the code list is closed and every code maps to a gRPC status", () => {
    expect(errorCodes.length).toBe(Object.keys(grpcStatusByErrorCode).length);
    for (const code of errorCodes) {
      expect(isErrorCode(code)).toBe(true);
      expect(Object.values(status)).toContain(grpcStatusByErrorCode[code]);
    }
    expect(isErrorCode("NOPE")).toBe(false);
    expect(isErrorCode("toString")).toBe(false);
  });
});
