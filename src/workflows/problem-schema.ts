import { Type } from 'typebox';

/** A validation problem in API answers (same shape as AppError.invalid's details). */
export const FieldProblemSchema = Type.Object({
  path: Type.String(),
  rule: Type.Optional(Type.String()),
  message: Type.String(),
});
