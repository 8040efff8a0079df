/** The public surface of the language core: analysis, the syntax tree, and position look-ups. */
export { analyze, analyzeParsed, BUILTINS } from './analyze';
export type * from './ast';
export { KEYWORDS, lex, type Comment, type LexResult, type Token, type TokenKind } from './lexer';
export type * from './model';
export { parse, type ParsedFile } from './parser';
export { statementAt, tokenAt } from './position';
