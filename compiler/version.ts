/** The compiler's version: part of every artifact's identity (same graph + same version = same bytes). */
export const COMPILER_VERSION = "0.1.0";
