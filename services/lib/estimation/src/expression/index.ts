export {
  type CompiledStep,
  type CompiledStepWithJacobian,
  compileDiscreteStep,
  type DiscreteStepOptions,
} from "./compile-discrete-step.ts";
export {
  type CompiledVectorFunction,
  compileExpressions,
  slotsOf,
  type VariableLayout,
} from "./compile-expressions.ts";
export { checkDeclaredNames, type VariableDeclaration } from "./declared-names.ts";
export { differentiateExpression } from "./differentiate-expression.ts";
export {
  type BinaryNode,
  type BinaryOperator,
  binary as binaryExpression,
  type CallNode,
  call as callExpression,
  type Expression,
  freeVariables,
  type NegateNode,
  type NumberNode,
  negate as negateExpression,
  num as numberExpression,
  type Span as ExpressionSpan,
  sameExpression,
  substitute,
  type VariableNode,
  variable as variableExpression,
} from "./expression-ast.ts";
export { ExpressionError, type ExpressionErrorCode, type TextPosition } from "./expression-error.ts";
export { EXPRESSION_CONSTANTS, EXPRESSION_FUNCTIONS, type ExpressionFunction } from "./expression-functions.ts";
export {
  type ExpressionMeasurementDeclaration,
  ExpressionMeasurementModel,
  type MeasurementComponentDeclaration,
} from "./expression-measurement-model.ts";
export {
  type ExpressionTransitionDeclaration,
  ExpressionTransitionModel,
  type ProcessNoiseMatrixDeclaration,
} from "./expression-transition-model.ts";
export { generateJavaScript, type SlotMap } from "./generate-javascript.ts";
export { ModelDeclarationError } from "./model-declaration-error.ts";
export { MAX_EXPRESSION_LENGTH, type ParseOptions, parseExpression } from "./parse-expression.ts";
export { printExpression } from "./print-expression.ts";
export { constantValue, simplifyExpression } from "./simplify-expression.ts";
export {
  type Token as ExpressionToken,
  type TokenKind as ExpressionTokenKind,
  tokenizeExpression,
} from "./tokenize-expression.ts";
