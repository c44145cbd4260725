import { status } from "@grpc/grpc-js";
import { describe, expect, test } from "@jest/globals";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.ts";
import { NotFoundError } from "../../src/errors/not-found-error.ts";
import { errorCodeTrailer, grpcStatusFromError } from "../../src/grpc/grpc-status-from-error.ts";
import { RequestDecodeError } from "../../src/grpc/request-decode-error.ts";

describe("grpcStatusFromError", () => {
  test("a typed error answers its grpcStatus and message, with its string code as a trailer", () => {
    const result = grpcStatusFromError(new NotFoundError("asset acme/pump-1 has no twin"));
    expect(result.code).toBe(status.NOT_FOUND);
    expect(result.details).toBe("asset acme/pump-1 has no twin");
    expect(result.metadata.get(errorCodeTrailer)).toEqual(["NOT_FOUND"]);
    expect(grpcStatusFromError(new InvalidArgumentError("bad page_size")).code).toBe(status.INVALID_ARGUMENT);
  });

  test("any object with a numeric grpcStatus in 1..16 is honoured, without needing the error classes", () => {
    const result = grpcStatusFromError({ grpcStatus: status.PERMISSION_DENIED, message: "tenant other" });
    expect(result.code).toBe(status.PERMISSION_DENIED);
    expect(result.details).toBe("tenant other");
    expect(result.metadata.get(errorCodeTrailer)).toEqual([]);
  });

  test("a request decode failure answers INVALID_ARGUMENT", () => {
    const result = grpcStatusFromError(new RequestDecodeError("x.v1.Req", new Error("premature EOF")));
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    expect(result.details).toBe("cannot decode x.v1.Req: premature EOF");
  });

  test.each([
    ["a plain Error", new Error("db password wrong")],
    ["OK as grpcStatus", { grpcStatus: 0, message: "fine?" }],
    ["an out-of-range grpcStatus", { grpcStatus: 99, message: "?" }],
    ["a fractional grpcStatus", { grpcStatus: 5.5, message: "?" }],
    ["a string grpcStatus", { grpcStatus: "5", message: "?" }],
    ["a string", "oops"],
    ["undefined", undefined],
  ])("%s answers INTERNAL with a fixed message", (_name, error) => {
    const result = grpcStatusFromError(error);
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).toBe("internal error");
  });
});
