/**
 * A twin definition or binding document is invalid.
 *
 * Why one class with a list of issues: an author fixing a document wants every problem at once, each
 * naming the file and the field (`deploy/twins/thermal.yaml: sensors.temp.noiseStd: must be > 0`), and the
 * admin gRPC method returns the same list as INVALID_ARGUMENT details.
 */
export class DefinitionError extends Error {
  readonly code = "INVALID_TWIN_DEFINITION";
  /** Where the document came from (a file path, or "grpc:PutDefinition"). */
  readonly source: string;
  readonly issues: readonly DefinitionIssue[];

  constructor(source: string, issues: readonly DefinitionIssue[]) {
    super(issues.map((i) => `${source}: ${i.field === "" ? "(document)" : i.field}: ${i.message}`).join("\n"));
    this.name = "DefinitionError";
    this.source = source;
    this.issues = issues;
  }
}

/** One problem in a document: the dotted path of the field and what is wrong with it. */
export interface DefinitionIssue {
  readonly field: string;
  readonly message: string;
}
